"""Disinfection API: logging (201 then 200 with the same client_uuid; 422 in Chinese; 403 for
a place one can only see; 404 outside scope), the places with today's progress, compliance."""

from __future__ import annotations

import uuid
from unittest.mock import patch

import pytest

from wangge.accounts.models import ApiToken
from wangge.api.tests.helpers import ApiClient, ids
from wangge.supervision.models_disinfection import DisinfectionLog

from .fixtures_disinfection import at, log, places

pytestmark = pytest.mark.django_db
BASE = "/api/supervision"


def api_for(user) -> ApiClient:
    _, key = ApiToken.issue(user, "t")
    return ApiClient(key)


def test_log_is_idempotent(world):
    p = places(world)
    api = api_for(world.users.volunteer)
    body = {"place_id": p["unit1"].pk, "agent": "84消毒液", "client_uuid": str(uuid.uuid4())}
    r = api.post(f"{BASE}/disinfections", body)
    assert r.status_code == 201, r.content
    first = r.json()
    assert first["done_by"] == "volunteer_a" and first["place"] == p["unit1"].name
    r = api.post(f"{BASE}/disinfections", body)
    assert r.status_code == 200 and r.json()["id"] == first["id"]
    assert DisinfectionLog.objects.count() == 1
    # without an agent: the one used last
    r = api.post(f"{BASE}/disinfections", {"place_id": p["unit2"].pk})
    assert r.status_code == 201 and r.json()["agent"] == "84消毒液"


def test_log_refusals(world):
    p = places(world)
    volunteer = api_for(world.users.volunteer)
    r = volunteer.post(f"{BASE}/disinfections", {"place_id": p["lift"].pk, "agent": "x"})
    assert r.status_code == 404  # grid 2
    r = volunteer.post(
        f"{BASE}/disinfections",
        {"place_id": p["unit1"].pk, "agent": "x", "done_at": "2099-01-01T08:00:00+08:00"},
    )
    assert r.status_code == 422
    assert r.json()["detail"]["done_at"] == ["消杀时间不能晚于现在"]
    r = volunteer.post(f"{BASE}/disinfections", {"place_id": p["unit1"].pk, "bogus": 1})
    assert r.status_code == 422
    outsider = api_for(world.users.outsider)
    r = outsider.post(f"{BASE}/disinfections", {"place_id": p["unit1"].pk, "agent": "x"})
    assert r.status_code == 404


def test_places_and_compliance(world):
    p = places(world)
    log(p["unit1"], world.users.commander, at(9))
    api = api_for(world.users.commander)
    with patch("django.utils.timezone.now", return_value=at(15, 30)):
        r = api.get(f"{BASE}/places")
        assert ids(r) == {x.pk for x in p.values()}
        items = {i["id"]: i for i in r.json()["items"]}
        assert (items[p["unit1"].pk]["done_today"], items[p["unit1"].pk]["expected_now"]) == (1, 1)
        assert ids(api.get(f"{BASE}/places", {"area": world.grid2.pk})) == {p["lift"].pk}
        r = api.get(f"{BASE}/compliance")
        data = r.json()
    assert (data["total"], data["met"], data["behind"]) == (4, 0, 2)
    assert data["summary"] == "应消杀 4 处，已达标 0 处，滞后 2 处"
    assert {x["id"] for x in data["behind_places"]} == {p["unit2"].pk, p["lift"].pk}
    grid1 = [g for g in data["grids"] if g["area_id"] == world.grid1.pk][0]
    assert grid1["leader"] == "赵网格" and grid1["behind"] == 1
    outsider = api_for(world.users.outsider)
    assert outsider.get(f"{BASE}/places").json()["items"] == []
    assert outsider.get(f"{BASE}/compliance", {"area": world.grid1.pk}).json()["total"] == 0
