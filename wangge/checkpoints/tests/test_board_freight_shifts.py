"""Closed-loop freight (in at one gate, out at the same or another, overdue once inside longer
than expected, retries recorded once) and shifts (members in scope or typed, check-in by the
member or by whoever records there, who is missing from their post now)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from wangge.accounts.models import ApiToken
from wangge.api.tests.helpers import ApiClient
from wangge.checkpoints import services_freight as freight_svc
from wangge.checkpoints import services_shifts as shift_svc
from wangge.checkpoints.models import Checkpoint, FreightVehicle, ShiftMember

pytestmark = pytest.mark.django_db
TZ = timezone.get_current_timezone()


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(timezone.localdate(), dt.time(hour, minute), tzinfo=TZ)


class Clock:
    def __init__(self, monkeypatch):
        self.now = at(12)
        monkeypatch.setattr(timezone, "now", lambda: self.now)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


TRUCK = {
    "plate": "吉B 6688８",
    "driver_name": "马师傅",
    "driver_phone": "138 0000 7777",
    "cargo": "蔬菜",
    "origin": "长春",
    "destination": "阳光小区",
    "escort": "网格员小赵",
    "expected_minutes": 60,
}


def test_freight_in_out_and_overdue(world, gate, clock):
    commander = world.users.commander
    west = Checkpoint.objects.create(name="西门", kind="estate_gate", area=world.community)
    key = uuid.uuid4()
    truck, created = freight_svc.register_freight(gate, actor=commander, client_uuid=key, **TRUCK)
    assert created and truck.plate == "吉B66888" and truck.driver_phone == "13800007777"
    again, created_again = freight_svc.register_freight(
        gate, actor=commander, client_uuid=str(key), **TRUCK
    )
    assert not created_again and again.pk == truck.pk and FreightVehicle.objects.count() == 1
    with pytest.raises(ValidationError) as err:
        freight_svc.register_freight(gate, actor=commander, **TRUCK)  # already inside
    assert "已登记在区内" in str(err.value)
    qs = FreightVehicle.objects.for_user(commander)
    assert list(freight_svc.inside(qs)) == [truck] and freight_svc.overdue(qs) == []
    clock.now = at(13, 30)
    assert freight_svc.overdue(qs) == [truck]
    body = _body(world, "checkpoints:board")
    assert "吉B66888" in body and "超时" in body
    assert "吉B66888" in _body(world, "checkpoints:freight_list", status="overdue")
    freight_svc.freight_exit(truck, actor=commander, checkpoint=west)
    truck.refresh_from_db()
    assert truck.checkpoint_out == west and truck.exited_at == at(13, 30)
    assert freight_svc.overdue(qs) == [] and list(
        freight_svc.left_on(qs, timezone.localdate())
    ) == [truck]
    with pytest.raises(ValidationError):
        freight_svc.freight_exit(truck, actor=commander, checkpoint=west)
    with pytest.raises(PermissionDenied):
        freight_svc.register_freight(
            gate, actor=world.users.outsider, **{**TRUCK, "plate": "吉B11111"}
        )


def test_freight_bad_input(world, gate, clock):
    bad = {**TRUCK, "plate": " ", "driver_phone": "12345", "cargo": "", "expected_minutes": 0}
    with pytest.raises(ValidationError) as err:
        freight_svc.register_freight(gate, actor=world.users.commander, **bad)
    assert set(err.value.message_dict) >= {"plate", "driver_phone", "cargo", "expected_minutes"}


def _body(world, name, user=None, **query):
    from django.test import Client

    c = Client()
    c.force_login(user or world.users.commander)
    r = c.get(reverse(name), query)
    assert r.status_code == 200
    return r.content.decode()


def test_freight_pages(world, gate, clock, client_for):
    c = client_for(world.users.commander)
    r = c.post(reverse("checkpoints:freight_create", args=[gate.pk]), TRUCK)
    assert r.status_code == 302
    truck = FreightVehicle.objects.get()
    listing = c.get(reverse("checkpoints:freight_list")).content.decode()
    assert "吉B66888" in listing and "138****7777" in listing and "13800007777" not in listing
    r = c.post(reverse("checkpoints:freight_exit", args=[truck.pk]), {"checkpoint": gate.pk})
    assert r.status_code == 302
    truck.refresh_from_db()
    assert truck.exited_at is not None
    bad = c.post(reverse("checkpoints:freight_create", args=[gate.pk]), {**TRUCK, "plate": "12"})
    assert bad.status_code == 200 and "格式不正确" in bad.content.decode()
    # A volunteer of grid 1 does not see the community's gate.
    volunteer = client_for(world.users.volunteer)
    assert volunteer.get(reverse("checkpoints:freight_create", args=[gate.pk])).status_code == 404


def test_freight_api(world, gate, clock):
    _, key = ApiToken.issue(world.users.commander, "t")
    api = ApiClient(key)
    body = {**TRUCK, "client_uuid": str(uuid.uuid4())}
    first = api.post(f"/api/checkpoints/{gate.pk}/freight", body)
    assert first.status_code == 201 and first.json()["driver_phone_masked"] == "138****7777"
    again = api.post(f"/api/checkpoints/{gate.pk}/freight", body)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    vid = first.json()["id"]
    clock.now = at(14)
    listed = api.get("/api/checkpoints/freight", {"state": "overdue"}).json()
    assert [v["id"] for v in listed["items"]] == [vid] and listed["items"][0]["overdue"]
    out = api.post(f"/api/checkpoints/freight/{vid}/exit", {})
    assert out.status_code == 200 and out.json()["checkpoint_out_id"] == gate.pk
    assert api.post(f"/api/checkpoints/freight/{vid}/exit", {}).status_code == 422
    assert api.post(f"/api/checkpoints/{gate.pk}/freight", {"plate": "x"}).status_code == 422


@pytest.fixture
def shift(world, gate, clock):
    return shift_svc.create_shift(
        gate,
        actor=world.users.commander,
        starts_at=at(8),
        ends_at=at(16),
        needed=3,
        users=[world.users.volunteer],
        names=[("王强", "13800001111"), ("李四", "")],
    )


def test_shift_members_and_who_is_missing(world, gate, shift, clock):
    members = {m.name: m for m in shift.members.all()}
    assert set(members) == {"volunteer_a", "王强", "李四"}
    scope = ShiftMember.objects.for_user(world.users.commander)
    assert {m.name for m in shift_svc.missing_now(scope)} == set(members)
    # The volunteer checks themself in; the commander checks in 王强.
    shift_svc.check_in(members["volunteer_a"], actor=world.users.volunteer)
    shift_svc.check_in(members["王强"], actor=world.users.commander)
    assert [m.name for m in shift_svc.missing_now(scope)] == ["李四"]
    # Nobody else may check the volunteer in or out.
    with pytest.raises(PermissionDenied):
        shift_svc.check_out(members["volunteer_a"], actor=world.users.outsider)
    with pytest.raises(ValidationError):
        shift_svc.check_in(members["王强"], actor=world.users.commander)  # already there
    clock.now = at(13)
    shift_svc.check_out(members["王强"], actor=world.users.commander)
    assert {m.name for m in shift_svc.missing_now(scope)} == {"李四", "王强"}
    clock.now = at(17)
    assert list(shift_svc.missing_now(scope)) == []  # shift over
    with pytest.raises(ValidationError):
        shift_svc.check_in(members["李四"], actor=world.users.commander)


def test_shift_rules(world, gate, clock):
    commander = world.users.commander
    with pytest.raises(ValidationError):
        shift_svc.create_shift(
            gate, actor=commander, starts_at=at(10), ends_at=at(9), names=[("甲", "")]
        )
    with pytest.raises(ValidationError):
        shift_svc.create_shift(gate, actor=commander, starts_at=at(8), ends_at=at(9))  # nobody
    with pytest.raises(ValidationError):  # a user of another street
        shift_svc.create_shift(
            gate, actor=commander, starts_at=at(8), ends_at=at(9), users=[world.users.outsider]
        )
    with pytest.raises(PermissionDenied):
        shift_svc.create_shift(
            gate, actor=world.users.volunteer, starts_at=at(8), ends_at=at(9), names=[("甲", "")]
        )


def test_board_lists_missing_staff(world, shift, clock):
    body = _body(world, "checkpoints:board")
    assert "王强" in body and "未到岗" in body and "138****1111" in body


def test_shift_pages(world, gate, clock, client_for):
    c = client_for(world.users.commander)
    url = reverse("checkpoints:shift_create", args=[gate.pk])
    assert c.get(url).status_code == 200
    data = {
        "day": timezone.localdate().isoformat(),
        "starts": "20:00",
        "ends": "08:00",
        "needed": 2,
        "users": [world.users.volunteer.pk],
        "names": "王强 13800001111\n李四，138-0000-2222",
    }
    assert c.post(url, data).status_code == 302
    member = ShiftMember.objects.get(user=world.users.volunteer)
    assert member.shift.ends_at == at(8) + dt.timedelta(days=1)
    assert ShiftMember.objects.get(name="李四").phone == "13800002222"
    # The volunteer's phone page: check in an hour before the night shift.
    clock.now = at(19, 15)
    mine = client_for(world.users.volunteer)
    page = reverse("checkpoints:shift_checkin", args=[member.pk])
    assert "到岗签到" in mine.get(page).content.decode()
    assert mine.post(page, {"action": "in"}).status_code == 302
    member.refresh_from_db()
    assert member.checked_in_at == at(19, 15)
    assert "签退离岗" in mine.get(page).content.decode()
    # Volunteers may not plan shifts.
    assert mine.get(reverse("checkpoints:shift_create", args=[gate.pk])).status_code in (403, 404)
    # API: check out.
    _, key = ApiToken.issue(world.users.volunteer, "t")
    api = ApiClient(key)
    r = api.post(f"/api/checkpoints/shift-members/{member.pk}/check-in", {"action": "out"})
    assert r.status_code == 200 and r.json()["status"] == "done"
    other = ShiftMember.objects.get(name="王强")
    r = api.post(f"/api/checkpoints/shift-members/{other.pk}/check-in", {"action": "in"})
    assert r.status_code == 404  # the volunteer sees only their own membership here
    shifts = ApiClient(ApiToken.issue(world.users.commander, "t")[1]).get(
        f"/api/checkpoints/{gate.pk}/shifts"
    )
    assert shifts.status_code == 200 and len(shifts.json()[0]["members"]) == 3
