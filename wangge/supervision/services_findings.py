"""Findings (督查问题) and their loop: added to an inspection with an owner and a deadline, then
rectified with a note and a photo (evidence), then verified on re-inspection (pass → verified;
return → open again with a new deadline, `reopened` + 1). A finding still open past its
deadline is overdue (a state of the list, not stored).

Who may do what: adding and verifying need INSPECT over the finding's path; rectifying needs
CHANGE or RECORD there, or being the linked user of the finding's owner worker. Each write is
audited (ChangeLog). A double tap adding the same finding (same item and description within
ten minutes) returns the first one.
"""

from __future__ import annotations

import datetime as dt
import uuid
from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.audit import record_change, snapshot
from wangge.core.models import ChangeLog
from wangge.core.normalize import NormalizationError, normalize_phone
from wangge.core.scope import CHANGE, INSPECT, RECORD, ancestor_paths, covers

from .models import ChecklistItem, Finding, Inspection

Status = Finding.Status
DEFAULT_DEADLINE_HOURS = 24
PHOTO_EXTENSIONS = {"jpg", "jpeg", "png", "webp", "gif", "heic"}
PHOTO_FIELDS = ("photo", "rectification_photo")
REPEAT_WINDOW = dt.timedelta(minutes=10)


# --- audit and photos -------------------------------------------------------------------------


def snap(obj) -> dict:
    """The audited values (photos as their stored names: a file cannot go to JSON)."""
    names = [
        f.attname for f in obj._meta.concrete_fields if f.name not in {"scope_path", *PHOTO_FIELDS}
    ]
    data = snapshot(obj, names)
    for name in PHOTO_FIELDS:
        if hasattr(obj, name):
            data[name] = getattr(obj, name).name or ""
    return data


def save_photo(field, photo) -> None:
    """Store an uploaded photo under a random name (the original name is not kept)."""
    ext = (getattr(photo, "name", "") or "").rsplit(".", 1)[-1].lower()
    ext = ext if ext in PHOTO_EXTENSIONS else "jpg"
    field.save(f"{uuid.uuid4().hex}.{ext}", photo, save=False)


def _save(finding: Finding, data: dict, *, actor, photo=None) -> Finding:
    before = snap(finding)
    for name, value in data.items():
        setattr(finding, name, value)
    if photo is not None:
        save_photo(finding.rectification_photo, photo)
    finding.full_clean(validate_unique=False)
    finding.save()
    record_change(actor, ChangeLog.Action.UPDATE, finding, before, snap(finding))
    return finding


def _lock(finding: Finding) -> Finding:
    """Re-read the finding in the transaction (a double tap must not apply a step twice)."""
    fresh = Finding.objects.select_for_update().get(pk=finding.pk)
    for f in finding._meta.concrete_fields:
        setattr(finding, f.attname, getattr(fresh, f.attname))
    return finding


# --- who and when -----------------------------------------------------------------------------


def is_overdue(finding: Finding, now: dt.datetime | None = None) -> bool:
    return finding.status == Status.OPEN and finding.deadline < (now or timezone.now())


def may_inspect(user, obj) -> bool:
    return covers(user, obj.scope_path, INSPECT)


def is_owner(user, finding: Finding) -> bool:
    worker = finding.owner_worker
    return bool(worker and worker.user_id and getattr(user, "pk", None) == worker.user_id)


def may_rectify(user, finding: Finding) -> bool:
    return (
        covers(user, finding.scope_path, CHANGE)
        or covers(user, finding.scope_path, RECORD)
        or is_owner(user, finding)
    )


def ancestors_and_below(field: str, path: str) -> Q:
    """Rows at or below `path`, or at one of the areas above it."""
    return reduce(
        or_, [Q(**{f"{field}__startswith": path})] + [Q(**{field: p}) for p in ancestor_paths(path)]
    )


def default_deadline(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) + dt.timedelta(hours=DEFAULT_DEADLINE_HOURS)


def owner_workers(area):
    """Workers who may own a finding of `area`: active ones of the area, below it or above it
    (a street cadre answering for a grid's post)."""
    from wangge.workforce.models import Worker

    return Worker.objects.filter(status=Worker.Status.ACTIVE).filter(
        ancestors_and_below("scope_path", area.path)
    )


# --- adding -----------------------------------------------------------------------------------


def clean_finding(inspection: Inspection, fields: dict, now: dt.datetime) -> dict:
    """The finding's fields checked and completed; raises ValidationError (in Chinese)."""
    errors: dict[str, list[str]] = {}
    description = (fields.get("description") or "").strip()
    if not description:
        errors["description"] = [_("请填写问题描述")]
    severity = fields.get("severity") or Finding.Severity.MINOR
    if severity not in Finding.Severity.values:
        errors["severity"] = [_("请选择严重程度")]
    item = fields.get("item")
    if item is not None and not isinstance(item, ChecklistItem):
        item = ChecklistItem.objects.filter(pk=item).first()
        if item is None:
            errors["item"] = [_("检查内容不存在")]
    if item is not None and item.target_type != inspection.target_type:
        errors["item"] = [_("检查内容不属于该督查对象类型")]
    worker = fields.get("owner_worker")
    if worker is not None and not owner_workers(inspection.area).filter(pk=worker.pk).exists():
        errors["owner_worker"] = [_("整改责任人不是该区域的在册工作人员")]
    owner_name = (fields.get("owner_name") or "").strip()
    raw_phone = fields.get("owner_phone") or ""
    if worker is not None:
        owner_name = owner_name or worker.name
        raw_phone = raw_phone or worker.phone
    if not owner_name:
        errors["owner_name"] = [_("请选择整改责任人，或填写责任人姓名")]
    try:
        phone = normalize_phone(raw_phone)
    except NormalizationError as exc:
        errors["owner_phone"] = [str(exc)]
        phone = ""
    deadline = fields.get("deadline") or default_deadline(now)
    if deadline <= now:
        errors["deadline"] = [_("整改时限应晚于当前时间")]
    if errors:
        raise ValidationError(errors)
    return {
        "item": item,
        "description": description[:2000],
        "severity": severity,
        "owner_worker": worker,
        "owner_name": owner_name[:100],
        "owner_phone": phone,
        "deadline": deadline,
    }


def _repeat(inspection: Inspection, data: dict, now: dt.datetime) -> Finding | None:
    return (
        Finding.objects.filter(
            inspection=inspection,
            item=data["item"],
            description=data["description"],
            created_at__gte=now - REPEAT_WINDOW,
        )
        .order_by("pk")
        .first()
    )


def create_finding(inspection: Inspection, data: dict, *, actor, photo=None) -> Finding:
    """Write one finding already checked by clean_finding (inside the caller's transaction)."""
    finding = Finding(
        inspection=inspection,
        created_by=actor if getattr(actor, "pk", None) else None,
        **data,
    )
    if photo:
        save_photo(finding.photo, photo)
    finding.full_clean(validate_unique=False)
    finding.save()
    record_change(actor, ChangeLog.Action.CREATE, finding, None, snap(finding))
    return finding


def add_finding(inspection: Inspection, *, actor, photo=None, **fields) -> Finding:
    """Add a finding (item, description, severity, photo, owner worker or name and phone,
    deadline — by default 24 hours from now) to `inspection`."""
    if not may_inspect(actor, inspection):
        raise PermissionDenied
    now = timezone.now()
    data = clean_finding(inspection, fields, now)
    with transaction.atomic():
        Inspection.objects.select_for_update().filter(pk=inspection.pk).first()
        first = _repeat(inspection, data, now)
        if first is not None:
            return first
        return create_finding(inspection, data, actor=actor, photo=photo)


# --- rectifying and verifying -----------------------------------------------------------------


def rectify(finding: Finding, *, actor, note: str, photo=None) -> Finding:
    """The owner reports the problem fixed (已整改待复查), with a note and a photo."""
    if not may_rectify(actor, finding):
        raise PermissionDenied
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("请填写整改情况")]})
    with transaction.atomic():
        _lock(finding)
        if finding.status != Status.OPEN:
            raise ValidationError(
                _("该问题当前状态为“%(status)s”，不能登记整改")
                % {"status": finding.get_status_display()}
            )
        _save(
            finding,
            {
                "status": Status.RECTIFIED,
                "rectified_at": timezone.now(),
                "rectified_by": actor if getattr(actor, "pk", None) else None,
                "rectification_note": note[:2000],
            },
            actor=actor,
            photo=photo,
        )
    return finding


def verify(finding: Finding, *, actor, passed: bool, note: str = "", deadline=None) -> Finding:
    """Re-inspection (复查): passed → verified; returned → open again with a new deadline (the
    reason is required) and `reopened` + 1."""
    if not may_inspect(actor, finding):
        raise PermissionDenied
    note = (note or "").strip()
    now = timezone.now()
    if not passed:
        errors = {}
        if not note:
            errors["note"] = [_("请填写退回原因")]
        if deadline is None:
            errors["deadline"] = [_("请填写新的整改时限")]
        elif deadline <= now:
            errors["deadline"] = [_("整改时限应晚于当前时间")]
        if errors:
            raise ValidationError(errors)
    with transaction.atomic():
        _lock(finding)
        if finding.status != Status.RECTIFIED:
            raise ValidationError(
                _("该问题当前状态为“%(status)s”，不能复查")
                % {"status": finding.get_status_display()}
            )
        data = {
            "verified_at": now,
            "verified_by": actor if getattr(actor, "pk", None) else None,
            "verification_note": note[:200],
        }
        if passed:
            data["status"] = Status.VERIFIED
        else:
            data.update(
                status=Status.OPEN,
                deadline=deadline,
                rectified_at=None,
                reopened=finding.reopened + 1,
            )
        _save(finding, data, actor=actor)
    return finding
