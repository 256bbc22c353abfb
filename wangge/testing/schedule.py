"""The call-down schedule (按楼号通知下楼): every unit of the round's target gets a point and a
time slot so that no queue forms.

- A point takes sum(table rates) × slot_minutes / 60 people per slot, slots running from its
  opening (the round's start by default) to its closing; a shorter last slot takes less.
- A unit's expected people are the round's target persons living there who are not on the
  door-to-door list (schedule_door). Units with nobody to call down get no slot.
- A building's units go to one point in consecutive slots; a building is split across points
  only when no point has room for all of it. A unit bigger than one slot takes several
  consecutive slots of its own.
- Points are preferred in the same estate, then the same grid, then the nearest in the area
  tree; among equally preferred points the least loaded one wins.
- Units that fit nowhere before closing are the overflow, reported to the planner.
- Slots adjusted by hand (adjusted=True) are kept, and their people use up their points'
  capacity; all other slots are replaced.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.audit import change_row
from wangge.core.models import ChangeLog
from wangge.core.scope import CHANGE, covers
from wangge.places.models import Unit

from .models import Round, SamplingPoint, ScheduleSlot
from .schedule_door import door_entries, sync_door_visits, unit_loads


def at(rnd: Round, time: dt.time) -> dt.datetime:
    """The round's date at `time`, in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(rnd.date, time))


@dataclass
class PointPlan:
    """One point's day: base slots with their capacity and what is left of it."""

    point: SamplingPoint
    starts: list[dt.datetime]
    ends: list[dt.datetime]
    caps: list[int]
    left: list[int]
    cursor: int = 0

    @property
    def total(self) -> int:
        return sum(self.caps)

    @property
    def used(self) -> int:
        return self.total - sum(self.left)


def point_hours(rnd: Round, point: SamplingPoint) -> tuple[dt.datetime, dt.datetime]:
    return at(rnd, point.opens_at or rnd.start_time), at(rnd, point.closes_at or rnd.end_time)


def point_plan(rnd: Round, point: SamplingPoint) -> PointPlan:
    rate = sum(t.rate_per_hour for t in point.tables.all())
    start, end = point_hours(rnd, point)
    step = dt.timedelta(minutes=rnd.slot_minutes)
    plan = PointPlan(point, [], [], [], [])
    t = start
    while t < end and rate:
        stop = min(t + step, end)
        cap = int(rate * (stop - t).total_seconds() // 3600)
        plan.starts.append(t)
        plan.ends.append(stop)
        plan.caps.append(cap)
        plan.left.append(cap)
        t = stop
    return plan


def slot_capacity(point: SamplingPoint, minutes: float) -> int:
    """People a point takes in `minutes` (its tables must be prefetched or cheap)."""
    return int(sum(t.rate_per_hour for t in point.tables.all()) * minutes // 60)


def _use(plan: PointPlan, starts_at: dt.datetime, ends_at: dt.datetime, people: int) -> None:
    """Take an existing (hand-adjusted) slot's people off the base slots it overlaps."""
    for i, (s, e) in enumerate(zip(plan.starts, plan.ends, strict=True)):
        if people <= 0:
            break
        if s < ends_at and e > starts_at:
            take = min(plan.left[i], people)
            plan.left[i] -= take
            people -= take


def pack(plan: PointPlan, loads: list[int], *, commit: bool) -> list[tuple[int, int]]:
    """Place units (their people, in order) from the point's cursor on: each unit in the first
    slot with room, or, when larger than a slot, in enough consecutive empty slots. Returns the
    (first, last) slot index of each unit placed — a prefix of `loads`."""
    left = plan.left if commit else list(plan.left)
    i, n, placed = plan.cursor, len(left), []
    for people in loads:
        while i < n and left[i] < min(people, plan.caps[i]):
            i += 1
        if i >= n:
            break
        if people <= left[i]:
            left[i] -= people
            placed.append((i, i))
            continue
        # Larger than a slot: consecutive empty slots of its own.
        j, room = i, 0
        while j < n and left[j] == plan.caps[j] and room < people:
            room += left[j]
            j += 1
        if room < people:
            break
        for k in range(i, j):
            left[k] = 0
        placed.append((i, j - 1))
        i = j - 1
    if commit and placed:
        plan.cursor = placed[-1][1]
    return placed


def _distance(a: str, b: str) -> int:
    pa, pb = a.strip("/").split("/"), b.strip("/").split("/")
    common = 0
    for x, y in zip(pa, pb, strict=False):
        if x != y:
            break
        common += 1
    return len(pa) + len(pb) - 2 * common


@dataclass
class Proposal:
    """What a proposal did, for the planner."""

    slots: int = 0
    kept: int = 0
    units: int = 0
    people: int = 0
    capacity: int = 0
    door_visits: int = 0
    overflow: list[tuple[Unit, int]] = field(default_factory=list)
    split_buildings: list[int] = field(default_factory=list)

    @property
    def overflow_people(self) -> int:
        return sum(n for _u, n in self.overflow)


def _preference(plan: PointPlan, building) -> tuple:
    point = plan.point
    if point.estate_id and point.estate_id == building.estate_id:
        rank = 0
    elif point.area_id == building.area_id:
        rank = 1
    else:
        rank = 2
    return rank, _distance(point.area.path, building.area.path)


def _ranked(plans: list[PointPlan], building, people: int) -> list[PointPlan]:
    def key(p: PointPlan):
        load = (p.used + people) / p.total if p.total else 1e9
        return (*_preference(p, building), load, p.point.number)

    return sorted(plans, key=key)


def _require_plan(rnd: Round, actor) -> None:
    if not covers(actor, rnd.area.path, CHANGE):
        raise PermissionDenied(_("您无权为该区域安排核酸检测"))


def propose_schedule(rnd: Round, *, actor) -> Proposal:
    """Rebuild the door-to-door list and the call-down schedule of `rnd` (see the module doc).
    Hand-adjusted slots are kept; the rest is replaced in one transaction."""
    _require_plan(rnd, actor)
    points = list(
        rnd.points.select_related("area", "estate").prefetch_related("tables").order_by("number")
    )
    plans = [p for p in (point_plan(rnd, pt) for pt in points) if p.total > 0]
    if not plans:
        raise ValidationError(_("请先添加采样点和采样台（每小时采样人数大于 0）"))
    result = Proposal(capacity=sum(p.total for p in plans))
    with transaction.atomic():
        entries = door_entries(rnd)
        result.door_visits = sync_door_visits(rnd, entries)
        loads = unit_loads(rnd, entries)
        old = list(ScheduleSlot.objects.filter(round=rnd))
        kept = [s for s in old if s.adjusted]
        by_point = {p.point.pk: p for p in plans}
        for s in kept:
            if s.point_id in by_point:
                _use(by_point[s.point_id], s.starts_at, s.ends_at, s.expected)
        done = {s.unit_id for s in kept}
        units = list(
            Unit.objects.filter(pk__in=[u for u in loads if u not in done])
            .select_related("building__area", "building__estate")
            .order_by(
                "building__area__path",
                "building__estate__name",
                "building__sort_key",
                "building__number",
                "building_id",
                "sort_key",
                "number",
            )
        )
        buildings: dict[int, list[Unit]] = {}
        for u in units:
            buildings.setdefault(u.building_id, []).append(u)
        notified = {(s.unit_id, s.point_id, s.starts_at): s.notified_at for s in old}
        new: list[ScheduleSlot] = []
        for group in buildings.values():
            placed = _place_building(rnd, plans, group, loads, result)
            for unit, plan, (first, last) in placed:
                new.append(
                    ScheduleSlot(
                        round=rnd,
                        point=plan.point,
                        unit=unit,
                        starts_at=plan.starts[first],
                        ends_at=plan.ends[last],
                        expected=loads[unit.pk],
                        scope_path=unit.scope_path,
                        notified_at=notified.get((unit.pk, plan.point.pk, plan.starts[first])),
                    )
                )
        ScheduleSlot.objects.filter(round=rnd, adjusted=False).delete()
        ScheduleSlot.objects.bulk_create(new, batch_size=1000)
        result.slots, result.kept = len(new), len(kept)
        result.units = len(new) + len(kept)
        result.people = sum(s.expected for s in new) + sum(s.expected for s in kept)
        change_row(
            actor,
            ChangeLog.Action.UPDATE,
            rnd,
            {"schedule_slots": len(old)},
            {
                "schedule_slots": result.units,
                "overflow_units": len(result.overflow),
                "door_visits": result.door_visits,
            },
        ).save()
    return result


def _place_building(rnd, plans, group: list[Unit], loads, result: Proposal):
    """Place one building's units: whole at the best point with room, else split over the
    points in order of preference; what is left is overflow."""
    building = group[0].building
    people = [loads[u.pk] for u in group]
    ranked = _ranked(plans, building, sum(people))
    for plan in ranked:
        if len(pack(plan, people, commit=False)) == len(people):
            spans = pack(plan, people, commit=True)
            return [(u, plan, span) for u, span in zip(group, spans, strict=True)]
    out, rest = [], list(group)
    for plan in ranked:
        if not rest:
            break
        spans = pack(plan, [loads[u.pk] for u in rest], commit=True)
        out.extend((u, plan, span) for u, span in zip(rest, spans, strict=False))
        rest = rest[len(spans) :]
    if out:
        result.split_buildings.append(building.pk)
    result.overflow.extend((u, loads[u.pk]) for u in rest)
    return out


def unscheduled_units(rnd: Round, user) -> list[tuple[Unit, int]]:
    """Units in the user's scope with people to call down but no slot (overflow, or new
    residents since the last proposal), with their expected people."""
    loads = unit_loads(rnd, door_entries(rnd))
    have = set(ScheduleSlot.objects.filter(round=rnd).values_list("unit_id", flat=True))
    todo = [u for u in loads if u not in have]
    units = (
        Unit.objects.for_user(user)
        .filter(pk__in=todo)
        .select_related("building__estate")
        .order_by("scope_path")
    )
    return [(u, loads[u.pk]) for u in units]
