"""Shifts at a checkpoint and their members: arranging a shift (accounts in scope and typed
names), checking in and out at the post, each member's status and who is missing from their
post now."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.accounts.models import User
from wangge.core.audit import record_change, snapshot
from wangge.core.models import ChangeLog
from wangge.core.normalize import NormalizationError, normalize_name, normalize_phone
from wangge.core.scope import CHANGE, RECORD, covers, path_q, scope_paths

from .models import Checkpoint, Shift, ShiftMember

# Shift members may check in this long before their shift starts.
EARLY = dt.timedelta(hours=1)


def shift_label(shift: Shift) -> str:
    start, end = timezone.localtime(shift.starts_at), timezone.localtime(shift.ends_at)
    if start.date() == end.date():
        return f"{start:%H:%M}–{end:%H:%M}"
    return f"{start:%m-%d %H:%M}–{end:%m-%d %H:%M}"


def users_in_scope(actor) -> QuerySet[User]:
    """Accounts the actor may put on a shift: holding a role somewhere in the actor's scope."""
    paths = scope_paths(actor, CHANGE)
    if not paths:
        return User.objects.none()
    q = path_q(paths, "role_assignments__scope_path")
    users = User.objects.filter(is_active=True, role_assignments__active=True)
    if q is not None:
        users = users.filter(q)
    return users.distinct().order_by("display_name", "username")


def _shift_names(typed: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    out = []
    for i, (raw_name, raw_phone) in enumerate(typed, start=1):
        name = normalize_name(raw_name)
        if not name:
            continue
        try:
            phone = normalize_phone(raw_phone)
        except NormalizationError as exc:
            msg = _("第%(n)d行 %(name)s 的电话：%(err)s") % {"n": i, "name": name, "err": exc}
            raise ValidationError({"names": [msg]}) from exc
        out.append((name[:50], phone))
    return out


def create_shift(
    checkpoint: Checkpoint,
    *,
    actor,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    needed: int = 2,
    users: Iterable[User] = (),
    names: Sequence[tuple[str, str]] = (),
) -> Shift:
    """A shift at the checkpoint with its members: accounts in the actor's scope and typed
    names (with a phone)."""
    if not covers(actor, checkpoint.scope_path, CHANGE):
        raise PermissionDenied
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": [_("结束时间须晚于开始时间")]})
    if ends_at - starts_at > dt.timedelta(hours=24):
        raise ValidationError({"ends_at": [_("一个班次不能超过24小时")]})
    users = list(users)
    allowed = set(users_in_scope(actor).values_list("pk", flat=True))
    if any(u.pk not in allowed for u in users):
        raise ValidationError({"users": [_("所选人员不在您的管辖范围内")]})
    typed = _shift_names(names)
    if not users and not typed:
        raise ValidationError({"users": [_("请至少安排一名值守人员")]})
    with transaction.atomic():
        shift = Shift(checkpoint=checkpoint, starts_at=starts_at, ends_at=ends_at, needed=needed)
        shift.save()
        record_change(actor, ChangeLog.Action.CREATE, shift, None, snapshot(shift))
        members = [
            ShiftMember(shift=shift, user=u, name=(u.display_name or u.username)[:50])
            for u in users
        ] + [ShiftMember(shift=shift, name=n, phone=p) for n, p in typed]
        for m in members:
            m.save()
            record_change(actor, ChangeLog.Action.CREATE, m, None, snapshot(m))
    return shift


def _not_future(at: dt.datetime | None) -> dt.datetime:
    now = timezone.now()
    if at is not None and at > now + dt.timedelta(minutes=5):
        raise ValidationError({"at": [_("时间不能晚于当前时间")]})
    return at or now


def may_check(actor, member: ShiftMember) -> bool:
    """The member themself, or whoever may record at the checkpoint."""
    if getattr(actor, "pk", None) and member.user_id == actor.pk:
        return True
    return covers(actor, member.shift.checkpoint.scope_path, RECORD)


def check_in(member: ShiftMember, *, actor, at: dt.datetime | None = None) -> ShiftMember:
    if not may_check(actor, member):
        raise PermissionDenied
    at = _not_future(at)
    shift = member.shift
    if at < shift.starts_at - EARLY:
        raise ValidationError(_("班次尚未开始，开始前1小时内才能到岗签到"))
    if at >= shift.ends_at:
        raise ValidationError(_("班次已结束，不能签到"))
    if member.checked_in_at is not None and member.checked_out_at is None:
        raise ValidationError(_("%(name)s 已到岗签到") % {"name": member.name})
    before = snapshot(member)
    member.checked_in_at, member.checked_out_at = at, None
    with transaction.atomic():
        member.save(update_fields=["checked_in_at", "checked_out_at"])
        record_change(actor, ChangeLog.Action.UPDATE, member, before, snapshot(member))
    return member


def check_out(member: ShiftMember, *, actor, at: dt.datetime | None = None) -> ShiftMember:
    if not may_check(actor, member):
        raise PermissionDenied
    at = _not_future(at)
    if member.checked_in_at is None or member.checked_out_at is not None:
        raise ValidationError(_("%(name)s 尚未到岗签到，不能签退") % {"name": member.name})
    before = snapshot(member)
    member.checked_out_at = max(at, member.checked_in_at)
    with transaction.atomic():
        member.save(update_fields=["checked_out_at"])
        record_change(actor, ChangeLog.Action.UPDATE, member, before, snapshot(member))
    return member


def member_status(member: ShiftMember, at: dt.datetime | None = None) -> str:
    """'on' (at the post), 'left' (checked out), 'missing' (shift running, not there),
    'due' (shift not started), 'absent' (shift over, never came), 'done'."""
    at = at or timezone.now()
    shift = member.shift
    if member.checked_in_at is not None and member.checked_out_at is None:
        return "on"
    if member.checked_out_at is not None:
        return "left" if shift.starts_at <= at < shift.ends_at else "done"
    if at < shift.starts_at:
        return "due"
    if at < shift.ends_at:
        return "missing"
    return "absent"


STATUS_LABELS = {
    "on": gettext_lazy("在岗"),
    "left": gettext_lazy("已离岗"),
    "missing": gettext_lazy("未到岗"),
    "due": gettext_lazy("未开始"),
    "absent": gettext_lazy("缺勤"),
    "done": gettext_lazy("已完成"),
}


def missing_now(members: QuerySet[ShiftMember], at: dt.datetime | None = None):
    """Members of shifts running now who are not at their post: never checked in, or checked
    out before the shift's end."""
    at = at or timezone.now()
    running = members.filter(shift__starts_at__lte=at, shift__ends_at__gt=at)
    away = Q(checked_in_at__isnull=True) | Q(checked_out_at__isnull=False)
    return (
        running.filter(away)
        .select_related("shift__checkpoint", "user")
        .order_by("shift__checkpoint__name", "shift__starts_at", "name")
    )
