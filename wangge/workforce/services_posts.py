"""Posts (岗位) and their shifts (班次): creating and changing a post, cutting a day into
shifts, changing how many people a shift needs, and deleting a shift.

Rules:
- a post belongs to an area; a checkpoint, sampling point or quarantine site it is linked to
  lies on that area's line;
- shifts are made only for active posts, at most 48 at once, never twice for the same times;
- a shift on which someone has checked in cannot be deleted.

Who may do what: CHANGE over the post's area (see services_roster for the roster itself).
"""

from __future__ import annotations

import copy
import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.services import create_object, delete_object, update_object

from .models import Post, Shift
from .services_roster import _require, same_line

MAX_SHIFTS_AT_ONCE = 48


# --- posts ------------------------------------------------------------------------------------


def _check_post_links(post: Post) -> None:
    errors: dict[str, list[str]] = {}
    for name, label in (
        ("checkpoint", _("卡口")),
        ("sampling_point", _("采样点")),
        ("site", _("隔离点")),
    ):
        linked = getattr(post, name)
        if linked is not None and not same_line(linked.scope_path, post.area.path):
            errors[name] = [
                _("所选%(what)s不在岗位所属区域内") % {"what": label},
            ]
    if errors:
        raise ValidationError(errors)


def create_post(*, actor, **data) -> Post:
    post = Post(**data)
    if post.area_id is None:
        raise ValidationError({"area": [_("请选择所属区域")]})
    _require(actor, post.area.path)
    if not (post.name or "").strip():
        raise ValidationError({"name": [_("请填写岗位名称")]})
    post.name = post.name.strip()
    _check_post_links(post)
    with transaction.atomic():
        create_object(post, actor=actor)
    return post


def update_post(post: Post, data: dict, *, actor) -> bool:
    _require(actor, post.scope_path)
    if "area" in data:
        _require(actor, data["area"].path)
    if "name" in data:
        data["name"] = (data["name"] or "").strip()
        if not data["name"]:
            raise ValidationError({"name": [_("请填写岗位名称")]})
    probe = copy.copy(post)
    for key, value in data.items():
        setattr(probe, key, value)
    _check_post_links(probe)
    with transaction.atomic():
        changed = update_object(post, data, actor=actor)
        _require(actor, post.scope_path)  # still where the actor may change it
    return changed


# --- shifts -----------------------------------------------------------------------------------


def slot_times(
    day: dt.date, starts: dt.time, ends: dt.time, slot_hours: int = 0
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The time slots from `starts` to `ends` on `day` (an end at or before the start ends the
    next day: 00:00–00:00 is the whole day), cut in `slot_hours` pieces (0: one slot)."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, starts, tzinfo=tz)
    end = dt.datetime.combine(day, ends, tzinfo=tz)
    if end <= start:
        end += dt.timedelta(days=1)
    if not slot_hours:
        return [(start, end)]
    step = dt.timedelta(hours=slot_hours)
    slots = []
    at = start
    while at < end:
        slots.append((at, min(at + step, end)))
        at += step
    return slots


def create_shifts(
    post: Post,
    *,
    actor,
    day: dt.date,
    starts: dt.time,
    ends: dt.time,
    slot_hours: int = 0,
    needed: int | None = None,
) -> list[Shift]:
    """One shift, or a run of shifts (a day cut in 6-hour shifts: "24小时换岗不脱岗")."""
    _require(actor, post.scope_path)
    if not post.active:
        raise ValidationError(_("岗位已停用，不能再排班"))
    needed = post.headcount if needed is None else needed
    if needed < 1:
        raise ValidationError({"needed": [_("需要人数至少为 1")]})
    slots = slot_times(day, starts, ends, slot_hours)
    if len(slots) > MAX_SHIFTS_AT_ONCE:
        raise ValidationError(
            {"slot_hours": [_("一次最多生成 %(n)s 个班次") % {"n": MAX_SHIFTS_AT_ONCE}]}
        )
    existing = Shift.objects.filter(post=post)
    clashes = [(s, e) for s, e in slots if existing.filter(starts_at=s, ends_at=e).exists()]
    if clashes:
        s, e = clashes[0]
        raise ValidationError(
            _("该岗位已有 %(start)s–%(end)s 的班次，请勿重复创建")
            % {
                "start": timezone.localtime(s).strftime("%m-%d %H:%M"),
                "end": timezone.localtime(e).strftime("%H:%M"),
            }
        )
    with transaction.atomic():
        return [
            create_object(Shift(post=post, starts_at=s, ends_at=e, needed=needed), actor=actor)
            for s, e in slots
        ]


def update_shift_needed(shift: Shift, needed: int, *, actor) -> bool:
    _require(actor, shift.scope_path)
    if needed < 1:
        raise ValidationError({"needed": [_("需要人数至少为 1")]})
    return update_object(shift, {"needed": needed}, actor=actor)


def delete_shift(shift: Shift, *, actor) -> None:
    _require(actor, shift.scope_path)
    if shift.assignments.filter(checked_in_at__isnull=False).exists():
        raise ValidationError(_("已有人员签到的班次不能删除"))
    with transaction.atomic():
        for a in list(shift.assignments.all()):
            delete_object(a, actor=actor)
        delete_object(shift, actor=actor)
