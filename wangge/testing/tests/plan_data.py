"""Test data for the planning tests: more buildings and residents in world.street, and the
checks every proposed schedule must pass."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from wangge.people.models import Person, Residence
from wangge.places.models import Building, Household, Unit
from wangge.testing.models import Round, SamplingPoint, SamplingTable, ScheduleSlot
from wangge.testing.schedule import at, slot_capacity


def populate(
    world, *, grid=None, estate=None, buildings=3, units=2, households=4, people=2, tag=""
):
    """Buildings "<tag>1".. in `grid` (grid1) and `estate` (world.estate), each with `units`
    units of `households` households of `people` residents."""
    grid = grid or world.grid1
    made = []
    for b in range(1, buildings + 1):
        building = Building.objects.create(
            area=grid, estate=estate or world.estate, number=f"{tag}{b + 10}"
        )
        made.append(building)
        for u in range(1, units + 1):
            unit = Unit.objects.create(building=building, number=str(u))
            for h in range(1, households + 1):
                hh = Household.objects.create(
                    building=building, unit=unit, floor=h, room=f"{h}01", people_count=people
                )
                for p in range(people):
                    person = Person.objects.create(
                        name=f"居民{tag}{b}{u}{h}{p}", scope_path=hh.scope_path
                    )
                    Residence.objects.create(person=person, household=hh, relation="member")
    return made


def make_round(world, *, area=None, tables=(88, 88), points=None, **fields) -> Round:
    """A round with points [(name, area, estate)] (default one point in grid1), each with
    tables of the given hourly rates."""
    rnd = Round.objects.create(
        number=Round.objects.filter(area=area or world.street).count() + 1,
        area=area or world.street,
        date=dt.date(2022, 4, 12),
        **fields,
    )
    for n, (name, p_area, estate) in enumerate(points or [("1号采样点", world.grid1, None)], 1):
        point = SamplingPoint.objects.create(
            round=rnd, number=n, name=name, area=p_area, estate=estate
        )
        for t, rate in enumerate(tables, 1):
            SamplingTable.objects.create(point=point, number=t, rate_per_hour=rate)
    return rnd


def check_schedule(rnd: Round, loads: dict[int, int], overflow_ids: set[int]) -> None:
    """Every unit with people once (or in the overflow), counts as expected, no window over
    capacity, each building at one point in consecutive slots unless it was split."""
    slots = list(
        ScheduleSlot.objects.filter(round=rnd).select_related("point", "unit").order_by("pk")
    )
    scheduled = [s.unit_id for s in slots]
    assert len(scheduled) == len(set(scheduled))
    assert set(scheduled) | overflow_ids == set(loads)
    assert not set(scheduled) & overflow_ids
    for s in slots:
        if not s.adjusted:
            assert s.expected == loads[s.unit_id]
    by_point = defaultdict(list)
    for s in slots:
        by_point[s.point_id].append(s)
    for group in by_point.values():
        for s in group:
            window = [o for o in group if o.starts_at < s.ends_at and o.ends_at > s.starts_at]
            minutes = (s.ends_at - s.starts_at).total_seconds() / 60
            assert sum(o.expected for o in window) <= slot_capacity(s.point, minutes)
            if not s.adjusted:
                assert at(rnd, rnd.start_time) <= s.starts_at < s.ends_at <= at(rnd, rnd.end_time)


def assert_buildings_together(rnd: Round, split: set[int] = frozenset()) -> None:
    slots = ScheduleSlot.objects.filter(round=rnd).select_related("unit")
    by_building = defaultdict(list)
    for s in slots.order_by("unit__sort_key", "unit__number"):
        by_building[s.unit.building_id].append(s)
    for building_id, group in by_building.items():
        if building_id in split:
            continue
        assert len({s.point_id for s in group}) == 1, building_id
        for a, b in zip(group, group[1:], strict=False):
            assert b.starts_at in (a.starts_at, a.ends_at), (building_id, a, b)
