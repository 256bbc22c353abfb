"""Planning API: rounds, points with tables, the schedule and its proposal; scoped like the web,
with clear errors for bad input."""

from __future__ import annotations

import datetime as dt

import pytest

from wangge.accounts.models import ApiToken
from wangge.api.tests.helpers import ApiClient
from wangge.people.models import SpecialGroup
from wangge.testing.models import Round, ScheduleSlot
from wangge.testing.schedule import at

pytestmark = pytest.mark.django_db
BASE = "/api/testing/rounds"


def api(user) -> ApiClient:
    _, key = ApiToken.issue(user, "tests")
    return ApiClient(key)


def test_list_and_detail_in_scope(world, round_):
    rnd = round_.round
    mine = api(world.users.commander).get(BASE).json()
    assert [r["id"] for r in mine["items"]] == [rnd.pk]
    assert mine["items"][0]["label"] == "北京路街道 第1轮"
    assert api(world.users.grid_leader).get(f"{BASE}/{rnd.pk}").json()["area_name"] == "北京路街道"
    outsider = api(world.users.outsider)
    assert outsider.get(BASE).json()["items"] == []
    assert outsider.get(f"{BASE}/{rnd.pk}").status_code == 404
    assert outsider.get(f"{BASE}/{rnd.pk}/points").status_code == 404
    assert outsider.get(f"{BASE}/{rnd.pk}/schedule").status_code == 404
    filtered = api(world.users.commander).get(BASE, {"area": world.other_street.pk}).json()
    assert filtered["items"] == []


def test_points_with_tables(world, round_):
    points = api(world.users.commander).get(f"{BASE}/{round_.round.pk}/points").json()
    assert [(p["name"], len(p["tables"])) for p in points] == [("1号采样点", 2)]
    assert points[0]["tables"][0]["rate_per_hour"] == 88


def test_create_round(world):
    c = api(world.users.commander)
    r = c.post(
        BASE,
        {
            "area_id": world.street.pk,
            "date": "2022-04-12",
            "target": "buildings",
            "target_building_ids": [world.b1.pk],
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["number"] == 1 and body["target_building_ids"] == [world.b1.pk]
    assert Round.objects.get().created_by == world.users.commander


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"start_time": "18:00", "end_time": "07:00"}, "end_time", "结束时间必须晚于开始时间"),
        ({"pool_size": 5}, "pool_size", "混采人数只能是 1（单采）、10 或 20"),
        ({"target": "nobody"}, "target", "无效的选项"),
        ({"date": "2022-13-01"}, "date", "请输入有效日期"),
    ],
)
def test_create_round_bad_input(world, payload, field, message):
    body = {"area_id": world.grid1.pk, "date": "2022-04-12", **payload}
    r = api(world.users.commander).post(BASE, body)
    assert r.status_code == 422
    assert message in " ".join(r.json()["detail"][field])


def test_create_round_buildings_outside_the_area_or_scope(world):
    c = api(world.users.commander)
    body = {"area_id": world.grid1.pk, "date": "2022-04-12", "target": "buildings"}
    r = c.post(BASE, {**body, "target_building_ids": [world.b2.pk]})
    assert r.status_code == 422
    assert "不在本轮检测区域" in r.json()["detail"]["target_buildings"][0]
    r = c.post(BASE, {**body, "target_building_ids": [world.other_building.pk]})
    assert r.status_code == 422
    assert "不存在或不在您的范围内" in r.json()["detail"]["target_building_ids"][0]
    assert "远方" not in r.content.decode()


def test_create_round_scope(world):
    body = {"area_id": world.street.pk, "date": "2022-04-12"}
    assert api(world.users.grid_leader).post(BASE, body).status_code == 404  # street not seen
    assert api(world.users.volunteer).post(BASE, body).status_code == 403
    assert api(world.users.outsider).post(BASE, body).status_code == 404
    grid = {"area_id": world.grid1.pk, "date": "2022-04-12"}
    assert api(world.users.grid_leader).post(BASE, grid).status_code == 201


def test_propose_and_schedule(world, round_):
    SpecialGroup.objects.create(person=world.wang, kind=SpecialGroup.Kind.IMMOBILE)
    rnd = round_.round
    c = api(world.users.commander)
    r = c.post(f"{BASE}/{rnd.pk}/schedule/propose", {})
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["units"], body["people"], body["door_visits"]) == (3, 4, 1)
    assert body["overflow"] == []
    slots = c.get(f"{BASE}/{rnd.pk}/schedule").json()["items"]
    first = slots[0]
    assert first["unit_label"] == "1号楼1单元" and first["expected"] == 2
    assert first["text"].startswith("1号楼1单元 07:00–07:20 请到1号采样点")
    starts = dt.datetime.fromisoformat(first["starts_at"].replace("Z", "+00:00"))
    assert starts == at(rnd, dt.time(7))
    grid = api(world.users.grid_leader)
    mine = grid.get(f"{BASE}/{rnd.pk}/schedule").json()["items"]
    assert {s["grid_id"] for s in mine} == {world.grid1.pk} and len(mine) == 2
    only_b2 = c.get(f"{BASE}/{rnd.pk}/schedule", {"area": world.grid2.pk}).json()["items"]
    assert [s["unit_id"] for s in only_b2] == [world.u21.pk]
    assert grid.post(f"{BASE}/{rnd.pk}/schedule/propose", {}).status_code == 403
    assert (
        api(world.users.outsider).post(f"{BASE}/{rnd.pk}/schedule/propose", {}).status_code == 404
    )
    assert ScheduleSlot.objects.filter(round=rnd).count() == 3


def test_propose_without_tables_is_a_clear_error(world, round_):
    for t in round_.tables:
        t.delete()
    r = api(world.users.commander).post(f"{BASE}/{round_.round.pk}/schedule/propose", {})
    assert r.status_code == 422
    assert "请先添加采样点和采样台" in r.json()["detail"]["__all__"][0]
