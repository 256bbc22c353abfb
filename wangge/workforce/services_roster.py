"""The roster (排班): who is on each shift, the proposal that fills a day's open places from
the available workers, and publishing. Posts and their shifts are made in services_posts.

Rules:
- a worker on a shift is active (在册), green (健康绿码) and belongs to the post's area line
  (registered at the post's area, above it — a street's cadres serve every grid — or below it);
- a worker is never on two shifts that overlap, and has at least ``rest_hours`` (default 8)
  between the end of one shift and the start of the next; `assign` checks it under a lock on
  the worker row, so two rosterers cannot book the same person twice;
- `propose` fills the open places of a day's shifts, preferring workers whose skills match
  the post's, then those with the fewest hours this week; it never double-books, and says what
  it could not fill;
Check-in and check-out at the post are in services_checkin.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.audit import record_change, snapshot
from wangge.core.models import ChangeLog
from wangge.core.scope import CHANGE, VIEW, covers
from wangge.core.services import create_object, delete_object

from .models import Assignment, Post, Shift, Worker

DEFAULT_REST_HOURS = 8


# --- helpers ----------------------------------------------------------------------------------


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
    return start, start + dt.timedelta(days=1)


def week_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    monday = day - dt.timedelta(days=day.weekday())
    start, _end = day_bounds(monday)
    return start, start + dt.timedelta(days=7)


def same_line(worker_path: str, post_path: str) -> bool:
    """The worker belongs to the post's area line: at it, above it or below it."""
    return post_path.startswith(worker_path) or worker_path.startswith(post_path)


def may_roster(user, post: Post) -> bool:
    return covers(user, post.scope_path, CHANGE)


def shift_hours(shift: Shift) -> float:
    return (shift.ends_at - shift.starts_at).total_seconds() / 3600


def _require(user, path: str, action: str = CHANGE) -> None:
    if not covers(user, path, action):
        raise PermissionDenied


# --- shifts -----------------------------------------------------------------------------------


def shifts_of_day(day: dt.date):
    start, end = day_bounds(day)
    return Shift.objects.filter(starts_at__gte=start, starts_at__lt=end)


# --- assignments ------------------------------------------------------------------------------


def _fmt(shift: Shift) -> str:
    s = timezone.localtime(shift.starts_at)
    e = timezone.localtime(shift.ends_at)
    return f"{shift.post.name} {s:%m-%d %H:%M}–{e:%H:%M}"


def worker_problem(worker: Worker, post: Post) -> str:
    """Why this worker cannot go on a shift of this post at all ('' when they can)."""
    if worker.status != Worker.Status.ACTIVE:
        return _("%(name)s 不是在册人员（%(status)s），不能排班") % {
            "name": worker.name,
            "status": worker.get_status_display(),
        }
    if worker.health != Worker.Health.GREEN:
        return _("%(name)s 健康状况为“%(health)s”，不能排班") % {
            "name": worker.name,
            "health": worker.get_health_display(),
        }
    if not same_line(worker.scope_path, post.scope_path):
        return _("%(name)s 不属于岗位“%(post)s”所在区域") % {
            "name": worker.name,
            "post": post.name,
        }
    return ""


def clash(worker: Worker, shift: Shift, rest_hours: int = DEFAULT_REST_HOURS) -> str:
    """Why the worker's other shifts keep them off this one ('' when they do not)."""
    rest = dt.timedelta(hours=rest_hours)
    others = (
        Assignment.objects.filter(worker=worker)
        .exclude(shift=shift)
        .filter(
            shift__starts_at__lt=shift.ends_at + rest,
            shift__ends_at__gt=shift.starts_at - rest,
        )
        .select_related("shift__post")
        .order_by("shift__starts_at")
    )
    for other in others:
        o = other.shift
        if o.starts_at < shift.ends_at and o.ends_at > shift.starts_at:
            return _("%(name)s 已排在时间重叠的班次：%(shift)s") % {
                "name": worker.name,
                "shift": _fmt(o),
            }
        return _("%(name)s 与班次 %(shift)s 间隔不足 %(hours)s 小时，需保证休息") % {
            "name": worker.name,
            "shift": _fmt(o),
            "hours": rest_hours,
        }
    return ""


def assign(
    shift: Shift,
    worker: Worker,
    *,
    actor,
    source: str = Assignment.Source.MANUAL,
    rest_hours: int = DEFAULT_REST_HOURS,
) -> Assignment:
    """Put a worker on a shift, refusing the inactive, the not green, those outside the post's
    area and those on an overlapping shift or without `rest_hours` of rest around it."""
    _require(actor, shift.scope_path)
    with transaction.atomic():
        # The lock on the worker serialises every booking of this person.
        worker = Worker.objects.select_for_update().get(pk=worker.pk)
        shift = Shift.objects.select_for_update().select_related("post").get(pk=shift.pk)
        if Assignment.objects.filter(shift=shift, worker=worker).exists():
            raise ValidationError({"worker": [_("%(name)s 已在本班次") % {"name": worker.name}]})
        problem = worker_problem(worker, shift.post)
        if problem:
            raise ValidationError({"worker": [problem]})
        problem = clash(worker, shift, rest_hours)
        if problem:
            raise ValidationError({"worker": [problem]})
        staffed = shift.assignments.count()
        if staffed >= shift.needed:
            raise ValidationError({"worker": [_("本班次已满员（%(n)s 人）") % {"n": shift.needed}]})
        try:
            with transaction.atomic():
                return create_object(
                    Assignment(shift=shift, worker=worker, source=source, created_by=actor),
                    actor=actor,
                )
        except IntegrityError as exc:
            raise ValidationError(
                {"worker": [_("%(name)s 已在本班次") % {"name": worker.name}]}
            ) from exc


def unassign(assignment: Assignment, *, actor) -> None:
    _require(actor, assignment.scope_path)
    with transaction.atomic():
        current = (
            Assignment.objects.select_for_update().select_related("worker").get(pk=assignment.pk)
        )
        if current.checked_in_at is not None:
            raise ValidationError(
                _("%(name)s 已签到，不能移出本班次") % {"name": current.worker.name}
            )
        delete_object(current, actor=actor)


# --- the proposal -----------------------------------------------------------------------------


@dataclass
class Gap:
    shift: Shift
    missing: int

    @property
    def label(self) -> str:
        return _fmt(self.shift)


@dataclass
class Proposal:
    created: list[Assignment] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)


def _candidates(user, shifts: list[Shift]) -> list[Worker]:
    workers = Worker.objects.touching(user, VIEW).filter(
        status=Worker.Status.ACTIVE, health=Worker.Health.GREEN
    )
    paths = {s.scope_path for s in shifts}
    return [w for w in workers.order_by("pk") if any(same_line(w.scope_path, p) for p in paths)]


def propose_detailed(
    user, day: dt.date, *, area=None, rest_hours: int = DEFAULT_REST_HOURS
) -> Proposal:
    """Fill the open places of the day's shifts (of active posts in the user's scope, within
    `area`) and say which places stay open."""
    shifts_qs = (
        shifts_of_day(day)
        .for_user(user, CHANGE)
        .filter(post__active=True)
        .select_related("post")
        .order_by("starts_at", "post__name", "pk")
    )
    if area is not None:
        shifts_qs = shifts_qs.within(area.path)
    shifts = list(shifts_qs)
    result = Proposal()
    if not shifts:
        return result
    rest = dt.timedelta(hours=rest_hours)
    staffed: dict[int, int] = defaultdict(int)
    on_shift: dict[int, set[int]] = defaultdict(set)
    for shift_id, worker_id in Assignment.objects.filter(shift__in=shifts).values_list(
        "shift_id", "worker_id"
    ):
        staffed[shift_id] += 1
        on_shift[shift_id].add(worker_id)
    workers = _candidates(user, shifts)
    # Every worker's booked intervals around the day, and their planned hours this week.
    first = min(s.starts_at for s in shifts) - rest - dt.timedelta(days=1)
    last = max(s.ends_at for s in shifts) + rest + dt.timedelta(days=1)
    w_start, w_end = week_bounds(day)
    booked: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    hours: dict[int, float] = defaultdict(float)
    rows = Assignment.objects.filter(worker__in=workers).filter(
        Q(shift__starts_at__lt=last, shift__ends_at__gt=first)
        | Q(shift__starts_at__gte=w_start, shift__starts_at__lt=w_end)
    )
    for worker_id, s, e in rows.values_list("worker_id", "shift__starts_at", "shift__ends_at"):
        booked[worker_id].append((s, e))
        if w_start <= s < w_end:
            hours[worker_id] += (e - s).total_seconds() / 3600

    def free(w: Worker, shift: Shift) -> bool:
        return all(
            not (s < shift.ends_at + rest and e > shift.starts_at - rest) for s, e in booked[w.pk]
        )

    for shift in shifts:
        missing = shift.needed - staffed[shift.pk]
        if missing <= 0:
            continue
        wanted = set(shift.post.skills or [])
        pool = [
            w
            for w in workers
            if w.pk not in on_shift[shift.pk]
            and same_line(w.scope_path, shift.scope_path)
            and free(w, shift)
        ]
        pool.sort(key=lambda w: (-len(wanted & set(w.skills or [])), hours[w.pk], w.name, w.pk))
        for w in pool:
            if missing <= 0:
                break
            try:
                a = assign(
                    shift, w, actor=user, source=Assignment.Source.PROPOSAL, rest_hours=rest_hours
                )
            except (ValidationError, PermissionDenied):
                continue  # booked meanwhile: the service's own check is the last word
            result.created.append(a)
            booked[w.pk].append((shift.starts_at, shift.ends_at))
            if w_start <= shift.starts_at < w_end:
                hours[w.pk] += shift_hours(shift)
            on_shift[shift.pk].add(w.pk)
            missing -= 1
        if missing > 0:
            result.gaps.append(Gap(shift, missing))
    return result


def propose(
    user, day: dt.date, *, area=None, rest_hours: int = DEFAULT_REST_HOURS
) -> list[Assignment]:
    """The assignments made to fill the day's open places (see propose_detailed)."""
    return propose_detailed(user, day, area=area, rest_hours=rest_hours).created


def publish(user, day: dt.date, *, area=None) -> int:
    """Publish the day's draft shifts in the user's scope (within `area`); the number published."""
    qs = shifts_of_day(day).for_user(user, CHANGE).filter(published_at__isnull=True)
    if area is not None:
        qs = qs.within(area.path)
    now = timezone.now()
    count = 0
    with transaction.atomic():
        for shift in qs.select_for_update():
            before = snapshot(shift)
            shift.published_at = now
            shift.save(update_fields=["published_at"])
            record_change(user, ChangeLog.Action.UPDATE, shift, before, snapshot(shift))
            count += 1
    return count


def pick_list(user, shift: Shift, rest_hours: int = DEFAULT_REST_HOURS) -> list[Worker]:
    """Workers the user may put on this shift by hand: those of the post's area line the user
    can see, each with `.problem` ('' when free) and `.week_hours`, free and skilled first."""
    workers = [
        w
        for w in Worker.objects.touching(user, VIEW)
        .exclude(assignments__shift=shift)
        .select_related("organization")
        .order_by("name", "pk")
        if same_line(w.scope_path, shift.scope_path)
    ]
    rest = dt.timedelta(hours=rest_hours)
    w_start, w_end = week_bounds(timezone.localdate(shift.starts_at))
    near: dict[int, list[Shift]] = defaultdict(list)
    hours: dict[int, float] = defaultdict(float)
    rows = (
        Assignment.objects.filter(worker__in=workers)
        .filter(
            Q(shift__starts_at__lt=shift.ends_at + rest, shift__ends_at__gt=shift.starts_at - rest)
            | Q(shift__starts_at__gte=w_start, shift__starts_at__lt=w_end)
        )
        .select_related("shift__post")
    )
    for a in rows:
        o = a.shift
        if o.starts_at < shift.ends_at + rest and o.ends_at > shift.starts_at - rest:
            near[a.worker_id].append(o)
        if w_start <= o.starts_at < w_end:
            hours[a.worker_id] += shift_hours(o)
    wanted = set(shift.post.skills or [])
    for w in workers:
        w.week_hours = round(hours[w.pk], 1)
        w.skill_match = len(wanted & set(w.skills or []))
        w.problem = worker_problem(w, shift.post)
        if not w.problem and near[w.pk]:
            o = near[w.pk][0]
            if o.starts_at < shift.ends_at and o.ends_at > shift.starts_at:
                w.problem = _("已排在时间重叠的班次：%(shift)s") % {"shift": _fmt(o)}
            else:
                w.problem = _("与班次 %(shift)s 间隔不足 %(hours)s 小时") % {
                    "shift": _fmt(o),
                    "hours": rest_hours,
                }
    workers.sort(key=lambda w: (bool(w.problem), -w.skill_match, w.week_hours, w.name, w.pk))
    return workers
