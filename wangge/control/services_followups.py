"""Daily follow-ups: scheduling them when an order is placed or extended, dropping the pending
ones when it ends, recording one (idempotent), and the alerts a fever or a symptom raises.

A follow-up is due by its rule's time of day; it is overdue once that time has passed while the
order is still active and nothing was recorded. Recording the same follow-up twice (a retry, a
double tap) changes nothing the second time: the first record stands.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.scope import CHANGE, RECORD, covers

from .models import ControlOrder
from .models_followups import Alert, FollowUp, FollowUpRule, Symptom
from .models_sites import Stay

# 37.3 ℃ is the fever line of the 2022 protocols; a deployment may set another in settings.
FEVER_AT = Decimal(str(getattr(settings, "WANGGE_FEVER_AT", "37.3")))
LOWEST, HIGHEST = Decimal("34.0"), Decimal("43.0")


def _assignee_name(order: ControlOrder) -> str:
    if order.worker_name:
        return order.worker_name
    return str(order.worker) if order.worker_id else ""


def schedule(order: ControlOrder, *, since: dt.date | None = None) -> int:
    """Create the order's follow-ups for every day from `since` (its start) to its end, one per
    rule of its type; days already scheduled are kept. Returns how many were created."""
    rules = list(FollowUpRule.objects.filter(order_type_id=order.order_type_id))
    if not rules:
        return 0
    tz = timezone.get_current_timezone()
    day = max(since or order.starts_on, order.starts_on)
    rows = []
    while day <= order.ends_on:
        for rule in rules:
            rows.append(
                FollowUp(
                    order=order,
                    rule=rule,
                    kind=rule.kind,
                    label=rule.label,
                    day=day,
                    due_at=dt.datetime.combine(day, rule.due_time, tzinfo=tz),
                    assignee_id=order.worker_id,
                    assignee_name=_assignee_name(order),
                    scope_path=order.scope_path,
                )
            )
        day += dt.timedelta(days=1)
    existing = set(
        FollowUp.objects.filter(order=order, day__gte=order.starts_on).values_list("rule_id", "day")
    )
    new = [f for f in rows if (f.rule_id, f.day) not in existing]
    FollowUp.objects.bulk_create(new)
    return len(new)


def drop_pending(order: ControlOrder) -> int:
    """Remove the follow-ups not yet recorded of an order that has ended (released, cancelled)
    from now on; recorded ones stay as its history."""
    deleted, _rows = FollowUp.objects.filter(
        order=order, done_at__isnull=True, due_at__gt=timezone.now()
    ).delete()
    return deleted


def reassign(order: ControlOrder) -> int:
    """Give the order's pending follow-ups to its (new) worker."""
    return FollowUp.objects.filter(order=order, done_at__isnull=True).update(
        assignee_id=order.worker_id, assignee_name=_assignee_name(order)
    )


def overdue(at: dt.datetime | None = None) -> QuerySet[FollowUp]:
    """Follow-ups past their due time, unrecorded, of orders still in force."""
    at = at or timezone.now()
    return FollowUp.objects.filter(
        done_at__isnull=True, due_at__lt=at, order__status=ControlOrder.Status.ACTIVE
    )


def _clean(kind: str, temperature, symptoms) -> tuple[Decimal | None, list[str], dict]:
    errors: dict[str, list[str]] = {}
    value = None
    if temperature not in (None, ""):
        try:
            value = Decimal(str(temperature)).quantize(Decimal("0.1"))
        except (InvalidOperation, ValueError):
            errors["temperature"] = [_("体温请填写数字，如 36.5")]
        else:
            if not LOWEST <= value <= HIGHEST:
                errors["temperature"] = [
                    _("体温 %(t)s℃ 不在 %(lo)s～%(hi)s℃ 之间，请核对")
                    % {"t": value, "lo": LOWEST, "hi": HIGHEST}
                ]
    elif kind == FollowUp.Kind.TEMPERATURE:
        errors["temperature"] = [_("请填写体温")]
    codes = [s for s in (symptoms or []) if s]
    unknown = [s for s in codes if s not in Symptom.values]
    if unknown:
        errors["symptoms"] = [_("未知症状：%(s)s") % {"s": "、".join(unknown)}]
    return value, list(dict.fromkeys(codes)), errors


def may_record(actor, followup: FollowUp) -> bool:
    """Whoever may record in the person's grid, or at the site where the person is staying
    (central quarantine readings are taken by the site's health observation group)."""
    if covers(actor, followup.scope_path, RECORD):
        return True
    return (
        Stay.objects.for_user(actor, RECORD)
        .filter(order_id=followup.order_id, checked_out_at__isnull=True)
        .exists()
    )


def record(
    followup: FollowUp,
    *,
    actor,
    temperature=None,
    symptoms: list[str] | None = None,
    needs: str = "",
    note: str = "",
    client_uuid=None,
    at: dt.datetime | None = None,
) -> tuple[FollowUp, bool]:
    """Record a follow-up. Returns (follow-up, created): a follow-up already recorded, or a
    retry carrying the same client UUID, returns the first record unchanged. A temperature at
    or above the fever line, or any symptom, raises an alert for the commander at once."""
    if not may_record(actor, followup):
        raise PermissionDenied
    if client_uuid:
        earlier = FollowUp.objects.filter(client_uuid=client_uuid).first()
        if earlier is not None:
            return earlier, False
    if followup.done_at is not None:
        return followup, False
    if followup.order.status != ControlOrder.Status.ACTIVE:
        raise ValidationError(_("该人员已解除管控，无需随访"))
    value, codes, errors = _clean(followup.kind, temperature, symptoms)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = FollowUp.objects.select_for_update().get(pk=followup.pk)
        if locked.done_at is not None:
            return locked, False
        locked.done_at = at or timezone.now()
        locked.temperature = value
        locked.symptoms = codes
        locked.needs = needs.strip()[:200]
        locked.note = note.strip()[:200]
        locked.recorded_by = actor if getattr(actor, "pk", None) else None
        locked.client_uuid = client_uuid or None
        try:
            with transaction.atomic():
                locked.save()
        except IntegrityError:
            # The same client UUID landed first on another follow-up: that record stands.
            return FollowUp.objects.get(client_uuid=client_uuid), False
        _alert(locked)
    followup.refresh_from_db()
    return followup, True


def _alert(followup: FollowUp) -> Alert | None:
    fever = followup.temperature is not None and followup.temperature >= FEVER_AT
    if not fever and not followup.symptoms:
        return None
    names = "、".join(str(Symptom(code).label) for code in followup.symptoms)
    if fever:
        detail = _("体温 %(t)s℃") % {"t": followup.temperature}
        if names:
            detail += "；" + names
    else:
        detail = names
    return Alert.objects.create(
        order=followup.order,
        person_id=followup.order.person_id,
        followup=followup,
        kind=Alert.Kind.FEVER if fever else Alert.Kind.SYMPTOMS,
        temperature=followup.temperature,
        detail=detail[:300],
        scope_path=followup.scope_path,
    )


def open_alerts() -> QuerySet[Alert]:
    return Alert.objects.filter(handled_at__isnull=True)


def handle_alert(alert: Alert, *, actor, handling: str) -> Alert:
    """Record what was done about an alert (e.g. 已转运至发热门诊)."""
    if not covers(actor, alert.scope_path, CHANGE):
        raise PermissionDenied
    if alert.handled_at is not None:
        raise ValidationError(_("该预警已处置"))
    if not handling.strip():
        raise ValidationError({"handling": [_("请填写处置情况")]})
    alert.handled_at = timezone.now()
    alert.handled_by = actor if getattr(actor, "pk", None) else None
    alert.handling = handling.strip()[:200]
    alert.save(update_fields=["handled_at", "handled_by", "handling"])
    return alert
