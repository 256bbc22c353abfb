"""Order services: cancelling (pending follow-ups dropped, door sign and seal removed), the hand
over from canvass flags and from a round's positive pools, a household placed with its refusals,
releasing a selection, the list filters and who may be named the responsible worker."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wangge.canvass.services_returnees import register_arrival
from wangge.control import services_documents, services_orders, services_orders_bulk
from wangge.control.models import ControlOrder, FollowUp, OrderDocument
from wangge.control.services import extend, place_order

from .orders_data import flag, kind, order_for, positive_round

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def test_cancel_drops_pending_followups_and_records_the_door_sign_removed(world):
    order = order_for(world, world.zhang)
    services_documents.serve([order], OrderDocument.Kind.DOOR_SIGN, actor=world.users.commander)
    pending = FollowUp.objects.filter(order=order).count()
    assert pending == 14 * 3
    with pytest.raises(ValidationError) as exc:
        services_orders.cancel(order, world.users.commander, " ")
    assert "请填写撤销原因" in str(exc.value)
    with pytest.raises(PermissionDenied):
        services_orders.cancel(order, world.users.volunteer, "误录")
    with pytest.raises(PermissionDenied):
        services_orders.cancel(order, world.users.outsider, "误录")
    services_orders.cancel(order, world.users.commander, "身份核实有误")
    order.refresh_from_db()
    assert order.status == ControlOrder.Status.CANCELLED
    assert order.release_note == "身份核实有误" and order.released_at is not None
    # Only the follow-ups already due (none later than now) may stay.
    assert not FollowUp.objects.filter(order=order, due_at__gt=timezone.now()).exists()
    sign = OrderDocument.objects.get(order=order, kind=OrderDocument.Kind.DOOR_SIGN)
    assert sign.removed_at is not None
    with pytest.raises(ValidationError, match="只能撤销管控中的措施"):
        services_orders.cancel(order, world.users.commander, "again")
    # A cancelled order no longer blocks a new one of the same type.
    assert order_for(world, world.zhang).status == ControlOrder.Status.ACTIVE


def test_a_cancelled_order_keeps_the_follow_ups_already_recorded(world):
    day = timezone.localdate()
    order = order_for(world, world.zhang, starts_on=day)
    with mock.patch("django.utils.timezone.now", return_value=at(day, 12)):
        services_orders.cancel(order, world.users.commander, "误录")
    # The 10:00 reading of the first day was due before the cancel: it stays (unrecorded).
    kept = FollowUp.objects.filter(order=order)
    assert [f.label for f in kept] == ["上午体温"]


def test_flags_hand_over_their_decided_measure(world):
    f_zhang = flag(world, world.zhang, world.h101)
    f_wang = flag(world, world.wang, world.h102, measure="home_monitoring")
    f_open = flag(world, world.li, world.h201, measure="")
    f_test = flag(world, world.liu, world.h2_101, measure="testing")
    # A household flag without a person places everyone living there.
    f_house = flag(world, None, world.h101, measure="central_quarantine", person_name="张伟家")
    flags = services_orders_bulk.flags_for(
        world.users.commander, [f_zhang.pk, f_wang.pk, f_open.pk, f_test.pk, f_house.pk]
    )
    candidates, refused = services_orders_bulk.flag_candidates(flags)
    assert sorted((c.person.name, c.order_type.code) for c in candidates) == [
        ("张伟", "central_quarantine"),
        ("张伟", "home_quarantine"),
        ("王芳", "home_monitoring"),
        ("陈静", "central_quarantine"),
    ]
    assert {r.name: r.reason for r in refused} == {
        "李娜": "尚未决定措施",
        "刘洋": "决定措施为“核酸检测”，无需下达管控措施",
    }
    result = services_orders_bulk.place_candidates(
        candidates, actor=world.users.commander, refused=refused
    )
    assert len(result.placed) == 4 and len(result.refused) == 2
    order = ControlOrder.objects.get(person=world.zhang, order_type__code="home_quarantine")
    assert order.flag == f_zhang and order.source == "canvass"
    assert order.reason == f_zhang.reason
    # Handing the same flags over again is refused by the overlap rule, naming the order.
    again = services_orders_bulk.place_candidates(candidates, actor=world.users.commander)
    assert not again.placed and len(again.refused) == 4
    assert all("不能重复下达" in r.reason for r in again.refused)
    assert {r.existing for r in again.refused} == set(result.placed)


def test_a_flag_raised_by_an_arrival_is_a_returnee_order(world):
    arrival, _ = register_arrival(
        actor=world.users.commander,
        source="worker",
        household=world.h201,
        name=world.li.name,
        id_number=world.li.id_number,
        phone=world.li.phone,
        origin="上海市浦东新区",
        arrived_on=timezone.localdate(),
    )
    f = flag(world, world.li, world.h201, arrival=arrival, code="risk_area")
    candidates, refused = services_orders_bulk.flag_candidates([f])
    assert not refused
    result = services_orders_bulk.place_candidates(candidates, actor=world.users.commander)
    (order,) = result.placed
    assert order.source == "returnee" and order.flag == f
    assert "上海市浦东新区" in order.source_ref


def test_flags_outside_the_users_change_scope_are_not_handed_over(world):
    f = flag(world, world.liu, world.h2_101)
    assert not services_orders_bulk.flags_for(world.users.grid_leader, [f.pk]).exists()
    assert not services_orders_bulk.flags_for(world.users.volunteer, [f.pk]).exists()
    assert not services_orders_bulk.flags_for(world.users.outsider, [f.pk]).exists()


def test_the_positive_pool_of_a_round_is_handed_over(world):
    rnd = positive_round(world)
    candidates = services_orders_bulk.positive_candidates(rnd, world.users.commander)
    assert [(c.person.name, c.source_ref) for c in candidates] == [("张伟", "P1"), ("王芳", "P1")]
    singles = services_orders_bulk.positive_candidates(
        rnd, world.users.commander, "single_positive"
    )
    assert [(c.person.name, c.source_ref) for c in singles] == [("刘洋", "S1")]
    # The grid leader of grid 1 gets grid 1's people only; an outsider none.
    assert len(services_orders_bulk.positive_candidates(rnd, world.users.grid_leader)) == 2
    assert services_orders_bulk.positive_candidates(rnd, world.users.outsider) == []
    result = services_orders_bulk.place_candidates(
        candidates,
        actor=world.users.commander,
        order_type=kind(),
        worker=world.users.volunteer,
    )
    assert len(result.placed) == 2 and not result.refused
    order = ControlOrder.objects.get(person=world.wang)
    assert order.source == "positive_tube" and order.source_ref == "P1"
    assert "混管阳性" in order.reason and "P1" in order.reason
    assert order.worker == world.users.volunteer and order.household == world.h102


def test_a_household_is_placed_with_each_refusal(world):
    existing = order_for(world, world.zhang_wife)
    result = services_orders_bulk.place_candidates(
        services_orders_bulk.household_candidates(world.h101),
        actor=world.users.commander,
        order_type=kind(),
        source="contact_list",
        reason="同住人员为密接",
        household=world.h101,
    )
    assert [o.person for o in result.placed] == [world.zhang]
    (refusal,) = result.refused
    assert refusal.name == "陈静" and refusal.existing == existing
    assert "陈静 已有居家隔离" in refusal.reason
    # A person without a type is refused, not lost.
    blank = services_orders_bulk.place_candidates(
        [services_orders_bulk.Candidate(world.wang)], actor=world.users.commander, reason="x"
    )
    assert blank.refused[0].reason == "请选择管控措施"
    # A bulk placement beyond the actor's scope refuses those people only.
    mixed = services_orders_bulk.place_candidates(
        [services_orders_bulk.Candidate(world.li), services_orders_bulk.Candidate(world.liu)],
        actor=world.users.grid_leader,
        order_type=kind(),
        source="manual",
        reason="密接",
    )
    assert [o.person for o in mixed.placed] == [world.li]
    assert [(r.name, r.reason) for r in mixed.refused] == [("刘洋", "不在您的管辖范围内")]


def test_release_a_selection(world):
    today = timezone.localdate()
    due = order_for(world, world.zhang, starts_on=today - dt.timedelta(days=13))
    later = order_for(world, world.wang)
    assert due.ends_on == today
    released, refused = services_orders.release_many(
        [due, later], actor=world.users.commander, note="期满"
    )
    assert released == [due]
    assert refused[0][0] == later and "期满后才能解除" in refused[0][1]
    due.refresh_from_db()
    assert due.status == "released" and due.release_note == "期满"
    released, refused = services_orders.release_many([later], actor=world.users.volunteer)
    assert not released and refused[0][1] == "不在您的管辖范围内"


def test_filters(world):
    today = timezone.localdate()
    a = order_for(world, world.zhang, starts_on=today - dt.timedelta(days=13))
    b = order_for(world, world.liu, "home_monitoring", source="contact_list")
    c = order_for(world, world.li)
    services_orders.cancel(c, world.users.commander, "误录")
    for kind_ in ("notice", "commitment", "door_sign"):
        services_documents.serve([b], kind_, actor=world.users.commander)
    qs = services_orders.visible_orders(world.users.commander)

    def found(**kw):
        return set(services_orders.filter_orders(qs, **kw))

    assert found() == {a, b}
    assert found(status="all") == {a, b, c}
    assert found(status="cancelled") == {c}
    assert found(q="张伟") == {a}
    assert found(q=world.liu.id_number[-4:]) == {b}
    assert found(q=world.zhang.phone[-4:]) == {a}
    assert found(grid=world.grid2) == {b}
    assert found(order_type=kind("home_monitoring")) == {b}
    assert found(source="contact_list") == {b}
    assert found(unserved=True) == {a}
    assert found(due="today") == {a}
    assert found(due="soon") == {a}
    assert found(due="overdue") == set()
    assert found(due="overdue", today=today + dt.timedelta(days=1)) == {a}
    assert set(services_orders.visible_orders(world.users.grid_leader)) == {a, c}
    assert not services_orders.visible_orders(world.users.outsider).exists()


def test_extension_history_and_workers(world):
    order = order_for(world, world.zhang)
    extend(order, 7, actor=world.users.commander, reason="同住人员阳性")
    extend(order, 3, actor=world.users.commander, reason="复核未出")
    assert services_orders.extensions(order) == ["延长7天：同住人员阳性", "延长3天：复核未出"]
    workers = set(services_orders.workers_for(world.zhang.scope_path))
    u = world.users
    assert workers == {u.admin, u.commander, u.grid_leader, u.building_leader, u.volunteer}
    assert set(services_orders.workers_for(world.liu.scope_path)) == {u.admin, u.commander}
    path = services_orders.common_path([world.zhang.scope_path, world.li.scope_path])
    assert path == world.b1.scope_path
    assert services_orders.common_path([]) == ""


def test_place_order_with_explicit_dates_and_days(world):
    day = dt.date(2022, 4, 1)
    order = place_order(
        world.zhang,
        kind("home_quarantine"),
        actor=world.users.commander,
        source="manual",
        reason="密接",
        starts_on=day,
        days=21,
    )
    assert order.ends_on == dt.date(2022, 4, 21)
