"""Designations and orders: one current designation per place, sealed households, overlapping
orders refused, bulk placement reporting each refusal, extension and release."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wangge.control.models import ControlOrder, DesignationLevel, OrderType, RiskDesignation
from wangge.control.services import (
    current_designations,
    designate,
    due_for_release,
    extend,
    household_level,
    household_members,
    lift,
    place_order,
    place_orders,
    release,
    sealed_households,
)
from wangge.places.mapstatus import get_provider

pytestmark = pytest.mark.django_db


def level(code):
    return DesignationLevel.objects.get(code=code)


def kind(code):
    return OrderType.objects.get(code=code)


def test_a_sealed_unit_seals_its_households_and_history_is_kept(world):
    actor = world.users.commander
    designate(world.b1, level("controlled"), actor=actor, reason="出现密接")
    assert household_level(world.h101).code == "controlled"
    assert not sealed_households().exists()
    first = designate(world.u11, level("sealed"), actor=actor, reason="阳性病例")
    assert set(sealed_households()) == {world.h101, world.h102}
    assert household_level(world.h101).code == "sealed"
    assert household_level(world.h201).code == "controlled"
    # Re-designating the unit ends the current designation, it does not pile up.
    designate(world.u11, level("controlled"), actor=actor, reason="降级")
    first.refresh_from_db()
    assert first.ends_at is not None and "管控区" in first.lift_reason
    assert current_designations().filter(unit=world.u11).count() == 1
    assert RiskDesignation.objects.filter(unit=world.u11).count() == 2
    current = current_designations().get(unit=world.u11)
    lift(current, actor=actor, reason="14天无新增")
    with pytest.raises(ValidationError):
        lift(current, actor=actor, reason="again")
    assert household_level(world.h101).code == "controlled"  # the building's still holds


def test_designations_need_change_on_the_place(world):
    with pytest.raises(PermissionDenied):
        designate(world.u11, level("sealed"), actor=world.users.outsider, reason="x")
    with pytest.raises(PermissionDenied):
        designate(world.u21, level("sealed"), actor=world.users.grid_leader, reason="x")
    with pytest.raises(ValidationError):
        designate(world.u11, level("sealed"), actor=world.users.grid_leader, reason=" ")


def test_overlapping_orders_of_a_type_are_refused(world):
    actor = world.users.commander
    today = timezone.localdate()
    order = place_order(
        world.zhang, kind("home_quarantine"), actor=actor, source="manual", reason="密接"
    )
    assert order.ends_on == today + dt.timedelta(days=13)
    assert order.household == world.h101 and order.days_remaining(today) == 14
    with pytest.raises(ValidationError) as exc:
        place_order(
            world.zhang,
            kind("home_quarantine"),
            actor=actor,
            source="manual",
            reason="again",
            starts_on=today + dt.timedelta(days=5),
        )
    assert "已有居家隔离" in " ".join(exc.value.messages)
    # Another type, or after the end, is fine.
    place_order(world.zhang, kind("home_monitoring"), actor=actor, source="manual", reason="x")
    place_order(
        world.zhang,
        kind("home_quarantine"),
        actor=actor,
        source="manual",
        reason="next",
        starts_on=today + dt.timedelta(days=14),
    )
    with pytest.raises(PermissionDenied):
        place_order(
            world.other_person, kind("home_quarantine"), actor=actor, source="manual", reason="x"
        )


def test_bulk_placement_places_the_valid_and_reports_each_refusal(world):
    actor = world.users.grid_leader
    place_order(world.zhang, kind("home_quarantine"), actor=actor, source="manual", reason="x")
    people = [*household_members(world.h101), world.wang, world.liu]
    result = place_orders(
        people, kind("home_quarantine"), actor=actor, source="canvass", reason="同户密接"
    )
    assert {o.person for o in result.placed} == {world.zhang_wife, world.wang}
    refused = dict((p.name, why) for p, why in result.refused)
    assert "已有居家隔离" in refused["张伟"]
    assert refused["刘洋"] == "不在您的管辖范围内"  # grid 2


def test_extension_and_release(world):
    actor = world.users.commander
    today = timezone.localdate()
    order = place_order(
        world.li,
        kind("central_quarantine"),
        actor=actor,
        source="positive_tube",
        reason="混管阳性",
        starts_on=today - dt.timedelta(days=13),
    )
    assert list(due_for_release()) == [order]
    extend(order, 7, actor=actor, reason="复检阳性")
    assert order.ends_on == today + dt.timedelta(days=7) and order.extended_days == 7
    assert not due_for_release().exists()
    with pytest.raises(ValidationError):
        release(order, actor=actor)
    release(order, actor=actor, note="指挥部决定提前解除", early=True)
    order.refresh_from_db()
    assert order.status == ControlOrder.Status.RELEASED and order.released_at
    with pytest.raises(ValidationError):
        extend(order, 3, actor=actor, reason="x")


def test_building_map_shows_orders_and_designations(world):
    actor = world.users.commander
    designate(world.u12, level("sealed"), actor=actor, reason="阳性")
    place_order(world.zhang, kind("home_quarantine"), actor=actor, source="manual", reason="x")
    states = get_provider("control").statuses(world.b1)
    assert states[world.h101.pk][0] == "order"
    assert states[world.h201.pk] == ("sealed", "封控区")
    assert states[world.h102.pk][0] == "none"


def test_sealed_and_quarantined_people_are_sampled_at_home(world):
    from wangge.testing.models import DoorVisit, Round
    from wangge.testing.schedule_door import door_entries

    actor = world.users.commander
    today = timezone.localdate()
    rnd = Round.objects.create(number=1, area=world.street, date=today, created_by=actor)
    designate(
        world.u12,
        level("sealed"),
        actor=actor,
        reason="阳性",
        starts_at=timezone.now() - dt.timedelta(days=1),
    )
    place_order(world.liu, kind("home_quarantine"), actor=actor, source="manual", reason="密接")
    place_order(world.wang, kind("home_monitoring"), actor=actor, source="manual", reason="x")
    entries = door_entries(rnd)
    assert entries[world.li.pk] == (world.h201.pk, DoorVisit.Reason.SEALED)
    assert entries[world.liu.pk] == (world.h2_101.pk, DoorVisit.Reason.QUARANTINE)
    assert world.wang.pk not in entries and world.zhang.pk not in entries
