"""The schedule proposal: every unit once (or reported as overflow), no window over capacity,
buildings kept together, hand adjustments kept, door-to-door people taken off the counts, and
targeted rounds scheduling only their own units."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wangge.core.models import ChangeLog
from wangge.people.models import SpecialGroup
from wangge.places.models import Estate
from wangge.testing.models import DoorTeam, DoorVisit, Round, ScheduleSlot
from wangge.testing.schedule import at, propose_schedule
from wangge.testing.schedule_door import unit_loads
from wangge.testing.schedule_texts import grid_texts, move_slot

from .plan_data import assert_buildings_together, check_schedule, make_round, populate

pytestmark = pytest.mark.django_db


def propose(rnd, world):
    return propose_schedule(rnd, actor=world.users.commander)


@pytest.mark.parametrize(
    ("rates", "minutes", "hours"),
    [
        ((88, 88), 20, (7, 18)),  # plenty of room
        ((30,), 10, (8, 9)),  # 5 people a slot: big units span slots, some overflow
        ((60,), 15, (9, 10)),  # tight: overflow and split buildings
        ((88,), 25, (7, 8)),  # a shorter last slot (10 minutes)
    ],
)
def test_proposal_properties(world, rates, minutes, hours):
    populate(world, buildings=3, units=2, households=3, people=2)
    populate(world, grid=world.grid2, buildings=2, units=3, households=2, people=3, tag="B")
    east = Estate.objects.create(name="东苑", area=world.community)
    rnd = make_round(
        world,
        tables=rates,
        slot_minutes=minutes,
        start_time=dt.time(hours[0]),
        end_time=dt.time(hours[1]),
        points=[("1号采样点", world.grid1, world.estate), ("2号采样点", world.grid2, east)],
    )
    result = propose(rnd, world)
    loads = unit_loads(rnd)
    overflow = {u.pk for u, _n in result.overflow}
    check_schedule(rnd, loads, overflow)
    assert_buildings_together(rnd, set(result.split_buildings))
    assert result.units + len(overflow) == len(loads)
    assert result.people + result.overflow_people == sum(loads.values())
    assert ScheduleSlot.objects.filter(round=rnd).count() == result.units


def test_roomy_day_has_no_overflow_and_keeps_buildings_whole(world):
    populate(world, buildings=4, units=3, households=4, people=2)
    rnd = make_round(world)
    result = propose(rnd, world)
    assert not result.overflow and not result.split_buildings
    assert_buildings_together(rnd)
    # The slots start at the round's start and follow one another without gaps.
    starts = sorted({s.starts_at for s in ScheduleSlot.objects.filter(round=rnd)})
    assert starts[0] == rnd_start(rnd)
    step = dt.timedelta(minutes=rnd.slot_minutes)
    assert all(b - a == step for a, b in zip(starts, starts[1:], strict=False))


def rnd_start(rnd):
    return at(rnd, rnd.start_time)


def test_overflow_is_reported_when_the_day_is_too_short(world):
    populate(world, buildings=3, units=2, households=4, people=2)
    rnd = make_round(world, tables=(30,), start_time=dt.time(8), end_time=dt.time(8, 40))
    result = propose(rnd, world)
    assert result.overflow
    assert result.people <= 20  # 30 an hour for 40 minutes
    check_schedule(rnd, unit_loads(rnd), {u.pk for u, _n in result.overflow})


def test_points_preferred_by_estate_then_grid(world):
    populate(world, buildings=2, units=1, households=2, people=1)
    east = Estate.objects.create(name="东苑", area=world.community)
    populate(world, grid=world.grid2, estate=east, buildings=2, units=1, households=2, tag="E")
    rnd = make_round(
        world,
        points=[
            ("阳光点", world.grid2, world.estate),  # in the estate of grid1's buildings
            ("东苑点", world.grid1, east),  # in the estate of grid2's new buildings
        ],
    )
    propose(rnd, world)
    for s in ScheduleSlot.objects.filter(round=rnd).select_related("unit__building", "point"):
        assert s.point.estate_id == s.unit.building.estate_id


def test_load_is_balanced_between_equal_points(world):
    populate(world, buildings=6, units=2, households=3, people=2)
    rnd = make_round(
        world, points=[("甲", world.grid1, world.estate), ("乙", world.grid1, world.estate)]
    )
    propose(rnd, world)
    counts = [p.slots.count() for p in rnd.points.all()]
    assert min(counts) > 0 and abs(counts[0] - counts[1]) <= 3


def test_adjusted_slots_survive_a_new_proposal(world):
    populate(world, buildings=2, units=2, households=2, people=2)
    rnd = make_round(world, points=[("1号", world.grid1, None), ("2号", world.grid2, None)])
    propose(rnd, world)
    slot = ScheduleSlot.objects.filter(round=rnd, unit=world.u11).get()
    other = rnd.points.get(number=2)
    moved = move_slot(slot, point=other, start=dt.time(16, 0), actor=world.users.commander)
    assert not moved.over
    slot.refresh_from_db()
    assert slot.adjusted and slot.point == other
    result = propose(rnd, world)
    assert result.kept == 1
    again = ScheduleSlot.objects.get(round=rnd, unit=world.u11)
    assert again.pk == slot.pk and again.point == other and again.starts_at == slot.starts_at
    assert ScheduleSlot.objects.filter(round=rnd, unit=world.u11).count() == 1
    check_schedule(rnd, unit_loads(rnd), set())


def test_move_slot_refuses_times_outside_the_point_hours(world):
    rnd = make_round(world)
    propose(rnd, world)
    slot = ScheduleSlot.objects.filter(round=rnd).first()
    with pytest.raises(ValidationError) as exc:
        move_slot(slot, point=slot.point, start=dt.time(6, 0), actor=world.users.commander)
    assert "采样时间" in str(exc.value)


def test_immobile_people_go_to_the_door_list_not_the_counts(world):
    SpecialGroup.objects.create(person=world.zhang, kind=SpecialGroup.Kind.IMMOBILE)
    SpecialGroup.objects.create(person=world.liu, kind=SpecialGroup.Kind.IMMOBILE)
    rnd = make_round(world)
    team1 = DoorTeam.objects.create(round=rnd, name="一组", area=world.grid1)
    team2 = DoorTeam.objects.create(round=rnd, name="二组", area=world.grid2)
    result = propose(rnd, world)
    assert result.door_visits == 2
    visits = {v.person_id: v for v in DoorVisit.objects.filter(round=rnd)}
    assert visits[world.zhang.pk].reason == DoorVisit.Reason.IMMOBILE
    assert visits[world.zhang.pk].team == team1 and visits[world.liu.pk].team == team2
    # u11 has zhang, his wife and wang: two come down. u21 had only liu: no slot at all.
    assert ScheduleSlot.objects.get(round=rnd, unit=world.u11).expected == 2
    assert not ScheduleSlot.objects.filter(round=rnd, unit=world.u21).exists()
    # A hand reassignment stays; someone no longer immobile leaves the list.
    DoorVisit.objects.filter(person=world.zhang).update(team=team2)
    SpecialGroup.objects.filter(person=world.liu).delete()
    propose(rnd, world)
    assert DoorVisit.objects.get(round=rnd, person=world.zhang).team == team2
    assert not DoorVisit.objects.filter(round=rnd, person=world.liu).exists()
    assert ScheduleSlot.objects.get(round=rnd, unit=world.u21).expected == 1


def test_door_visits_round_robin_over_teams_of_the_same_area(world):
    SpecialGroup.objects.create(person=world.zhang, kind=SpecialGroup.Kind.IMMOBILE)
    SpecialGroup.objects.create(person=world.liu, kind=SpecialGroup.Kind.IMMOBILE)
    rnd = make_round(world)
    teams = [DoorTeam.objects.create(round=rnd, name=n, area=world.street) for n in "甲乙"]
    propose(rnd, world)
    assert {v.team for v in DoorVisit.objects.filter(round=rnd)} == set(teams)


def test_buildings_round_only_schedules_its_buildings(world):
    populate(world, buildings=2, units=2, households=2)
    rnd = make_round(world, target=Round.Target.BUILDINGS)
    rnd.target_buildings.set([world.b2])
    propose(rnd, world)
    units = set(ScheduleSlot.objects.filter(round=rnd).values_list("unit_id", flat=True))
    assert units == {world.u21.pk}


def test_special_group_round_only_schedules_their_units(world):
    SpecialGroup.objects.create(person=world.li, kind=SpecialGroup.Kind.PREGNANT)
    rnd = make_round(
        world, target=Round.Target.SPECIAL_GROUP, target_group=SpecialGroup.Kind.PREGNANT
    )
    propose(rnd, world)
    slots = list(ScheduleSlot.objects.filter(round=rnd))
    assert [(s.unit_id, s.expected) for s in slots] == [(world.u12.pk, 1)]


def test_proposal_needs_points_with_tables_and_planning_rights(world):
    rnd = make_round(world, tables=())
    with pytest.raises(ValidationError) as exc:
        propose(rnd, world)
    assert "采样台" in str(exc.value)
    rnd = make_round(world)
    for user in (world.users.volunteer, world.users.outsider, world.users.grid_leader):
        with pytest.raises(PermissionDenied):
            propose_schedule(rnd, actor=user)


def test_grid_leader_plans_their_grid_and_the_proposal_is_audited(world):
    rnd = make_round(world, area=world.grid1)
    result = propose_schedule(rnd, actor=world.users.grid_leader)
    assert result.units == 2  # u11 and u12; grid2 is not in this round
    log = ChangeLog.objects.filter(model="testing.round", object_id=str(rnd.pk)).last()
    assert log.actor == world.users.grid_leader and log.after["schedule_slots"] == 2


def test_re_proposal_keeps_notified_marks_of_unchanged_slots(world):
    rnd = make_round(world)
    propose(rnd, world)
    ScheduleSlot.objects.filter(round=rnd).update(notified_at=rnd_start(rnd))
    propose(rnd, world)
    assert not ScheduleSlot.objects.filter(round=rnd, notified_at__isnull=True).exists()


def test_call_down_texts_name_the_estate_when_a_grid_has_several(world):
    east = Estate.objects.create(name="东苑", area=world.community)
    populate(world, estate=east, buildings=1, units=1, households=1, people=1, tag="E")
    rnd = make_round(world, area=world.grid1)
    propose(rnd, world)
    slots = ScheduleSlot.objects.filter(round=rnd).select_related(
        "unit__building__area", "unit__building__estate", "point"
    )
    (grid,) = grid_texts(slots)
    texts = [t for _s, t in grid.lines]
    assert texts[0] == "阳光小区 1号楼1单元 07:00–07:20 请到1号采样点做核酸，带好身份证/手机"
    assert any(t.startswith("东苑 E11号楼1单元 ") for t in texts)
