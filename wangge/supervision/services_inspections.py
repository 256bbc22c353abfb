"""Inspections (督查/巡查): one visit to one target — a grid post, a checkpoint, a sampling point,
a quarantine site, a supermarket or venue (the operation's own record), or a target named by
hand — with the checklist of its target type answered (ok / problem / not applicable) and the
findings raised (services_findings).

Rules:
- Recording needs INSPECT over the area. A target record must lie in the area (its area is
  the inspection's when the view presets it); the target's name defaults to the record's.
- The checklist answers are for active items of the target type only.
- The same `client_uuid` again returns the first inspection and creates nothing.

Querysets before scope, used by the daily report's figures: `open_findings`,
`overdue_findings(at)`, `awaiting_verification`, `inspections_on(day)`, `findings_on(day)`.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.audit import record_change
from wangge.core.models import ChangeLog
from wangge.core.scope import INSPECT, covers

from .models import ChecklistItem, Finding, Inspection, TargetType
from .services_findings import (  # noqa: F401 - the part's contract lives here too
    DEFAULT_DEADLINE_HOURS,
    add_finding,
    ancestors_and_below,
    clean_finding,
    create_finding,
    is_overdue,
    may_inspect,
    may_rectify,
    rectify,
    snap,
    verify,
)

CHECK_VALUES = {
    "ok": gettext_lazy("合格"),
    "problem": gettext_lazy("有问题"),
    "na": gettext_lazy("不适用"),
}
# Target type → (the inspection's field, the model path) of the operation's own record.
TARGET_FIELDS = {
    TargetType.GRID_POST: "post",
    TargetType.CHECKPOINT: "checkpoint",
    TargetType.SAMPLING_POINT: "sampling_point",
    TargetType.QUARANTINE_SITE: "site",
    TargetType.SUPERMARKET: "venue",
    TargetType.VENUE: "venue",
}
TARGET_ARGS = ("post", "checkpoint", "sampling_point", "site", "venue")
SWEEP_TYPES = (TargetType.SUPERMARKET, TargetType.VENUE)


def checklist(target_type: str):
    return ChecklistItem.objects.filter(target_type=target_type, active=True).order_by(
        "order", "pk"
    )


def target_model(target_type: str):
    """The model of the records a target type names (None for 其他)."""
    field = TARGET_FIELDS.get(target_type)
    return Inspection._meta.get_field(field).related_model if field else None


def target_records(target_type: str):
    """The records a target of this type may be (active ones; before scope)."""
    model = target_model(target_type)
    if model is None:
        return None
    qs = model.objects.all()
    if any(f.name == "active" for f in model._meta.fields):
        qs = qs.filter(active=True)
    if target_type == TargetType.SUPERMARKET:
        qs = qs.filter(kind__in=model.SUPPLY_KINDS)
    elif target_type == TargetType.VENUE:
        qs = qs.exclude(kind__in=model.SUPPLY_KINDS)
    return qs.select_related("area")


def target_of(inspection: Inspection):
    for name in TARGET_ARGS:
        if getattr(inspection, f"{name}_id"):
            return getattr(inspection, name)
    return None


# --- recording --------------------------------------------------------------------------------


def _replay(client_uuid, area) -> Inspection | None:
    first = Inspection.objects.filter(client_uuid=client_uuid).first()
    if first is None:
        return None
    if first.area_id != area.pk:
        raise ValidationError({"client_uuid": [_("该 client_uuid 已被使用")]})
    return first


def _clean_checks(target_type: str, checks) -> dict:
    items = {str(pk) for pk in checklist(target_type).values_list("pk", flat=True)}
    out = {}
    for key, value in (checks or {}).items():
        key, value = str(key), str(value or "")
        if not value:
            continue
        if key not in items:
            raise ValidationError({"checks": [_("检查内容不属于该督查对象类型或已停用")]})
        if value not in CHECK_VALUES:
            raise ValidationError({"checks": [_("检查结果应为合格、有问题或不适用")]})
        out[key] = value
    return out


def _clean_target(area, target_type: str, targets: dict, errors: dict):
    """The one target record given (None for none), checked against the type and the area."""
    given = {k: v for k, v in targets.items() if v is not None}
    if len(given) > 1:
        errors["target"] = [_("只能选择一个督查对象")]
        return None
    if not given:
        return None
    name, record = next(iter(given.items()))
    if TARGET_FIELDS.get(target_type) != name:
        errors["target"] = [_("督查对象与对象类型不符")]
        return None
    if not record.scope_path.startswith(area.path):
        errors["target"] = [_("督查对象不在所选区域内")]
        return None
    return record


def record_inspection(
    area,
    *,
    actor,
    target_type: str,
    target_name: str = "",
    inspected_at: dt.datetime | None = None,
    shift: str = Inspection.Shift.DAY,
    checks: dict | None = None,
    note: str = "",
    post=None,
    checkpoint=None,
    sampling_point=None,
    site=None,
    venue=None,
    findings=(),
    client_uuid: uuid.UUID | None = None,
) -> tuple[Inspection, bool]:
    """Record an inspection of a target in `area` with its checklist answers and findings
    (dicts of add_finding's fields, a `photo` among them). Returns (inspection, created); a
    retry with the same client_uuid returns the first one."""
    if area is None or not covers(actor, area.path, INSPECT):
        raise PermissionDenied
    if client_uuid is not None:
        first = _replay(client_uuid, area)
        if first is not None:
            return first, False
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    if target_type not in TargetType.values:
        raise ValidationError({"target_type": [_("请选择督查对象类型")]})
    if shift not in Inspection.Shift.values:
        errors["shift"] = [_("请选择日间或夜间")]
    targets = {
        "post": post,
        "checkpoint": checkpoint,
        "sampling_point": sampling_point,
        "site": site,
        "venue": venue,
    }
    record = _clean_target(area, target_type, targets, errors)
    target_name = (target_name or "").strip() or (str(record) if record is not None else "")
    if not target_name:
        errors["target_name"] = [_("请选择督查对象，或填写对象名称")]
    inspected_at = inspected_at or now
    if inspected_at > now + dt.timedelta(minutes=5):
        errors["inspected_at"] = [_("督查时间不能晚于当前时间")]
    try:
        checks = _clean_checks(target_type, checks)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    inspection = Inspection(
        area=area,
        target_type=target_type,
        target_name=target_name[:200],
        inspected_at=inspected_at,
        shift=shift,
        inspector=actor if getattr(actor, "pk", None) else None,
        inspector_name=(getattr(actor, "display_name", "") or str(actor or ""))[:100],
        checks=checks,
        note=(note or "").strip()[:2000],
        client_uuid=client_uuid,
        **{k: v for k, v in targets.items() if v is not None},
    )
    cleaned = []
    for i, fields in enumerate(findings or ()):
        fields = dict(fields)
        photo = fields.pop("photo", None)
        try:
            cleaned.append((clean_finding(inspection, fields, now), photo))
        except ValidationError as exc:
            raise ValidationError(
                {f"findings.{i}.{k}": v for k, v in exc.message_dict.items()}
            ) from exc
    try:
        with transaction.atomic():
            inspection.full_clean(validate_unique=False)
            inspection.save()
            record_change(actor, ChangeLog.Action.CREATE, inspection, None, snap(inspection))
            for data, photo in cleaned:
                create_finding(inspection, data, actor=actor, photo=photo)
    except IntegrityError:
        if client_uuid is None:
            raise
        first = _replay(client_uuid, area)
        if first is None:
            raise
        return first, False
    return inspection, True


# --- querysets before scope -------------------------------------------------------------------


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


def open_findings():
    return Finding.objects.filter(status=Finding.Status.OPEN)


def overdue_findings(at: dt.datetime | None = None):
    return open_findings().filter(deadline__lt=at or timezone.now())


def awaiting_verification():
    return Finding.objects.filter(status=Finding.Status.RECTIFIED)


def inspections_on(day: dt.date):
    start, end = _day_bounds(day)
    return Inspection.objects.filter(inspected_at__gte=start, inspected_at__lt=end)


def findings_on(day: dt.date):
    start, end = _day_bounds(day)
    return Finding.objects.filter(created_at__gte=start, created_at__lt=end)


# --- the summary sentence ---------------------------------------------------------------------


def summary_counts(inspections, findings) -> dict:
    """{inspections, findings, rectified (rectified or verified), verified, open, overdue,
    rate (percent, None without findings)} of the given querysets."""
    now = timezone.now()
    found = findings.count()
    done = findings.filter(status__in=(Finding.Status.RECTIFIED, Finding.Status.VERIFIED)).count()
    return {
        "inspections": inspections.count(),
        "findings": found,
        "rectified": done,
        "verified": findings.filter(status=Finding.Status.VERIFIED).count(),
        "open": findings.filter(status=Finding.Status.OPEN).count(),
        "overdue": findings.filter(status=Finding.Status.OPEN, deadline__lt=now).count(),
        "rate": round(100 * done / found) if found else None,
    }


def summary_sentence(counts: dict) -> str:
    """督查 40 次，发现问题 215 个，已整改 215 个，整改率 100%."""
    if not counts["findings"]:
        return _("督查 %(n)d 次，未发现问题") % {"n": counts["inspections"]}
    text = _("督查 %(n)d 次，发现问题 %(f)d 个，已整改 %(r)d 个，整改率 %(rate)d%%") % {
        "n": counts["inspections"],
        "f": counts["findings"],
        "r": counts["rectified"],
        "rate": counts["rate"],
    }
    if counts["overdue"]:
        text += _("，超期未整改 %(o)d 个") % {"o": counts["overdue"]}
    return text
