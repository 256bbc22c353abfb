"""Check-in and check-out at the post (到岗签到、签退离岗): the worker's own (or recorded for
them by someone who may change the roster), on a published shift, from 30 minutes before the
start; each carries the phone's UUID, and a retry returns the first result."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.audit import record_change, snapshot
from wangge.core.models import ChangeLog
from wangge.core.scope import CHANGE, covers

from .models import Assignment

EARLY_CHECK_IN = dt.timedelta(minutes=30)


def may_check(user, assignment: Assignment) -> bool:
    """The worker themselves, or someone who may change the roster of the shift."""
    own = assignment.worker.user_id is not None and assignment.worker.user_id == getattr(
        user, "pk", None
    )
    return own or covers(user, assignment.scope_path, CHANGE)


def _replay(field_name: str, assignment: Assignment, client_uuid) -> Assignment | None:
    if client_uuid is None:
        return None
    first = Assignment.objects.filter(**{field_name: client_uuid}).first()
    if first is None:
        return None
    if first.pk != assignment.pk:
        raise ValidationError({"client_uuid": [_("该 client_uuid 已被使用")]})
    return first


def record_check_in(
    assignment: Assignment, *, actor, at: dt.datetime | None = None, client_uuid=None
) -> tuple[Assignment, bool]:
    """Check in; returns (assignment, whether this call recorded it)."""
    if not may_check(actor, assignment):
        raise PermissionDenied
    client_uuid = uuid.UUID(str(client_uuid)) if client_uuid else None
    with transaction.atomic():
        a = (
            Assignment.objects.select_for_update()
            .select_related("shift__post", "worker")
            .get(pk=assignment.pk)
        )
        first = _replay("check_in_uuid", a, client_uuid)
        if first is not None or a.checked_in_at is not None:
            return a, False
        now = timezone.now()
        at = at or now
        shift = a.shift
        if shift.published_at is None:
            raise ValidationError(_("班次尚未发布，暂不能签到"))
        if at < shift.starts_at - EARLY_CHECK_IN:
            raise ValidationError(
                _("班次 %(start)s 开始，最早可提前 30 分钟签到")
                % {"start": timezone.localtime(shift.starts_at).strftime("%m-%d %H:%M")}
            )
        if at >= shift.ends_at:
            raise ValidationError(_("班次已结束，不能再签到"))
        if at > now + dt.timedelta(minutes=5):
            raise ValidationError({"at": [_("签到时间不能晚于当前时间")]})
        before = snapshot(a)
        a.checked_in_at = at
        a.check_in_uuid = client_uuid
        a.save(update_fields=["checked_in_at", "check_in_uuid"])
        record_change(actor, ChangeLog.Action.UPDATE, a, before, snapshot(a))
        return a, True


def record_check_out(
    assignment: Assignment, *, actor, at: dt.datetime | None = None, client_uuid=None
) -> tuple[Assignment, bool]:
    """Check out; returns (assignment, whether this call recorded it)."""
    if not may_check(actor, assignment):
        raise PermissionDenied
    client_uuid = uuid.UUID(str(client_uuid)) if client_uuid else None
    with transaction.atomic():
        a = (
            Assignment.objects.select_for_update()
            .select_related("shift__post", "worker")
            .get(pk=assignment.pk)
        )
        first = _replay("check_out_uuid", a, client_uuid)
        if first is not None or a.checked_out_at is not None:
            return a, False
        if a.checked_in_at is None:
            raise ValidationError(_("尚未签到，不能签退"))
        now = timezone.now()
        at = at or now
        if at < a.checked_in_at:
            raise ValidationError({"at": [_("签退时间不能早于签到时间")]})
        if at > now + dt.timedelta(minutes=5):
            raise ValidationError({"at": [_("签退时间不能晚于当前时间")]})
        before = snapshot(a)
        a.checked_out_at = at
        a.check_out_uuid = client_uuid
        a.save(update_fields=["checked_out_at", "check_out_uuid"])
        record_change(actor, ChangeLog.Action.UPDATE, a, before, snapshot(a))
        return a, True


def check_in(
    assignment: Assignment, *, actor, at: dt.datetime | None = None, client_uuid=None
) -> Assignment:
    return record_check_in(assignment, actor=actor, at=at, client_uuid=client_uuid)[0]


def check_out(
    assignment: Assignment, *, actor, at: dt.datetime | None = None, client_uuid=None
) -> Assignment:
    return record_check_out(assignment, actor=actor, at=at, client_uuid=client_uuid)[0]
