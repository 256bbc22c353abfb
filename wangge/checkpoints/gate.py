"""The gate's decision (放行 or not, and why) and the record of each passage.

`decide` answers at once for what the gate scanned or typed — a pass's signed code, a person's
code, an ID number — with a clear reason when it refuses: the code is forged or altered, the
pass revoked or expired, the household sealed, the person (or, with a household pass, someone
of the household) under quarantine, the household's quota used for this period, the gate
closed, a fever, a red or yellow health code, a person not in the registry.

`record` writes the passage once per client UUID (a phone that retries or syncs its offline
queue twice records nothing twice). A passage the gate let through while offline is recorded
as it happened; if the server, checking later, would have refused it, the reason is kept
beside it for the commander to see.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.control.models import ControlOrder, OrderType
from wangge.control.services import is_sealed
from wangge.control.services_followups import FEVER_AT
from wangge.core.normalize import NormalizationError, normalize_id_number
from wangge.core.qr import PERSON, BadQrCode, parse_token
from wangge.core.scope import RECORD, covers
from wangge.people.models import Person, Residence
from wangge.places.models import Household
from wangge.workforce.models import Assignment

from . import gate_sql, signing
from .models import Checkpoint, Pass, Passage, PassPolicy

OUT, IN = Passage.Direction.OUT, Passage.Direction.IN
CONFINING = (OrderType.Kind.HOME_QUARANTINE, OrderType.Kind.CENTRAL_QUARANTINE)


@dataclass
class Decision:
    allowed: bool
    code: str = ""
    reason: str = ""
    household: Household | None = None
    person: Person | None = None
    pass_card: Pass | None = None

    @property
    def outcome(self) -> str:
        return Passage.Outcome.ALLOWED if self.allowed else Passage.Outcome.REFUSED


def _refuse(code: str, reason: str, **who) -> Decision:
    return Decision(False, code, reason, **who)


def _home(person: Person) -> Household | None:
    res = (
        Residence.objects.filter(person=person, living=True, until__isnull=True)
        .select_related("household__building")
        .order_by("-registered", "pk")
        .first()
    )
    return res.household if res else None


def identify(checkpoint: Checkpoint, *, token: str = "", id_number: str = "") -> Decision:
    """Who is at the gate: from a pass code, a person code or a typed ID number. Refuses what
    cannot be trusted or found; otherwise allowed so far (the rules come next)."""
    token = (token or "").strip()
    if token.startswith(signing.PREFIX + "."):
        claim = signing.verify(token)
        if claim is None:
            return _refuse("forged", _("出入证无效：二维码被篡改或不是本系统签发"))
        card = (
            Pass.objects.select_related("household__building")
            .filter(pk=claim.pass_id, household_id=claim.household_id)
            .first()
        )
        if card is None:
            return _refuse("unknown_pass", _("出入证无效：查无此证"))
        who = {"household": card.household, "pass_card": card}
        if card.revoked_at is not None:
            reason = _("出入证已作废（%(why)s）") % {"why": card.revoke_reason or _("已挂失")}
            return _refuse("revoked", reason, **who)
        return Decision(True, **who)
    if token:
        try:
            ref = parse_token(token, kinds=(PERSON,))
        except BadQrCode:
            return _refuse("forged", _("二维码无效：被篡改或不是本系统签发"))
        if ref is None:
            id_number = id_number or token
        else:
            person = Person.objects.filter(pk=ref.pk).first()
            if person is None:
                return _refuse("unknown", _("查无此人"))
            return Decision(True, household=_home(person), person=person)
    if not id_number:
        return _refuse("empty", _("请扫描出入证、个人二维码或输入身份证号"))
    try:
        number = normalize_id_number(id_number)
    except NormalizationError as exc:
        return _refuse("bad_id", str(exc))
    person = Person.objects.filter(id_number=number).first()
    if person is None:
        return _refuse("unknown", _("查无此人：不是登记居民，请核实身份后劝返或登记"))
    return Decision(True, household=_home(person), person=person)


# A gate's row and rules (the estates it serves, their pass policies) are read on every scan;
# each process keeps them RULES_SECONDS, so an edit applies within that time everywhere.
RULES_SECONDS = 5.0
_checkpoints: dict[int, tuple[float, Checkpoint | None]] = {}
_rules: dict[int, tuple[float, frozenset[int], dict[int, PassPolicy]]] = {}


def checkpoint_of(pk: int) -> Checkpoint | None:
    """The checkpoint `pk` as read at most RULES_SECONDS ago (None when there is none)."""
    cached = _checkpoints.get(pk)
    now = time.monotonic()
    if cached is not None and now - cached[0] < RULES_SECONDS:
        return cached[1]
    checkpoint = Checkpoint.objects.filter(pk=pk).first()
    _checkpoints[pk] = (now, checkpoint)
    return checkpoint


def gate_rules(checkpoint: Checkpoint) -> tuple[frozenset[int], dict[int, PassPolicy]]:
    """(estate ids served, {estate id: pass policy}) of a checkpoint."""
    cached = _rules.get(checkpoint.pk)
    now = time.monotonic()
    if cached is not None and now - cached[0] < RULES_SECONDS:
        return cached[1], cached[2]
    served = frozenset(checkpoint.estates.values_list("pk", flat=True))
    policies = {p.estate_id: p for p in PassPolicy.objects.filter(estate_id__in=served)}
    _rules[checkpoint.pk] = (now, served, policies)
    return served, policies


def forget_rules(checkpoint_id: int | None = None) -> None:
    """Drop this process's cached rules (after an edit; tests)."""
    if checkpoint_id is None:
        _rules.clear()
        _checkpoints.clear()
    else:
        _rules.pop(checkpoint_id, None)
        _checkpoints.pop(checkpoint_id, None)


def period_start(policy: PassPolicy, at: dt.datetime) -> dt.datetime:
    """The start of the quota period holding `at` (periods of `period_days` local days from
    the policy's first day)."""
    day = timezone.localdate(at)
    days = max(policy.period_days, 1)
    offset = (day - policy.starts_on).days % days
    start = day - dt.timedelta(days=offset)
    return dt.datetime.combine(start, dt.time.min, tzinfo=timezone.get_current_timezone())


def _quota(decision: Decision, at: dt.datetime, policy: PassPolicy | None) -> Decision | None:
    household = decision.household
    if policy is None:
        return None
    since = period_start(policy, at)
    used = (
        Passage.objects.filter(
            household=household,
            direction=OUT,
            outcome__in=(Passage.Outcome.ALLOWED,),
            at__gte=since,
            at__lt=since + dt.timedelta(days=max(policy.period_days, 1)),
        )
        .exclude(at__gt=at)
        .count()
    )
    if used >= policy.persons:
        reason = gate_sql.quota_reason(policy)
        return _refuse("quota", reason, **_who(decision))
    return None


def _who(decision: Decision) -> dict:
    return {
        "household": decision.household,
        "person": decision.person,
        "pass_card": decision.pass_card,
    }


def gate_is_open(checkpoint: Checkpoint, at: dt.datetime) -> bool:
    if checkpoint.opens_at is None or checkpoint.closes_at is None:
        return True
    now = timezone.localtime(at).time()
    if checkpoint.opens_at <= checkpoint.closes_at:
        return checkpoint.opens_at <= now < checkpoint.closes_at
    return now >= checkpoint.opens_at or now < checkpoint.closes_at  # open across midnight


def clean_temperature(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        t = Decimal(str(value).strip().replace("℃", "")).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"temperature": [_("体温请填写数字，如 36.5")]}) from exc
    if not Decimal("34") <= t <= Decimal("43"):
        raise ValidationError({"temperature": [_("体温 %(t)s℃ 不在合理范围内，请复测") % {"t": t}]})
    return t


def decide(
    checkpoint: Checkpoint,
    *,
    direction: str,
    token: str = "",
    id_number: str = "",
    temperature=None,
    health_code: str = "",
    at: dt.datetime | None = None,
) -> Decision:
    """The gate's answer for one person, in or out, now (or at `at`)."""
    at = at or timezone.now()
    decision = identify(checkpoint, token=token, id_number=id_number)
    if not decision.allowed:
        return decision
    who = _who(decision)
    household = decision.household
    today = timezone.localdate(at)
    if decision.pass_card is not None and decision.pass_card.valid_until < today:
        until = decision.pass_card.valid_until
        return _refuse("expired", _("出入证已过期（有效期至 %(d)s）") % {"d": until}, **who)
    served, policies = gate_rules(checkpoint)
    resident = household is not None and household.building.estate_id in served
    if checkpoint.residents_only and served and not resident:
        return _refuse("not_resident", _("非本小区居民，请劝返"), **who)
    if checkpoint.records_temperature and temperature is not None:
        if Decimal(temperature) >= FEVER_AT:
            reason = _("体温 %(t)s℃，请引导至发热门诊，不予通行") % {"t": temperature}
            return _refuse("fever", reason, **who)
    if checkpoint.records_health_code and health_code in ("red", "yellow"):
        label = Passage.HealthCode(health_code).label
        return _refuse("health_code", _("%(code)s，不予通行") % {"code": label}, **who)
    if direction == IN:
        return decision
    if not gate_is_open(checkpoint, at):
        return _refuse("closed", _("卡口当前不开放出行"), **who)
    if household is not None and is_sealed(household, at):
        return _refuse("sealed", _("该户在封控区内，足不出户"), **who)
    orders = ControlOrder.objects.filter(
        status=ControlOrder.Status.ACTIVE,
        starts_on__lte=today,
        ends_on__gte=today,
        order_type__kind__in=CONFINING,
    )
    if decision.person is not None:
        order = orders.filter(person=decision.person).select_related("order_type").first()
    elif household is not None:
        order = orders.filter(household=household).select_related("order_type").first()
    else:
        order = None
    if order is not None:
        return _refuse(
            "quarantine",
            _("%(name)s 正在%(type)s（至 %(end)s），不得外出")
            % {"name": order.person.name[:1] + "*", "type": order.order_type, "end": order.ends_on},
            **who,
        )
    if household is not None:
        policy = policies.get(household.building.estate_id)
        if policy is None and household.building.estate_id:
            # A household of an estate this gate does not serve (not residents-only).
            policy = PassPolicy.objects.filter(estate_id=household.building.estate_id).first()
        refused = _quota(decision, at, policy)
        if refused is not None:
            return refused
    return decision


def may_record(actor, checkpoint: Checkpoint, at: dt.datetime | None = None) -> bool:
    """Whoever may record in the checkpoint's area, or is on the workforce roster there today:
    assigned to a published shift, covering the day, of a post linked to this checkpoint (a
    volunteer of another grid posted at this gate)."""
    if covers(actor, checkpoint.scope_path, RECORD):
        return True
    if not getattr(actor, "is_authenticated", False):
        return False
    day = timezone.localdate(at or timezone.now())
    return Assignment.objects.filter(
        worker__user=actor,
        shift__published_at__isnull=False,
        shift__post__checkpoint=checkpoint,
        shift__starts_at__date__lte=day,
        shift__ends_at__date__gte=day,
    ).exists()


def _uuid(value) -> uuid.UUID | None:
    if value in (None, ""):
        return None
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError as exc:
        raise ValidationError({"client_uuid": [_("记录编号格式不正确")]}) from exc


def record(
    checkpoint: Checkpoint,
    *,
    actor,
    direction: str,
    token: str = "",
    id_number: str = "",
    plate: str = "",
    temperature=None,
    health_code: str = "",
    at: dt.datetime | None = None,
    client_uuid=None,
    offline_outcome: str = "",
    note: str = "",
) -> tuple[Passage, bool]:
    """Decide and record one passage. Returns (passage, created): a retry with the same
    client UUID returns the first record. `offline_outcome` is what a gate decided while
    offline ("allowed"): it stands, with the server's objection kept in the reason."""
    if not may_record(actor, checkpoint):
        raise PermissionDenied
    if direction not in Passage.Direction.values:
        raise ValidationError({"direction": [_("请选择进或出")]})
    key = _uuid(client_uuid)
    now = timezone.now()
    at = at or now
    if at > now + dt.timedelta(minutes=5):
        raise ValidationError({"at": [_("时间不能晚于当前时间")]})
    plain_scan = not (id_number or plate or health_code or offline_outcome or note.strip())
    if plain_scan and temperature in (None, "") and token.startswith(signing.PREFIX + "."):
        claim = signing.verify(token)
        if claim is not None:
            served, policies = gate_rules(checkpoint)
            done = gate_sql.record_pass(
                checkpoint,
                claim,
                actor=actor,
                direction=direction,
                at=at,
                key=key,
                served=served,
                policies=policies,
            )
            if done is not None:
                return done
    value = clean_temperature(temperature)
    decision = decide(
        checkpoint,
        direction=direction,
        token=token,
        id_number=id_number,
        temperature=value,
        health_code=health_code,
        at=at,
    )
    outcome, code, reason = decision.outcome, decision.code, decision.reason
    if offline_outcome == Passage.Outcome.ALLOWED and not decision.allowed:
        outcome = Passage.Outcome.ALLOWED
        code = f"offline_{code}"[:20]
        reason = _("离线放行；联网核对：%(reason)s") % {"reason": reason}
    passage = Passage(
        checkpoint=checkpoint,
        at=at,
        direction=direction,
        outcome=outcome,
        code=code,
        reason=reason[:200],
        household=decision.household,
        person=decision.person,
        pass_card=decision.pass_card,
        plate="".join(plate.split()).upper()[:12],
        temperature=value,
        health_code=health_code if health_code in Passage.HealthCode.values else "",
        note=note.strip()[:200],
        client_uuid=key,
        offline=bool(offline_outcome),
        recorded_by=actor if getattr(actor, "pk", None) else None,
        scope_path=checkpoint.scope_path,
    )
    try:
        with transaction.atomic():
            passage.save()
    except IntegrityError:
        if key is None:
            raise
        return Passage.objects.get(client_uuid=key), False
    return passage, True
