"""GET /api/command/dashboard: one area's figures now (equal to `for_area`), the alerts that are
not zero with the items behind them, the time; an area outside scope answers nothing."""

from __future__ import annotations

import pytest

from wangge.accounts.models import ApiToken
from wangge.api.tests.helpers import ApiClient
from wangge.support.tests.fixtures_dispatch import make_request

from .fixtures_dashboard import fixed_registry_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
PATH = "/api/command/dashboard"


def api_for(user) -> ApiClient:
    _, key = ApiToken.issue(user, "t")
    return ApiClient(key)


def test_figures_alerts_and_time(world, fixed_registry):
    make_request(world.h101)
    make_request(world.h2_101, "medicine", due_in_minutes=-10, medicine_name="布洛芬")
    api = api_for(world.users.commander)
    r = api.get(PATH)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["area"]["id"] == world.street.pk
    assert body["at"]
    values = {f["key"]: f["value"] for f in body["figures"]}
    assert values == {"support.new": 2, "support.overdue": 1, "support.in_progress": 0}
    assert [a["key"] for a in body["alerts"]] == ["support.overdue"]
    (feed,) = body["feeds"]
    assert feed["key"] == "medicine" and feed["items"][0]["detail"] == "布洛芬"
    r = api.get(PATH, {"area": world.grid1.pk})
    body = r.json()
    assert {f["key"]: f["value"] for f in body["figures"]}["support.new"] == 1
    assert body["alerts"] == [] and body["feeds"] == []


EMPTY = {"area": None, "figures": [], "alerts": [], "feeds": []}


def _without_time(body: dict) -> dict:
    assert body.pop("at")
    return body


def test_outside_scope_answers_nothing(world, fixed_registry):
    make_request(world.h101, "medicine", due_in_minutes=-10, medicine_name="布洛芬")
    api = api_for(world.users.outsider)
    for area in (world.street.pk, world.grid1.pk, 987654):
        r = api.get(PATH, {"area": area})
        assert r.status_code == 200
        assert _without_time(r.json()) == EMPTY
    body = api.get(PATH).json()
    assert body["area"]["id"] == world.other_street.pk
    assert {f["key"]: f["value"] for f in body["figures"]}["support.overdue"] == 0
    assert _without_time(api_for(world.users.nobody).get(PATH).json()) == EMPTY
    assert ApiClient().get(PATH).status_code == 401
