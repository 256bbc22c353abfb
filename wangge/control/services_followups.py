"""Daily follow-ups: scheduling them when an order is placed or extended, dropping the pending
ones when it ends, recording one (idempotent), and the alerts a fever or a symptom raises.

A follow-up is due by its rule's time of day; it is overdue once that time has passed while the
order is still active and nothing was recorded. Recording the same follow-up twice (a retry, a
double tap) changes nothing the second time: the first record stands.

Who sees and records: whoever may VIEW / RECORD in the person's grid, and the staff of the site
where the person is staying (central quarantine readings are taken by the site's health
observation group, who may work for another street).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.audit import record_change, snapshot
from wangge.core.models import ChangeLog
from wangge.core.normalize import to_halfwidth
from wangge.core.scope import CHANGE, RECORD, VIEW, covers, path_q, scope_paths

from .models import ControlOrder
from .models_followups import Alert, FollowUp, FollowUpRule, Symptom

# 37.3 ℃ is the fever line of the 2022 protocols; a deployment may set another in settings.
FEVER_AT = Decimal(str(getattr(settings, "WANGGE_FEVER_AT", "37.3")))
LOWEST, HIGHEST = Decimal("34.0"), Decimal("43.0")
# The answer "no symptoms" (无) of the form and the API: the same as an empty list.
NO_SYMPTOMS = "none"
RECORDED_FIELDS = [
    "done_at",
    "temperature",
    "symptoms",
    "needs",
    "note",
    "recorded_by_id",
    "client_uuid",
]
HANDLED_FIELDS = ["handled_at", "handled_by_id", "handling"]


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


def overdue_q(at: dt.datetime | None = None, prefix: str = "") -> Q:
    """Past its due time, unrecorded, of an order still in force. The days before the order was
    placed (an order starting earlier, e.g. from the day of contact) are not overdue: nobody
    was responsible for them then; they may still be recorded afterwards."""
    at = at or timezone.now()
    return Q(
        **{
            f"{prefix}done_at__isnull": True,
            f"{prefix}due_at__lt": at,
            f"{prefix}order__status": ControlOrder.Status.ACTIVE,
            f"{prefix}day__gte": TruncDate(f"{prefix}order__created_at"),
        }
    )


def overdue(at: dt.datetime | None = None) -> QuerySet[FollowUp]:
    """Follow-ups overdue at `at` (now): see overdue_q."""
    return FollowUp.objects.filter(overdue_q(at))


def is_overdue(followup: FollowUp, at: dt.datetime | None = None) -> bool:
    """The same test as overdue() for one follow-up (its order loaded)."""
    order = followup.order
    return (
        followup.done_at is None
        and followup.due_at < (at or timezone.now())
        and order.status == ControlOrder.Status.ACTIVE
        and followup.day >= timezone.localdate(order.created_at)
    )


# --- who sees what ----------------------------------------------------------------------------


def _site_orders(user, action: str) -> QuerySet:
    """Orders of the people staying now at a site where `user` may `action` (by scope, or as
    the site's linked staff)."""
    from .services_site_access import stays_for

    return (
        stays_for(user, action)
        .filter(checked_out_at__isnull=True, order__isnull=False)
        .values("order_id")
    )


def _in_reach(qs: QuerySet, user, action: str, order_field: str = "order_id") -> QuerySet:
    at_sites = Q(**{f"{order_field}__in": _site_orders(user, action)})
    paths = scope_paths(user, action)
    if not paths:
        return qs.filter(at_sites)
    q = path_q(paths, "scope_path")
    if q is None:
        return qs
    return qs.filter(q | at_sites)


def visible(user, action: str = VIEW) -> QuerySet[FollowUp]:
    """Follow-ups in the user's scope, and those of the people staying at the user's sites."""
    return _in_reach(FollowUp.objects.all(), user, action)


def recordable(user) -> QuerySet[FollowUp]:
    """Follow-ups the user may record (see may_record)."""
    return visible(user, RECORD)


def visible_orders(user) -> QuerySet[ControlOrder]:
    """Orders whose follow-up history the user may see."""
    return _in_reach(ControlOrder.objects.all(), user, VIEW, order_field="pk")


def visible_alerts(user) -> QuerySet[Alert]:
    return _in_reach(Alert.objects.all(), user, VIEW)


# --- recording --------------------------------------------------------------------------------


def _temperature(raw) -> Decimal:
    """A temperature as typed on a phone: 36.5, ３６．５, 36,5, 36.5℃ → Decimal('36.5')."""
    if isinstance(raw, bool):
        raise InvalidOperation
    text = to_halfwidth(str(raw)).strip().replace("，", ".").replace(",", ".").replace("。", ".")
    text = text.removesuffix("℃").removesuffix("°C").removesuffix("°").strip()
    value = Decimal(text)
    if not value.is_finite():
        raise InvalidOperation
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _clean(kind: str, temperature, symptoms) -> tuple[Decimal | None, list[str], dict]:
    errors: dict[str, list[str]] = {}
    value = None
    if temperature not in (None, ""):
        try:
            value = _temperature(temperature)
        except (InvalidOperation, ValueError, TypeError):
            errors["temperature"] = [_("体温请填写数字，如 36.5")]
        else:
            if not LOWEST <= value <= HIGHEST:
                errors["temperature"] = [
                    _("体温 %(t)s℃ 不在 %(lo)s～%(hi)s℃ 之间，请核对")
                    % {"t": value, "lo": LOWEST, "hi": HIGHEST}
                ]
    elif kind == FollowUp.Kind.TEMPERATURE:
        errors["temperature"] = [_("请填写体温")]
    if isinstance(symptoms, str):
        symptoms = [symptoms]
    codes = [str(s).strip() for s in (symptoms or []) if s is not None and str(s).strip()]
    unknown = [s for s in codes if s not in Symptom.values and s != NO_SYMPTOMS]
    if unknown:
        errors["symptoms"] = [_("未知症状：%(s)s") % {"s": "、".join(unknown)}]
    elif NO_SYMPTOMS in codes and len(set(codes)) > 1:
        errors["symptoms"] = [_("已选“无”时不能再选其他症状")]
    codes = [s for s in codes if s != NO_SYMPTOMS]
    return value, list(dict.fromkeys(codes)), errors


def _uuid(value) -> uuid.UUID | None:
    if value in (None, ""):
        return None
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise ValidationError({"client_uuid": [_("client_uuid 不是有效的 UUID")]}) from None


def _uuid_taken() -> ValidationError:
    return ValidationError({"client_uuid": [_("该 client_uuid 已用于另一次随访")]})


def may_record(actor, followup: FollowUp) -> bool:
    """Whoever may record in the person's grid, or at the site where the person is staying
    (central quarantine readings are taken by the site's health observation group)."""
    if covers(actor, followup.scope_path, RECORD):
        return True
    return _site_orders(actor, RECORD).filter(order_id=followup.order_id).exists()


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
    or above the fever line, or any symptom, raises an alert for the commander at once.

    A client UUID already used on another follow-up is refused (a client bug, not a retry).
    Symptoms may be given as [] or ["none"] for "no symptoms"."""
    if not may_record(actor, followup):
        raise PermissionDenied
    client_uuid = _uuid(client_uuid)
    if client_uuid:
        earlier = FollowUp.objects.filter(client_uuid=client_uuid).first()
        if earlier is not None:
            if earlier.pk != followup.pk:
                raise _uuid_taken()
            return earlier, False
    if followup.done_at is not None:
        return followup, False
    order = followup.order
    if order.status != ControlOrder.Status.ACTIVE:
        raise ValidationError(
            _("该人员的%(type)s%(status)s，无需随访")
            % {"type": order.order_type, "status": order.get_status_display()}
        )
    when = at or timezone.now()
    if followup.day > timezone.localdate(when):
        raise ValidationError(
            _("这是 %(day)s 的随访，还未到日期") % {"day": followup.day.strftime("%Y-%m-%d")}
        )
    value, codes, errors = _clean(followup.kind, temperature, symptoms)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = FollowUp.objects.select_for_update().select_related("order").get(pk=followup.pk)
        if locked.done_at is not None:
            return locked, False
        before = snapshot(locked, RECORDED_FIELDS)
        locked.done_at = when
        locked.temperature = value
        locked.symptoms = codes
        locked.needs = (needs or "").strip()[:200]
        locked.note = (note or "").strip()[:200]
        locked.recorded_by = actor if getattr(actor, "pk", None) else None
        locked.client_uuid = client_uuid
        try:
            with transaction.atomic():
                locked.save()
        except IntegrityError:
            # The same client UUID landed first elsewhere: a retry of this record, or a clash.
            first = FollowUp.objects.filter(client_uuid=client_uuid).first()
            if first is not None and first.pk == followup.pk:
                return first, False
            raise _uuid_taken() from None
        record_change(
            actor, ChangeLog.Action.UPDATE, locked, before, snapshot(locked, RECORDED_FIELDS)
        )
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


def alert_of(followup: FollowUp) -> Alert | None:
    """The alert a recorded follow-up raised, if any."""
    return Alert.objects.filter(followup_id=followup.pk).first()


def open_alerts() -> QuerySet[Alert]:
    return Alert.objects.filter(handled_at__isnull=True)


def handle_alert(alert: Alert, *, actor, handling: str) -> Alert:
    """Record what was done about an alert (e.g. 已转运至发热门诊)."""
    if not covers(actor, alert.scope_path, CHANGE):
        raise PermissionDenied
    handling = (handling or "").strip()
    if alert.handled_at is not None:
        raise ValidationError(_("该预警已处置"))
    if not handling:
        raise ValidationError({"handling": [_("请填写处置情况")]})
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        if locked.handled_at is not None:
            raise ValidationError(_("该预警已处置"))
        before = snapshot(locked, HANDLED_FIELDS)
        locked.handled_at = timezone.now()
        locked.handled_by = actor if getattr(actor, "pk", None) else None
        locked.handling = handling[:200]
        locked.save(update_fields=["handled_at", "handled_by", "handling"])
        record_change(
            actor, ChangeLog.Action.UPDATE, locked, before, snapshot(locked, HANDLED_FIELDS)
        )
    alert.refresh_from_db()
    return alert
