"""Quarantine site API: sites with their occupancy, a site's rooms with who is in them (names
masked), check-in (idempotent with client_uuid: a retry returns the same stay; bad input
refused with the field named) and check-out, within scope."""

from __future__ import annotations

import uuid

import pytest

from wangge.accounts.models import ApiToken
from wangge.api.tests.helpers import ApiClient
from wangge.control import services_site_setup as site_setup
from wangge.control import services_stay_checkin as stay_checkin
from wangge.control.models import Stay

from . import test_sites_fixtures as fx
from .test_sites_fixtures import room

# The shared fixtures, by name.
inspector, nurse, site = fx.inspector, fx.nurse, fx.site

pytestmark = pytest.mark.django_db


def api_for(user) -> ApiClient:
    _token, key = ApiToken.issue(user, "t")
    return ApiClient(key)


def test_sites_and_rooms_with_occupancy(world, site):
    stay_checkin.check_in(site, room(site, "201"), world.zhang, actor=world.users.commander)
    api = api_for(world.users.commander)
    r = api.get("/api/control/sites")
    assert r.status_code == 200
    (item,) = r.json()["items"]
    assert item["name"] == "北京路集中隔离酒店" and item["area_name"] == "北京路街道"
    counts = {k: item[k] for k in ("rooms", "rooms_out_of_service", "rooms_used", "rooms_free")}
    assert counts == {"rooms": 6, "rooms_out_of_service": 1, "rooms_used": 1, "rooms_free": 4}
    assert (item["beds"], item["people_in"]) == (6, 1)
    assert api.get("/api/control/sites", {"area": world.other_street.pk}).json()["items"] == []
    r = api.get(f"/api/control/sites/{site.pk}/rooms")
    assert r.status_code == 200
    rooms = {row["number"]: row for row in r.json()}
    assert rooms["201"]["free_beds"] == 1 and rooms["303"]["out_of_service"]
    (occupant,) = rooms["201"]["occupants"]
    assert occupant["name"] == "张*" and occupant["days_remaining"] == 14
    assert "张伟" not in r.content.decode()
    # Outside scope: nothing.
    other = api_for(world.users.outsider)
    assert other.get("/api/control/sites").json()["items"] == []
    assert other.get(f"/api/control/sites/{site.pk}/rooms").status_code == 404


def test_check_in_is_idempotent(world, site):
    api = api_for(world.users.commander)
    key = str(uuid.uuid4())
    payload = {
        "room_id": room(site, "202").pk,
        "person_id": world.zhang.pk,
        "diet": "halal",
        "checked_in_at": "2020-01-01T02:30:00+08:00",
        "client_uuid": key,
    }
    r = api.post(f"/api/control/sites/{site.pk}/checkin", payload)
    assert r.status_code == 201, r.content
    first = r.json()
    assert first["person_name"] == "张*" and first["room"] == "1号楼 202"
    assert first["checked_in_at"] == "2019-12-31T18:30:00Z" and first["order_id"]
    # The retry (the phone lost the answer) returns the same stay.
    r = api.post(f"/api/control/sites/{site.pk}/checkin", payload)
    assert r.status_code == 200 and r.json()["id"] == first["id"]
    assert Stay.objects.filter(person=world.zhang).count() == 1
    # Someone from another city.
    r = api.post(
        f"/api/control/sites/{site.pk}/checkin",
        {"room_id": room(site, "203").pk, "new_person": {"name": "赵远", "phone": "13900001234"}},
    )
    assert r.status_code == 201 and r.json()["person_name"] == "赵*"


def test_check_in_refusals(world, site, inspector):
    api = api_for(world.users.commander)
    checkin = f"/api/control/sites/{site.pk}/checkin"
    r = api.post(checkin, {"room_id": room(site, "303").pk, "person_id": world.zhang.pk})
    assert r.status_code == 422 and "已停用" in r.json()["detail"]["room"][0]
    r = api.post(checkin, {"room_id": room(site, "202").pk})
    assert r.status_code == 422 and "二选一" in r.json()["detail"]["person_id"][0]
    r = api.post(checkin, {"room_id": room(site, "202").pk, "person_id": world.other_person.pk})
    assert r.status_code == 422 and "不在您的管辖范围内" in r.json()["detail"]["person_id"][0]
    r = api.post(checkin, {"room_id": 987654, "person_id": world.zhang.pk})
    assert r.status_code == 422 and "room_id" in r.json()["detail"]
    r = api.post(checkin, {"room_id": room(site, "202").pk, "person_id": world.zhang.pk, "x": 1})
    assert r.status_code == 422
    assert not Stay.objects.exists()
    # Seeing the site is not recording there.
    r = api_for(inspector).post(
        checkin, {"room_id": room(site, "202").pk, "person_id": world.zhang.pk}
    )
    assert r.status_code == 403
    r = api_for(world.users.outsider).post(
        checkin, {"room_id": room(site, "202").pk, "person_id": world.zhang.pk}
    )
    assert r.status_code == 404


def test_the_sites_staff_retry_too(world, site, nurse):
    api = api_for(nurse)
    payload = {
        "room_id": room(site, "202").pk,
        "new_person": {"name": "钱来"},
        "client_uuid": str(uuid.uuid4()),
    }
    first = api.post(f"/api/control/sites/{site.pk}/checkin", payload)
    again = api.post(f"/api/control/sites/{site.pk}/checkin", payload)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and first.json()["order_id"] is None
    # The same key from someone who cannot see that stay is refused, revealing nothing.
    r = api_for(world.users.commander).post(
        f"/api/control/sites/{site.pk}/checkin", {**payload, "new_person": {"name": "孙五"}}
    )
    assert r.json()["id"] == first.json()["id"]  # the commander sees the street's site
    other = site_setup.create_site(actor=world.users.outsider, area=world.other_street, name="远方")
    site_setup.add_rooms(
        other, actor=world.users.outsider, building="A", floors=(1, 1), rooms=(1, 1)
    )
    r = api_for(world.users.outsider).post(
        f"/api/control/sites/{other.pk}/checkin",
        {**payload, "room_id": other.rooms.get().pk, "new_person": {"name": "孙五"}},
    )
    assert r.status_code == 422 and "client_uuid" in r.json()["detail"]


def test_check_out(world, site, nurse):
    stay = stay_checkin.check_in(site, room(site, "202"), world.zhang, actor=world.users.commander)
    api = api_for(nurse)
    r = api.post(f"/api/control/stays/{stay.pk}/checkout", {})
    assert r.status_code == 422 and "提前离开须填写说明" in r.json()["detail"]["note"][0]
    r = api.post(f"/api/control/stays/{stay.pk}/checkout", {"note": "转送定点医院"})
    assert r.status_code == 200 and r.json()["checked_out_at"] and r.json()["checkout_note"]
    assert site_setup.occupancy(site).people == 0
    r = api_for(world.users.outsider).post(f"/api/control/stays/{stay.pk}/checkout", {"note": "x"})
    assert r.status_code == 404
