"""The gate's two actions besides scanning: the green channel (绿色通道: a dialysis patient, a
woman in labour, a newborn, an emergency — let through at once, even from a sealed household,
and logged with the reason and the escort) and a turn-back (劝返, logged with its reason).

Both record a Passage, once per client UUID (a phone that retries or syncs its offline queue
twice records nothing twice). Who it was is filled in when the pass or ID number given can be
identified; an unknown or unreadable one does not stop either action.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.control.services import sealed_households
from wangge.core.mask import mask_name
from wangge.core.scope import VIEW, covers

from . import gate as g
from . import passes, signing
from .models import Checkpoint, Passage, PassPolicy


def gate_checkpoint(user, pk: int) -> Checkpoint:
    """The checkpoint whose gate `user` works (may_record): 404 when they cannot see it, 403
    when they can see it but may not record there."""
    checkpoint = g.checkpoint_of(pk)
    if checkpoint is not None and g.may_record(user, checkpoint):
        return checkpoint
    if checkpoint is not None and covers(user, checkpoint.scope_path, VIEW):
        raise PermissionDenied
    raise Http404


def gate_data(checkpoint: Checkpoint, now: dt.datetime | None = None) -> dict:
    """What a gate page keeps for deciding offline: the public key, the checkpoint's rules,
    the quota rule with what each household used of it so far, the households sealed now and
    the revoked passes of the estates served."""
    now = now or timezone.now()
    estates = list(checkpoint.estates.values_list("pk", flat=True))
    policy = PassPolicy.objects.filter(estate_id__in=estates).order_by("persons", "-period_days")
    policy = policy.first()
    used: dict[str, int] = {}
    rule = None
    if policy is not None:
        since = g.period_start(policy, now)
        rule = {
            "persons": policy.persons,
            "period_days": max(policy.period_days, 1),
            "starts_on": policy.starts_on.isoformat(),
            "since": since.isoformat(),
        }
        rows = (
            Passage.objects.filter(
                household__building__estate_id__in=estates,
                direction=g.OUT,
                outcome=Passage.Outcome.ALLOWED,
                at__gte=since,
                at__lte=now,
            )
            .values("household_id")
            .annotate(n=Count("pk"))
        )
        used = {str(r["household_id"]): r["n"] for r in rows}
    sealed = list(
        sealed_households(now)
        .filter(building__estate_id__in=estates)
        .values_list("pk", flat=True)[:20000]
    )
    revoked = list(passes.revoked_since(estates).values_list("pk", flat=True))
    return {
        "checkpoint": {
            "id": checkpoint.pk,
            "name": checkpoint.name,
            "residents_only": checkpoint.residents_only,
            "records_temperature": checkpoint.records_temperature,
            "records_health_code": checkpoint.records_health_code,
            "opens_at": checkpoint.opens_at.strftime("%H:%M") if checkpoint.opens_at else None,
            "closes_at": checkpoint.closes_at.strftime("%H:%M") if checkpoint.closes_at else None,
        },
        "now": now.isoformat(),
        "today": timezone.localdate(now).strftime("%Y%m%d"),
        "key": signing.public_key_b64(),
        "format": signing.PREFIX,
        "estates": estates,
        "rule": rule,
        "used": used,
        "sealed": sealed,
        "revoked": revoked,
    }


def _check(checkpoint: Checkpoint, actor, direction: str) -> None:
    if not g.may_record(actor, checkpoint):
        raise PermissionDenied
    if direction not in Passage.Direction.values:
        raise ValidationError({"direction": [_("请选择进或出")]})


def _replay(key) -> Passage | None:
    return Passage.objects.filter(client_uuid=key).first() if key is not None else None


def _when(at: dt.datetime | None) -> dt.datetime:
    now = timezone.now()
    at = at or now
    if at > now + dt.timedelta(minutes=5):
        raise ValidationError({"at": [_("时间不能晚于当前时间")]})
    return at


def _who(checkpoint: Checkpoint, token: str, id_number: str) -> g.Decision | None:
    if not (token or "").strip() and not (id_number or "").strip():
        return None
    found = g.identify(checkpoint, token=token, id_number=id_number)
    # A refused pass (revoked, say) still names its household; a forgery names no one.
    return found if found.household is not None or found.person is not None else None


def _save(passage: Passage, key) -> tuple[Passage, bool]:
    try:
        with transaction.atomic():
            passage.save()
    except IntegrityError:
        if key is None:
            raise
        return Passage.objects.get(client_uuid=key), False
    return passage, True


def green_channel(
    checkpoint: Checkpoint,
    *,
    actor,
    green: str,
    reason: str = "",
    escort: str = "",
    direction: str = Passage.Direction.OUT,
    token: str = "",
    id_number: str = "",
    at: dt.datetime | None = None,
    client_uuid=None,
) -> tuple[Passage, bool]:
    """Let an emergency through (always allowed, whatever the household's state). Returns
    (passage, created)."""
    _check(checkpoint, actor, direction)
    key = g._uuid(client_uuid)
    first = _replay(key)
    if first is not None:
        return first, False
    if green not in Passage.Green.values:
        raise ValidationError({"green": [_("请选择绿色通道事由")]})
    reason = (reason or "").strip()
    if green == Passage.Green.OTHER and not reason:
        raise ValidationError({"reason": [_("请说明紧急情况")]})
    at = _when(at)
    who = _who(checkpoint, token, id_number)
    label = str(Passage.Green(green).label)
    text = _("绿色通道：%(why)s") % {"why": label}
    if reason:
        text = f"{text}（{reason}）"
    passage = Passage(
        checkpoint=checkpoint,
        at=at,
        direction=direction,
        outcome=Passage.Outcome.GREEN,
        code="green",
        reason=text[:200],
        household=who.household if who else None,
        person=who.person if who else None,
        pass_card=who.pass_card if who else None,
        green=green,
        escort=(escort or "").strip()[:100],
        client_uuid=key,
        recorded_by=actor if getattr(actor, "pk", None) else None,
        scope_path=checkpoint.scope_path,
    )
    return _save(passage, key)


def turn_back(
    checkpoint: Checkpoint,
    *,
    actor,
    reason: str,
    direction: str = Passage.Direction.OUT,
    token: str = "",
    id_number: str = "",
    plate: str = "",
    at: dt.datetime | None = None,
    client_uuid=None,
) -> tuple[Passage, bool]:
    """Log a person or vehicle turned back (劝返) with the reason. Returns (passage, created)."""
    _check(checkpoint, actor, direction)
    key = g._uuid(client_uuid)
    first = _replay(key)
    if first is not None:
        return first, False
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写劝返原因")]})
    at = _when(at)
    who = _who(checkpoint, token, id_number)
    passage = Passage(
        checkpoint=checkpoint,
        at=at,
        direction=direction,
        outcome=Passage.Outcome.TURNED_BACK,
        code="turned_back",
        reason=(_("劝返：%(why)s") % {"why": reason})[:200],
        household=who.household if who else None,
        person=who.person if who else None,
        pass_card=who.pass_card if who else None,
        plate=(plate or "").strip().upper()[:12],
        client_uuid=key,
        recorded_by=actor if getattr(actor, "pk", None) else None,
        scope_path=checkpoint.scope_path,
    )
    return _save(passage, key)


def describe(passage: Passage) -> str:
    """Who passed, for the gate's answer card: the household's address and the masked name
    (of the person, else the householder)."""
    parts = []
    if passage.household_id:
        hh = passage.household
        parts.append(str(hh))
        if passage.person_id is None:
            parts.append(mask_name(hh.householder_name))
    if passage.person_id:
        parts.append(mask_name(passage.person.name))
    return " ".join(parts)
