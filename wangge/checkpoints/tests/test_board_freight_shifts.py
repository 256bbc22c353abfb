"""Closed-loop freight (in at one gate, out at the same or another, overdue once inside longer
than expected, retries recorded once) and who stands at the gate from the workforce roster
(scheduled, on duty, missing now; the checkpoint's posts linked from its pages)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from wangge.accounts.models import ApiToken
from wangge.api.tests.helpers import ApiClient
from wangge.checkpoints import services_board as board_svc
from wangge.checkpoints import services_freight as freight_svc
from wangge.checkpoints.models import Checkpoint, FreightVehicle
from wangge.checkpoints.tests.roster import worker_of
from wangge.workforce import services_checkin as checkins
from wangge.workforce import services_posts as post_svc
from wangge.workforce import services_roster as roster_svc
from wangge.workforce.forms_roster import checkpoint_initial
from wangge.workforce.models import Post, Worker

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
    """A published roster shift 08–16 at the gate, made through the workforce services: the
    volunteer (with an account) and two typed-in people of the community."""
    commander = world.users.commander
    post = post_svc.create_post(
        actor=commander, **{**checkpoint_initial(gate), "area": world.community, "checkpoint": gate}
    )
    (made,) = post_svc.create_shifts(
        post,
        actor=commander,
        day=timezone.localdate(),
        starts=dt.time(8),
        ends=dt.time(16),
        needed=3,
    )
    people = [
        worker_of(world.users.volunteer, world.grid1),
        Worker.objects.create(
            name="王强", phone="13800001111", kind="volunteer", area=world.community
        ),
        Worker.objects.create(
            name="李四", phone="13800002222", kind="volunteer", area=world.community
        ),
    ]
    for w in people:
        roster_svc.assign(made, w, actor=commander)
    assert roster_svc.publish(commander, timezone.localdate()) == 1
    made.refresh_from_db()
    return made


def test_shift_staff_and_who_is_missing(world, gate, shift, clock):
    assert shift.post.name == "阳光小区东门值守" and shift.post.checkpoint == gate
    members = {a.worker.name: a for a in shift.assignments.select_related("worker")}
    commander = world.users.commander

    def now():
        staffing, missing = board_svc.staffing_now(commander, [gate])
        s = staffing[gate.pk]
        return (s.scheduled, s.on_duty, s.missing), sorted(a.worker.name for a in missing)

    # At noon nobody has checked in: all three are missing.
    assert now() == ((3, 0, 3), sorted(members))
    # The volunteer checks themself in; the commander checks in 王强.
    checkins.check_in(members["volunteer_a"], actor=world.users.volunteer)
    checkins.check_in(members["王强"], actor=commander)
    assert now() == ((3, 2, 1), ["李四"])
    # Nobody else may check the volunteer in or out.
    with pytest.raises(PermissionDenied):
        checkins.check_out(members["volunteer_a"], actor=world.users.outsider)
    clock.now = at(13)
    checkins.check_out(members["王强"], actor=commander)
    assert now() == ((3, 1, 1), ["李四"])
    clock.now = at(17)
    assert now() == ((0, 0, 0), [])  # shift over
    with pytest.raises(ValidationError):
        checkins.check_in(members["李四"], actor=commander)


def test_board_lists_missing_staff(world, shift, clock):
    body = _body(world, "checkpoints:board")
    assert "王强" in body and "未到岗" in body and "138****1111" in body
    # The volunteer on the roster sees their shift on the board, linked to "my shifts".
    mine = _body(world, "checkpoints:board", user=world.users.volunteer)
    assert "我的班次" in mine and reverse("workforce:mine") in mine


def test_checkpoint_links_to_its_posts(world, gate, clock, client_for):
    c = client_for(world.users.commander)
    detail = reverse("checkpoints:checkpoint_detail", args=[gate.pk])
    create = reverse("workforce:post_create") + f"?checkpoint={gate.pk}"
    body = c.get(detail).content.decode()
    assert create in body and 'data-post="' not in body
    # The post form comes preset for the gate.
    form = c.get(create).context["form"]
    assert form.initial["kind"] == "checkpoint" and form.initial["checkpoint"] == gate.pk
    assert form.initial["area"] == gate.area_id and form.initial["name"] == "阳光小区东门值守"
    data = {
        "name": "阳光小区东门值守",
        "kind": "checkpoint",
        "area": world.community.pk,
        "headcount": 2,
        "checkpoint": gate.pk,
        "active": "on",
    }
    assert c.post(create, data).status_code == 302
    post = Post.objects.get(checkpoint=gate)
    body = c.get(detail).content.decode()
    assert reverse("workforce:post_detail", args=[post.pk]) in body
    board = c.get(reverse("checkpoints:board")).content.decode()
    assert reverse("workforce:post_detail", args=[post.pk]) in board
    # Another street's commander cannot preset a post for this gate.
    assert client_for(world.users.outsider).get(create).status_code == 404
    assert c.get(reverse("workforce:post_create") + "?checkpoint=x").status_code == 404
