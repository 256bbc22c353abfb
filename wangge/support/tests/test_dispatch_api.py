"""Dispatch API: assigning (404 outside scope, 403 without CHANGE, 422 with the reason), the
board's counts per grid, and routes."""

from __future__ import annotations

import pytest

from wangge.accounts.models import ApiToken
from wangge.api.tests.helpers import ApiClient
from wangge.support.models import DeliveryRoute

from .fixtures_dispatch import make_request, make_worker


def api_for(user) -> ApiClient:
    _, key = ApiToken.issue(user, "t")
    return ApiClient(key)


@pytest.fixture
def data(world):
    return {
        "worker": make_worker(world.grid1, "甲网格员", "13611110001", kind="grid"),
        "far": make_worker(world.grid2, "乙网格员", "13611110002", kind="grid"),
        "new": make_request(world.h101),
        "late": make_request(world.h102, due_in_minutes=-30),
    }


def test_assign(world, data):
    url = f"/api/support/requests/{data['new'].pk}/assign"
    assert (
        api_for(world.users.outsider).post(url, {"worker_id": data["worker"].pk}).status_code == 404
    )
    assert (
        api_for(world.users.volunteer).post(url, {"worker_id": data["worker"].pk}).status_code
        == 403
    )
    api = api_for(world.users.grid_leader)
    r = api.post(url, {"worker_id": data["far"].pk})
    assert r.status_code == 422 and "worker_id" in r.json()["detail"]
    r = api.post(url, {})
    assert r.status_code == 422
    r = api.post(url, {"worker_id": data["worker"].pk})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "assigned" and body["worker_name"] == "甲网格员"
    assert body["householder_masked"] == "张*"
    data["new"].status = "closed"
    data["new"].save()
    r = api.post(url, {"worker_id": data["worker"].pk})
    assert r.status_code == 422 and "已办结" in str(r.json()["detail"])


def test_board(world, data):
    rows = api_for(world.users.commander).get("/api/support/board").json()
    assert rows == [
        {
            "area_id": world.grid1.pk,
            "name": "第一网格",
            "leader_name": "赵网格",
            "new": 2,
            "overdue": 1,
            "in_progress": 0,
            "done": 0,
        }
    ]
    assert api_for(world.users.outsider).get("/api/support/board").json() == []


def test_routes(world, data):
    api = api_for(world.users.grid_leader)
    r = api.post(
        "/api/support/routes", {"worker_id": data["worker"].pk, "building_id": world.b1.pk}
    )
    assert r.status_code == 201, r.content
    route = DeliveryRoute.objects.get()
    assert r.json()["request_ids"] == sorted([data["new"].pk, data["late"].pk])
    listed = api.get("/api/support/routes").json()["items"]
    assert [x["id"] for x in listed] == [route.pk]
    assert api_for(world.users.outsider).get("/api/support/routes").json()["items"] == []
    r = api.post(
        "/api/support/routes", {"worker_id": data["worker"].pk, "request_ids": [data["new"].pk]}
    )
    assert r.status_code == 422  # already on a route
    r = api.post("/api/support/routes", {"worker_id": data["far"].pk, "building_id": world.b2.pk})
    assert r.status_code == 422
