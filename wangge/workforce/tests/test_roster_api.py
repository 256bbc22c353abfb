"""The roster API: a day's shifts with their assignments, putting a worker on a shift (with the
roster's refusals as 422), check-in and check-out (201 then 200 with the same client_uuid, only
one's own)."""

from __future__ import annotations

import uuid

import pytest

from wangge.accounts.models import ApiToken, User
from wangge.api.tests.helpers import ApiClient
from wangge.workforce import services_roster as svc
from wangge.workforce.models import Assignment

from .fixtures_roster import DAY, at, clock_fixture, make_post, make_shift, make_worker  # noqa: F401


def api_for(user) -> ApiClient:
    _, key = ApiToken.issue(user, "t")
    return ApiClient(key)


@pytest.fixture
def roster(world, clock):
    clock(at(7))
    post = make_post(world.grid1, name="兴华采样台")
    shift = make_shift(post, at(8), needed=2, published_at=at(0))
    user = User.objects.create_user("vol_sun", password="x-Secret-2022")
    worker = make_worker(world.grid1, name="孙志愿", user=user)
    return post, shift, worker, user


def test_list_shifts_of_a_day(world, roster):
    post, shift, worker, _user = roster
    svc.assign(shift, worker, actor=world.users.commander)
    make_shift(make_post(world.grid2, name="二网格"), at(9))
    api = api_for(world.users.grid_leader)
    r = api.get("/api/workforce/shifts", {"day": DAY.isoformat()})
    assert r.status_code == 200
    items = r.json()["items"]
    assert [i["id"] for i in items] == [shift.pk]
    assert items[0]["staffed"] == 1 and items[0]["needed"] == 2 and items[0]["published"]
    assert items[0]["assignments"][0]["worker_name"] == "孙志愿"
    r = api_for(world.users.commander).get(
        "/api/workforce/shifts", {"day": DAY.isoformat(), "area": world.grid2.pk}
    )
    assert [i["post_name"] for i in r.json()["items"]] == ["二网格"]
    assert (
        api_for(world.users.outsider)
        .get("/api/workforce/shifts", {"day": DAY.isoformat()})
        .json()["items"]
        == []
    )


def test_post_assignment_and_refusals(world, roster):
    _post, shift, worker, _user = roster
    api = api_for(world.users.grid_leader)
    url = f"/api/workforce/shifts/{shift.pk}/assignments"
    r = api.post(url, {"worker_id": worker.pk})
    assert r.status_code == 201 and r.json()["worker_id"] == worker.pk
    r = api.post(url, {"worker_id": worker.pk})
    assert r.status_code == 422 and "已在本班次" in str(r.json())
    sick = make_worker(world.grid1, name="病号", health="isolated")
    r = api.post(url, {"worker_id": sick.pk})
    assert r.status_code == 422 and "隔离中" in r.json()["detail"]["worker_id"][0]
    stranger = make_worker(world.other_grid)
    assert api.post(url, {"worker_id": stranger.pk}).status_code == 422
    assert api_for(world.users.volunteer).post(url, {"worker_id": sick.pk}).status_code == 403
    assert api_for(world.users.outsider).post(url, {"worker_id": worker.pk}).status_code == 404


def test_check_in_and_out_idempotent(world, roster, clock):
    _post, shift, worker, user = roster
    a = svc.assign(shift, worker, actor=world.users.commander)
    api = api_for(user)
    clock(at(7, 40))
    key = str(uuid.uuid4())
    url = f"/api/workforce/assignments/{a.pk}/check-in"
    r = api.post(url, {"client_uuid": key})
    assert r.status_code == 201 and r.json()["checked_in_at"]
    first = r.json()
    clock(at(7, 45))
    r = api.post(url, {"client_uuid": key})
    assert r.status_code == 200 and r.json() == first
    clock(at(14))
    out = f"/api/workforce/assignments/{a.pk}/check-out"
    r = api.post(out, {"client_uuid": str(uuid.uuid4())})
    assert r.status_code == 201 and r.json()["hours"] > 0
    assert api.post(out, {}).status_code == 200
    a.refresh_from_db()
    assert a.checked_in_at == at(7, 40) and a.checked_out_at == at(14)


def test_check_in_only_ones_own(world, roster, clock):
    _post, shift, worker, _user = roster
    a = svc.assign(shift, worker, actor=world.users.commander)
    other = User.objects.create_user("vol_zhou", password="x-Secret-2022")
    make_worker(world.grid1, user=other)
    clock(at(8))
    url = f"/api/workforce/assignments/{a.pk}/check-in"
    assert api_for(other).post(url, {}).status_code == 404
    assert api_for(world.users.volunteer).post(url, {}).status_code == 403  # sees, may not
    assert api_for(world.users.outsider).post(url, {}).status_code == 404
    clock(at(7))
    r = api_for(_user).post(url, {})
    assert r.status_code == 422 and "30 分钟" in str(r.json())
    assert not Assignment.objects.filter(checked_in_at__isnull=False).exists()
