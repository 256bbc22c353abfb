"""Transfers, services: the whole flow with its times, wrong steps refused, vehicles that are
off call, busy or too small refused, hand-over confirmed by the receiving site only, a repeated
request creating one transfer, a household transfer carrying everyone living there, and who
sees a transfer. The fixtures here are used by the view and API tests too."""

from __future__ import annotations

import datetime as dt
import uuid
from types import SimpleNamespace
from unittest.mock import patch

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wangge.accounts.models import RoleAssignment, User
from wangge.accounts.roles import Role
from wangge.control.models import ControlOrder, Site, SiteStaff, Transfer
from wangge.control.services_transfers import (
    assign,
    cancel,
    close,
    hand_over,
    pick_up,
    request_transfer,
    submit_request,
    visible_transfers,
)
from wangge.control.services_transfers_access import allowed_steps
from wangge.control.services_vehicles import create_vehicle, set_on_call, update_vehicle
from wangge.core.models import ChangeLog
from wangge.places.models import Area

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2022, 4, 10, 21, 30, tzinfo=dt.UTC)  # 05:30 the next day in Shanghai


def at(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def messages_of(exc_info) -> str:
    return " ".join(exc_info.value.messages)


@pytest.fixture
def tw(world):
    return make_tw(world)


def make_tw(world) -> SimpleNamespace:
    """A site run by another community of the street (its volunteer records there), a user on
    the site's staff with no role, vehicles of the street."""
    community2 = Area.objects.create(
        name="江城社区", code="220204001002", level=Area.Level.COMMUNITY, parent=world.street
    )
    site = Site.objects.create(name="江城宾馆隔离点", area=community2, phone="0432-66661234")
    site_volunteer = User.objects.create_user("site_vol", password="x", display_name="周护士")
    RoleAssignment.objects.create(user=site_volunteer, role=Role.VOLUNTEER, area=community2)
    staffer = User.objects.create_user("staffer", password="x", display_name="吴组长")
    SiteStaff.objects.create(site=site, group="information", name="吴组长", user=staffer)
    commander = world.users.commander
    bus = create_vehicle(
        actor=commander,
        area=world.street,
        plate="吉b 12345",
        kind="bus",
        seats=20,
        driver_name="马师傅",
        driver_phone="136 0000 0001",
    )
    car = create_vehicle(
        actor=commander,
        area=world.street,
        plate="吉B66666",
        seats=1,
        driver_name="牛师傅",
        driver_phone="13600000002",
    )
    return SimpleNamespace(
        w=world,
        community2=community2,
        site=site,
        site_volunteer=site_volunteer,
        staffer=staffer,
        bus=bus,
        car=car,
        commander=commander,
    )


def to_site(tw, **kw) -> Transfer:
    fields = {
        "actor": tw.commander,
        "household": tw.w.h101,
        "destination": "site",
        "site": tw.site,
        "urgency": "urgent",
        "reason": "密接转集中隔离",
    }
    fields.update(kw)
    return request_transfer(**fields)


def test_the_whole_flow_stamps_each_time(tw):
    w = tw.w
    with patch("django.utils.timezone.now", return_value=at(0)):
        t = to_site(tw)
    assert t.status == "requested" and t.requested_at == at(0)
    assert t.requested_by == tw.commander
    assert t.from_address == w.h101.address
    assert t.scope_path == w.h101.scope_path
    with patch("django.utils.timezone.now", return_value=at(10)):
        assign(t, tw.bus, actor=tw.commander)
    assert (t.status, t.vehicle, t.assigned_at) == ("assigned", tw.bus, at(10))
    assert (t.driver_name, t.driver_phone) == ("马师傅", "13600000001")
    with patch("django.utils.timezone.now", return_value=at(40)):
        pick_up(t, actor=w.users.volunteer, at=at(35))
    assert (t.status, t.picked_up_at) == ("picked_up", at(35))
    with patch("django.utils.timezone.now", return_value=at(70)):
        hand_over(t, actor=tw.site_volunteer)
    assert (t.status, t.handed_over_at) == ("handed_over", at(70))
    assert t.handed_over_by == tw.site_volunteer and t.received_by_name == "周护士"
    with patch("django.utils.timezone.now", return_value=at(90)):
        close(t, actor=tw.commander)
    t.refresh_from_db()
    assert (t.status, t.closed_at) == ("closed", at(90))
    # Every step is in the audit trail, with who did it.
    logs = ChangeLog.objects.filter(model="control.transfer", object_id=str(t.pk)).order_by("pk")
    steps = [(log.after.get("status"), log.actor) for log in logs]
    assert steps == [
        ("requested", tw.commander),
        ("assigned", tw.commander),
        ("picked_up", w.users.volunteer),
        ("handed_over", tw.site_volunteer),
        ("closed", tw.commander),
    ]


def test_wrong_steps_are_refused_with_the_reason(tw):
    t = to_site(tw)
    with pytest.raises(ValidationError) as exc:
        pick_up(t, actor=tw.commander)
    assert "当前状态为“待派车”，不能登记接到" in messages_of(exc)
    with pytest.raises(ValidationError) as exc:
        hand_over(t, actor=tw.commander)
    assert "不能交接" in messages_of(exc)
    with pytest.raises(ValidationError) as exc:
        close(t, actor=tw.commander)
    assert "不能完成" in messages_of(exc)
    assign(t, tw.bus, actor=tw.commander)
    pick_up(t, actor=tw.commander)
    with pytest.raises(ValidationError) as exc:
        assign(t, tw.car, actor=tw.commander)
    assert "“转运途中”，不能派车" in messages_of(exc)
    with pytest.raises(ValidationError) as exc:
        cancel(t, actor=tw.commander, reason="不需要了")
    assert "不能取消" in messages_of(exc)
    hand_over(t, actor=tw.commander)
    with pytest.raises(ValidationError):
        hand_over(t, actor=tw.commander)
    close(t, actor=tw.commander)
    with pytest.raises(ValidationError) as exc:
        close(t, actor=tw.commander)
    assert "“已完成”" in messages_of(exc)
    t.refresh_from_db()
    assert t.status == "closed"


def test_cancel_needs_a_reason_and_frees_the_vehicle(tw):
    t = to_site(tw)
    assign(t, tw.bus, actor=tw.commander)
    with pytest.raises(ValidationError) as exc:
        cancel(t, actor=tw.commander, reason="  ")
    assert "请填写取消原因" in messages_of(exc)
    cancel(t, actor=tw.commander, reason="改为居家隔离")
    t.refresh_from_db()
    assert t.status == "cancelled" and "取消：改为居家隔离" in t.note
    with pytest.raises(ValidationError):
        assign(t, tw.bus, actor=tw.commander)
    # The people may be asked for again; the bus is free for it.
    again = to_site(tw)
    assign(again, tw.bus, actor=tw.commander)
    assert again.status == "assigned"


def test_vehicles_off_call_busy_or_too_small_are_refused(tw):
    w = tw.w
    household = to_site(tw)  # 张伟 and 陈静: two people
    with pytest.raises(ValidationError) as exc:
        assign(household, tw.car, actor=tw.commander)
    assert "只有 1 个座位，本次需转运 2 人" in messages_of(exc)
    set_on_call(tw.bus, False, actor=tw.commander)
    with pytest.raises(ValidationError) as exc:
        assign(household, tw.bus, actor=tw.commander)
    assert "吉B12345 未在待命" in messages_of(exc)
    set_on_call(tw.bus, True, actor=tw.commander)
    assign(household, tw.bus, actor=tw.commander)
    other = to_site(tw, household=None, person=w.wang)
    with pytest.raises(ValidationError) as exc:
        assign(other, tw.bus, actor=tw.commander)
    assert "正在执行另一转运任务" in messages_of(exc)
    # Re-assigning the same transfer to the same (its own) vehicle is not "busy".
    assign(household, tw.bus, actor=tw.commander, driver_name="替班司机", driver_phone="")
    assert household.driver_name == "替班司机" and household.driver_phone == "13600000001"
    assign(other, tw.car, actor=tw.commander)
    other.refresh_from_db()
    assert other.vehicle == tw.car and other.status == "assigned"
    # Once handed over, the bus is free again.
    hand_over(household, actor=tw.staffer)
    third = to_site(tw, household=None, person=w.li)
    assign(third, tw.bus, actor=tw.commander)


def test_vehicles_of_another_street_cannot_be_assigned(tw):
    w = tw.w
    theirs = create_vehicle(
        actor=w.users.outsider,
        area=w.other_street,
        plate="吉B99999",
        driver_name="远师傅",
        driver_phone="13600000009",
    )
    t = to_site(tw, household=None, person=w.wang)
    with pytest.raises(ValidationError) as exc:
        assign(t, theirs, actor=tw.commander)
    assert "不在您的调度范围内" in messages_of(exc)
    with pytest.raises(PermissionDenied):
        assign(t, theirs, actor=w.users.outsider)
    # A volunteer records pick-ups but does not dispatch.
    with pytest.raises(PermissionDenied):
        assign(t, tw.bus, actor=w.users.volunteer)


def test_hand_over_is_confirmed_by_the_receiving_site(tw):
    w = tw.w
    t = to_site(tw)
    assign(t, tw.bus, actor=tw.commander)
    pick_up(t, actor=w.users.volunteer)
    # The grid's own volunteer and grid leader are not the receiving site; an outsider neither.
    for user in (w.users.volunteer, w.users.grid_leader, w.users.outsider):
        with pytest.raises(PermissionDenied):
            hand_over(t, actor=user)
    assert allowed_steps(t, w.users.grid_leader) == set()
    assert allowed_steps(t, tw.staffer) == {"handover"}
    # The site's staff member (on the staff list, no role) confirms, naming the receiver.
    hand_over(t, actor=tw.staffer, received_by_name="王医生")
    t.refresh_from_db()
    assert t.received_by_name == "王医生" and t.handed_over_by == tw.staffer


def test_hand_over_at_a_hospital_names_the_receiver(tw):
    w = tw.w
    t = request_transfer(
        actor=tw.commander,
        person=w.zhang,
        destination="hospital",
        hospital="市传染病医院",
        urgency="critical",
        reason="发热",
    )
    assert t.household == w.h101 and list(t.persons.all()) == [w.zhang]
    assign(t, tw.car, actor=tw.commander)
    # Not picked up yet: handing over records the pick-up at the same time.
    with pytest.raises(ValidationError) as exc:
        hand_over(t, actor=w.users.volunteer)
    assert "请填写医院接收人姓名" in messages_of(exc)
    with pytest.raises(PermissionDenied):
        hand_over(t, actor=tw.site_volunteer, received_by_name="x")
    hand_over(t, actor=w.users.volunteer, received_by_name="急诊科李医生")
    assert t.status == "handed_over" and t.picked_up_at == t.handed_over_at


def test_step_times_must_be_in_order_and_not_ahead(tw):
    with patch("django.utils.timezone.now", return_value=at(0)):
        t = to_site(tw)
    with patch("django.utils.timezone.now", return_value=at(10)):
        assign(t, tw.bus, actor=tw.commander)
    with patch("django.utils.timezone.now", return_value=at(20)):
        with pytest.raises(ValidationError) as exc:
            pick_up(t, actor=tw.commander, at=at(5))
        assert "时间不能早于派车时间" in messages_of(exc)
        with pytest.raises(ValidationError) as exc:
            pick_up(t, actor=tw.commander, at=at(60))
        assert "不能晚于当前时间" in messages_of(exc)
        pick_up(t, actor=tw.commander, at=at(15))
    t.refresh_from_db()
    assert t.picked_up_at == at(15) and t.status == "picked_up"


def test_a_household_transfer_carries_everyone_living_there(tw):
    w = tw.w
    t = to_site(tw)
    assert set(t.persons.all()) == {w.zhang, w.zhang_wife}
    assert t.person is None and t.household == w.h101
    # Someone already on an open transfer cannot be asked for twice.
    with pytest.raises(ValidationError) as exc:
        to_site(tw, household=None, person=w.zhang_wife)
    assert "陈静 已有未完成的转运" in messages_of(exc)


def test_a_repeated_request_creates_one_transfer(tw):
    key = uuid.uuid4()
    first, created = submit_request(
        actor=tw.commander,
        household=tw.w.h101,
        destination="site",
        site=tw.site,
        reason="密接",
        client_uuid=key,
    )
    again, created_again = submit_request(
        actor=tw.commander,
        household=tw.w.h101,
        destination="site",
        site=tw.site,
        reason="密接",
        client_uuid=key,
    )
    assert created and not created_again and again.pk == first.pk
    assert to_site(tw, client_uuid=key).pk == first.pk
    assert Transfer.objects.count() == 1
    # Someone else's UUID is not a way to read their transfer.
    with pytest.raises(ValidationError):
        request_transfer(
            actor=tw.w.users.outsider,
            person=tw.w.other_person,
            destination="hospital",
            hospital="x",
            reason="x",
            client_uuid=key,
        )


def test_bad_requests_say_what_is_wrong(tw):
    w = tw.w
    with pytest.raises(ValidationError) as exc:
        request_transfer(actor=tw.commander, destination="site", reason="x")
    assert "请选择要转运的人员或住户" in messages_of(exc)
    with pytest.raises(ValidationError) as exc:
        request_transfer(
            actor=tw.commander, person=w.zhang, destination="hospital", urgency="soon", reason=""
        )
    errors = exc.value.message_dict
    assert errors["hospital"] == ["请填写医院名称"]
    assert errors["urgency"] == ["请选择紧急程度"]
    assert errors["reason"] == ["请填写转运原因"]
    with pytest.raises(ValidationError) as exc:
        request_transfer(actor=tw.commander, person=w.zhang, destination="site", reason="x")
    assert exc.value.message_dict["site"] == ["请选择隔离点"]
    tw.site.active = False
    tw.site.save()
    with pytest.raises(ValidationError) as exc:
        to_site(tw)
    assert "已停用" in messages_of(exc)
    # Out of scope, or a volunteer: refused.
    with pytest.raises(PermissionDenied):
        to_site(tw, actor=w.users.outsider)
    with pytest.raises(PermissionDenied):
        to_site(tw, actor=w.users.volunteer)
    assert not Transfer.objects.exists()


def test_who_sees_a_transfer(tw):
    w = tw.w
    t = to_site(tw)
    hospital = request_transfer(
        actor=tw.commander,
        person=w.liu,
        destination="hospital",
        hospital="市医院",
        reason="发热",
    )
    assert set(visible_transfers(tw.commander)) == {t, hospital}
    assert set(visible_transfers(w.users.grid_leader)) == {t}
    # The receiving site's people see what is coming to them, and only that.
    assert set(visible_transfers(tw.site_volunteer)) == {t}
    assert set(visible_transfers(tw.staffer)) == {t}
    assert not visible_transfers(w.users.outsider).exists()
    assert not visible_transfers(w.users.nobody).exists()
    assert set(visible_transfers(w.users.superuser)) == {t, hospital}


def test_the_vehicle_roster(tw):
    w = tw.w
    assert tw.bus.plate == "吉B12345" and tw.bus.driver_phone == "13600000001"
    with pytest.raises(ValidationError) as exc:
        create_vehicle(
            actor=tw.commander,
            area=w.street,
            plate="吉B 12345",
            driver_name="",
            driver_phone="123",
            seats=0,
        )
    errors = exc.value.message_dict
    assert errors["plate"] == ["车牌号 吉B12345 已登记"]
    assert errors["driver_name"] == ["请填写司机姓名"]
    assert "driver_phone" in errors and errors["seats"] == ["座位数至少为 1"]
    with pytest.raises(PermissionDenied):
        create_vehicle(
            actor=w.users.volunteer,
            area=w.grid1,
            plate="吉B00001",
            driver_name="x",
            driver_phone="13600000003",
        )
    update_vehicle(tw.car, {"seats": 4, "note": "夜班"}, actor=tw.commander)
    tw.car.refresh_from_db()
    assert (tw.car.seats, tw.car.note) == (4, "夜班")
    with pytest.raises(PermissionDenied):
        set_on_call(tw.car, False, actor=w.users.grid_leader)  # the street's vehicle
    with pytest.raises(PermissionDenied):
        update_vehicle(tw.car, {"seats": 2}, actor=w.users.outsider)


def test_an_order_for_central_quarantine_can_be_transferred(tw):
    """The order's person, alone, from their home (the order keeps its own status)."""
    from wangge.control.models import OrderType
    from wangge.control.services import place_order

    order = place_order(
        tw.w.zhang,
        OrderType.objects.get(code="central_quarantine"),
        actor=tw.commander,
        source="manual",
        reason="密接",
    )
    t = to_site(tw, household=order.household, person=order.person)
    assert list(t.persons.all()) == [tw.w.zhang]
    assert ControlOrder.objects.get(pk=order.pk).status == "active"
    assert timezone.localdate(t.requested_at) == timezone.localdate()
