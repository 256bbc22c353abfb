"""Transfers API: listing with filters, requesting (idempotent with client_uuid; a whole
household), each step with its errors (wrong step 422, not allowed 403, not visible 404), the
site's staff confirming the hand-over, and the vehicles."""

from __future__ import annotations

import uuid
from unittest.mock import patch

import pytest

from wangge.accounts.models import ApiToken
from wangge.api.tests.helpers import ApiClient, ids
from wangge.control.models import Transfer
from wangge.control.services_transfers import assign

from .test_transfers_services import at, make_tw, to_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def tw(world):
    return make_tw(world)


BASE = "/api/control"


def api_for(user) -> ApiClient:
    _, key = ApiToken.issue(user, "t")
    return ApiClient(key)


def test_request_is_idempotent_and_carries_the_household(tw):
    w = tw.w
    api = api_for(tw.commander)
    body = {
        "household_id": w.h101.pk,
        "destination": "site",
        "site_id": tw.site.pk,
        "urgency": "urgent",
        "reason": "密接转集中隔离",
        "client_uuid": str(uuid.uuid4()),
    }
    r = api.post(f"{BASE}/transfers", body)
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["people_count"] == 2 and data["site_name"] == "江城宾馆隔离点"
    assert {p["name"] for p in data["persons"]} == {"张伟", "陈静"}
    assert all("*" in p["id_number_masked"] for p in data["persons"])
    assert data["status"] == "requested" and data["from_address"] == w.h101.address
    again = api.post(f"{BASE}/transfers", body)
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    assert Transfer.objects.count() == 1


def test_bad_requests(tw):
    w = tw.w
    api = api_for(tw.commander)
    r = api.post(
        f"{BASE}/transfers", {"person_id": w.zhang.pk, "destination": "hospital", "reason": "x"}
    )
    assert r.status_code == 422 and r.json()["detail"]["hospital"] == ["请填写医院名称"]
    r = api.post(f"{BASE}/transfers", {"destination": "site", "site_id": tw.site.pk, "reason": "x"})
    assert r.status_code == 422 and "person_id" in r.json()["detail"]
    r = api.post(
        f"{BASE}/transfers",
        {"person_id": w.other_person.pk, "destination": "hospital", "hospital": "x", "reason": "x"},
    )
    assert r.status_code == 404
    r = api_for(w.users.volunteer).post(
        f"{BASE}/transfers",
        {"person_id": w.zhang.pk, "destination": "hospital", "hospital": "x", "reason": "x"},
    )
    assert r.status_code == 403
    r = api.post(
        f"{BASE}/transfers",
        {"person_id": w.zhang.pk, "destination": "site", "site_id": 987654, "reason": "x"},
    )
    assert r.status_code == 422 and "site_id" in r.json()["detail"]
    assert not Transfer.objects.exists()


def test_the_steps(tw):
    w = tw.w
    api = api_for(tw.commander)
    t = to_site(tw)
    url = f"{BASE}/transfers/{t.pk}"
    r = api.post(f"{url}/pickup", {})
    assert r.status_code == 422 and "不能登记接到" in str(r.json()["detail"])
    r = api.post(f"{url}/assign", {"vehicle_id": tw.car.pk})
    assert r.status_code == 422 and "只有 1 个座位" in str(r.json()["detail"]["vehicle_id"])
    r = api.post(f"{url}/assign", {"vehicle_id": 987654})
    assert r.status_code == 422 and "vehicle_id" in r.json()["detail"]
    assert (
        api_for(w.users.volunteer).post(f"{url}/assign", {"vehicle_id": tw.bus.pk}).status_code
        == 403
    )
    r = api.post(f"{url}/assign", {"vehicle_id": tw.bus.pk})
    assert r.status_code == 200 and r.json()["vehicle_plate"] == "吉B12345"
    assert r.json()["driver_phone"] == "13600000001" and r.json()["assigned_at"]
    r = api_for(w.users.volunteer).post(f"{url}/pickup", {})
    assert r.status_code == 200 and r.json()["status"] == "picked_up"
    # The receiving site's staff confirm; the grid's volunteer may not.
    assert api_for(w.users.volunteer).post(f"{url}/handover", {}).status_code == 403
    r = api_for(tw.site_volunteer).post(f"{url}/handover", {"received_by_name": "周护士"})
    assert r.status_code == 200 and r.json()["received_by_name"] == "周护士"
    r = api.post(f"{url}/cancel", {"reason": "x"})
    assert r.status_code == 422 and "不能取消" in str(r.json()["detail"])
    r = api.post(f"{url}/close", {})
    assert r.status_code == 200 and r.json()["status"] == "closed" and r.json()["closed_at"]
    # Outsiders: 404.
    assert api_for(w.users.outsider).get(url).status_code == 404
    assert api_for(w.users.outsider).post(f"{url}/close", {}).status_code == 404


def test_cancel(tw):
    t = to_site(tw)
    api = api_for(tw.commander)
    r = api.post(f"{BASE}/transfers/{t.pk}/cancel", {})
    assert r.status_code == 422 and "reason" in r.json()["detail"]
    r = api.post(f"{BASE}/transfers/{t.pk}/cancel", {"reason": "家属送达"})
    assert r.status_code == 200 and r.json()["status"] == "cancelled"


def test_list_with_filters_and_scope(tw):
    w = tw.w
    with patch("django.utils.timezone.now", return_value=at(0)):
        road = to_site(tw)
        assign(road, tw.bus, actor=tw.commander)
    waiting = to_site(tw, household=None, person=w.liu)
    api = api_for(tw.commander)
    assert ids(api.get(f"{BASE}/transfers")) == {road.pk, waiting.pk}
    assert ids(api.get(f"{BASE}/transfers", {"status": "assigned"})) == {road.pk}
    assert ids(api.get(f"{BASE}/transfers", {"status": "requested,assigned"})) == {
        road.pk,
        waiting.pk,
    }
    assert ids(api.get(f"{BASE}/transfers", {"day": "2022-04-11"})) == {road.pk}
    assert ids(api.get(f"{BASE}/transfers", {"area": w.grid2.pk})) == {waiting.pk}
    assert ids(api_for(tw.site_volunteer).get(f"{BASE}/transfers")) == {road.pk, waiting.pk}
    assert ids(api_for(w.users.grid_leader).get(f"{BASE}/transfers")) == {road.pk}
    assert ids(api_for(w.users.outsider).get(f"{BASE}/transfers")) == set()
    assert api.get(f"{BASE}/transfers", {"day": "x"}).status_code == 422


def test_vehicles(tw):
    w = tw.w
    t = to_site(tw)
    assign(t, tw.bus, actor=tw.commander)
    r = api_for(w.users.grid_leader).get(f"{BASE}/vehicles")
    items = {v["plate"]: v for v in r.json()["items"]}
    assert set(items) == {"吉B12345", "吉B66666"}
    assert items["吉B12345"]["busy"] and not items["吉B66666"]["busy"]
    r = api_for(tw.commander).get(f"{BASE}/vehicles", {"on_call": "false"})
    assert r.json()["items"] == []
    assert api_for(w.users.outsider).get(f"{BASE}/vehicles").json()["items"] == []
