"""Venues API: the list (masked phones, filters), one venue (phone in full, logged), registering
and changing the state, and the refusals (422 in Chinese, 403, 404)."""

from __future__ import annotations

from unittest.mock import patch

import pytest

from wangge.accounts.models import ApiToken
from wangge.api.tests.helpers import ApiClient, ids
from wangge.core.models import AccessLog

from .fixtures_venues import T0, gym, supermarket


@pytest.fixture
def clock():
    with patch("django.utils.timezone.now", return_value=T0):
        yield T0


def api_for(user) -> ApiClient:
    _, key = ApiToken.issue(user, "t")
    return ApiClient(key)


def test_list_and_detail(world, clock):
    boss = world.users.commander
    s = supermarket(world.grid1, boss)
    g = gym(world.grid2, boss)
    api = api_for(boss)
    r = api.get("/api/supervision/venues")
    assert r.status_code == 200 and ids(r) == {s.pk, g.pk}
    item = next(i for i in r.json()["items"] if i["id"] == s.pk)
    assert item["owner_phone_masked"] == "136****5678" and "13612345678" not in r.content.decode()
    assert item["supply"] is True and item["state_label"] == "限流开放"
    assert ids(api.get("/api/supervision/venues", {"kind": "supply"})) == {s.pk}
    assert ids(api.get("/api/supervision/venues", {"kind": "gathering"})) == {g.pk}
    assert ids(api.get("/api/supervision/venues", {"state": "closed"})) == {g.pk}
    assert ids(api.get("/api/supervision/venues", {"area": world.grid1.pk})) == {s.pk}
    assert ids(api.get("/api/supervision/venues", {"q": "欧亚"})) == {s.pk}
    r = api.get(f"/api/supervision/venues/{s.pk}")
    assert r.json()["owner_phone"] == "13612345678"
    assert [x["state"] for x in r.json()["states"]] == ["open_rules"]
    assert AccessLog.objects.filter(kind="api", object_id=str(s.pk)).exists()
    outsider = api_for(world.users.outsider)
    assert outsider.get(f"/api/supervision/venues/{s.pk}").status_code == 404
    assert outsider.get("/api/supervision/venues").json()["items"] == []


def test_register(world, clock):
    api = api_for(world.users.commander)
    payload = {
        "area_id": world.grid1.pk,
        "name": "惠民药房",
        "kind": "pharmacy",
        "address": "北京路8号",
        "owner_name": "孙药师",
        "owner_phone": "+86 136 1234 5678",
    }
    r = api.post("/api/supervision/venues", payload)
    assert r.status_code == 201, r.content
    assert r.json()["state"] == "open_rules" and r.json()["state_since"] == "2022-04-10"
    r = api.post("/api/supervision/venues", dict(payload, owner_phone="12"))
    assert r.status_code == 422 and "owner_phone" in r.json()["detail"]
    r = api.post("/api/supervision/venues", dict(payload, since="2022-05-01"))
    assert r.status_code == 422 and "不能晚于今天" in r.json()["detail"]["since"][0]
    r = api.post("/api/supervision/venues", dict(payload, area_id=world.other_grid.pk))
    assert r.status_code == 404
    r = api_for(world.users.volunteer).post("/api/supervision/venues", payload)
    assert r.status_code == 403


def test_change_state(world, clock):
    boss = world.users.commander
    g = gym(world.grid1, boss)
    api = api_for(boss)
    url = f"/api/supervision/venues/{g.pk}/state"
    r = api.post(url, {"state": "closed", "since": "2022-04-10"})
    assert r.status_code == 422 and "已是" in r.json()["detail"]["state"][0]
    r = api.post(url, {"state": "reopened", "since": "2022-04-10", "note": "解除"})
    assert r.status_code == 200 and r.json()["state"] == "reopened"
    assert [x["state"] for x in r.json()["states"]] == ["reopened", "closed"]
    assert (
        api_for(world.users.volunteer)
        .post(url, {"state": "closed", "since": "2022-04-10"})
        .status_code
        == 403
    )
    assert (
        api_for(world.users.outsider)
        .post(url, {"state": "closed", "since": "2022-04-10"})
        .status_code
        == 404
    )


def test_outsider_write_answers_as_for_a_missing_venue(world, clock):
    g = gym(world.grid1, world.users.commander)
    api = api_for(world.users.outsider)
    for body in ({}, {"state": "reopened", "since": "2022-04-10"}):
        real = api.post(f"/api/supervision/venues/{g.pk}/state", body)
        ghost = api.post("/api/supervision/venues/987654321/state", body)
        assert real.status_code in (404, 422)
        assert (real.status_code, real.content) == (ghost.status_code, ghost.content)
