"""Planning services: rounds (numbering, previous round, targets), points, tables and teams,
status; validation with clear Chinese messages; scope; audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wangge.core.models import ChangeLog
from wangge.people.models import SpecialGroup
from wangge.testing import services_plan as plan
from wangge.testing.models import Round

pytestmark = pytest.mark.django_db
DAY = dt.date(2022, 4, 12)


def new_round(world, actor=None, **fields):
    fields.setdefault("area", world.street)
    fields.setdefault("date", DAY)
    return plan.create_round(actor=actor or world.users.commander, **fields)


def messages(exc) -> str:
    return " ".join(exc.value.messages)


def test_round_numbers_and_previous_round(world):
    first = new_round(world, date=dt.date(2022, 4, 10))
    second = new_round(world)
    assert (first.number, second.number) == (1, 2)
    assert first.previous is None and second.previous == first
    grid_round = new_round(world, area=world.grid1, actor=world.users.grid_leader)
    assert grid_round.number == 1 and grid_round.previous is None  # numbered per area
    fifth = new_round(world, number=5, date=dt.date(2022, 4, 20))
    assert fifth.previous == second
    assert str(second) == "北京路街道 第2轮"
    log = ChangeLog.objects.filter(model="testing.round", object_id=str(second.pk)).get()
    assert log.action == ChangeLog.Action.CREATE and log.actor == world.users.commander


def test_round_bad_input_is_refused_with_clear_messages(world):
    with pytest.raises(ValidationError) as exc:
        new_round(world, start_time=dt.time(12), end_time=dt.time(8))
    assert "结束时间必须晚于开始时间" in messages(exc)
    with pytest.raises(ValidationError) as exc:
        new_round(world, pool_size=5)
    assert "混采人数只能是 1（单采）、10 或 20" in messages(exc)
    with pytest.raises(ValidationError) as exc:
        new_round(world, slot_minutes=0)
    assert "每批时长" in messages(exc)
    with pytest.raises(ValidationError) as exc:
        new_round(world, area=world.grid1, target="buildings", target_buildings=[world.b2])
    assert "2号楼 不在本轮检测区域（第一网格）内" in messages(exc)
    with pytest.raises(ValidationError) as exc:
        new_round(world, target="buildings")
    assert "请至少选择一栋楼" in messages(exc)
    with pytest.raises(ValidationError) as exc:
        new_round(world, target="special_group")
    assert "请选择特殊人群类别" in messages(exc)
    new_round(world, number=3)
    with pytest.raises(ValidationError) as exc:
        new_round(world, number=3)
    assert "该区域已有第3轮" in messages(exc)
    assert Round.objects.count() == 1


def test_only_planners_of_the_area_create_rounds(world):
    for user in (world.users.volunteer, world.users.building_leader, world.users.outsider):
        with pytest.raises(PermissionDenied):
            new_round(world, area=world.grid1, actor=user)
    with pytest.raises(PermissionDenied):  # a grid leader plans their grid, not the street
        new_round(world, actor=world.users.grid_leader)
    assert new_round(world, area=world.grid1, actor=world.users.grid_leader).pk


def test_targets_are_kept_consistent(world):
    rnd = new_round(world, target="buildings", target_buildings=[world.b1], target_group="pregnant")
    assert list(rnd.target_buildings.all()) == [world.b1] and rnd.target_group == ""
    plan.update_round(
        rnd,
        {"target": "special_group", "target_group": SpecialGroup.Kind.IMMOBILE},
        actor=world.users.commander,
    )
    rnd.refresh_from_db()
    assert rnd.target == "special_group" and not rnd.target_buildings.exists()
    assert ChangeLog.objects.filter(model="testing.round", after__target_buildings=[]).exists()


def test_update_round_validates_and_logs(world):
    rnd = new_round(world)
    plan.update_round(rnd, {"end_time": dt.time(20), "name": "加密轮"}, actor=world.users.commander)
    rnd.refresh_from_db()
    assert rnd.end_time == dt.time(20) and rnd.name == "加密轮"
    log = ChangeLog.objects.filter(model="testing.round", action="update").last()
    assert log.after == {"name": "加密轮", "end_time": "20:00:00"}
    with pytest.raises(ValidationError) as exc:
        plan.update_round(rnd, {"end_time": dt.time(6)}, actor=world.users.commander)
    assert "结束时间必须晚于开始时间" in messages(exc)
    rnd.refresh_from_db()
    assert rnd.end_time == dt.time(20)
    with pytest.raises(PermissionDenied):
        plan.update_round(rnd, {"name": "x"}, actor=world.users.grid_leader)


def test_status_moves(world):
    rnd = new_round(world)
    plan.start_round(rnd, actor=world.users.commander)
    assert rnd.status == Round.Status.ACTIVE
    with pytest.raises(ValidationError) as exc:
        plan.start_round(rnd, actor=world.users.commander)
    assert "轮次状态不能从“进行中”改为“进行中”" in messages(exc)
    plan.close_round(rnd, actor=world.users.commander)
    rnd.refresh_from_db()
    assert rnd.status == Round.Status.CLOSED


def test_points_tables_teams(world):
    rnd = new_round(world)
    c = world.users.commander
    point = plan.add_point(
        rnd,
        actor=c,
        area=world.grid1,
        estate=world.estate,
        location=" 阳光小区　北门 ",
        leader_name="张 三",
        leader_phone="139 0000 1234",
    )
    assert (point.number, point.name, point.location) == (1, "1号采样点", "阳光小区 北门")
    assert (point.leader_name, point.leader_phone) == ("张三", "13900001234")
    second = plan.add_point(rnd, actor=c, name="东门点")
    assert second.number == 2 and second.area == world.street
    table = plan.add_table(point, actor=c, leader_phone="１３９００００５６７８")
    assert (table.number, table.rate_per_hour, table.leader_phone) == (1, 88, "13900005678")
    assert plan.add_table(point, actor=c, rate_per_hour=60).number == 2
    team = plan.add_team(rnd, actor=c, name="上门一组", area=world.grid1, members="甲，乙")
    assert team.area == world.grid1
    plan.update_point(point, {"location": "南门", "number": None}, actor=c)
    plan.update_table(table, {"rate_per_hour": 100}, actor=c)
    plan.update_team(team, {"leader_phone": "13800001111"}, actor=c)
    point.refresh_from_db(), table.refresh_from_db(), team.refresh_from_db()
    assert (point.location, table.rate_per_hour, team.leader_phone) == ("南门", 100, "13800001111")
    plan.delete_table(table, actor=c)
    plan.delete_team(team, actor=c)
    plan.delete_point(second, actor=c)
    assert rnd.points.count() == 1 and not rnd.door_teams.exists()
    models = set(ChangeLog.objects.values_list("model", flat=True))
    assert {"testing.samplingpoint", "testing.samplingtable", "testing.doorteam"} <= models


def test_point_table_team_bad_input(world):
    c = world.users.commander
    rnd = new_round(world, area=world.grid1)
    with pytest.raises(ValidationError) as exc:
        plan.add_point(rnd, actor=c, area=world.grid2)
    assert "第二网格 不在本轮检测区域（第一网格）内" in messages(exc)
    with pytest.raises(ValidationError) as exc:
        plan.add_point(rnd, actor=c, estate=world.other_estate)
    assert "该小区不在本轮检测区域内" in messages(exc)
    with pytest.raises(ValidationError) as exc:
        plan.add_point(rnd, actor=c, opens_at=dt.time(10), closes_at=dt.time(9))
    assert "结束时间必须晚于开始时间" in messages(exc)
    with pytest.raises(ValidationError) as exc:
        plan.add_point(rnd, actor=c, leader_phone="12345")
    assert exc.value.message_dict["leader_phone"]
    point = plan.add_point(rnd, actor=c, estate=world.estate)  # the estate spans the grid
    with pytest.raises(ValidationError) as exc:
        plan.add_point(rnd, actor=c, number=1)
    assert "本轮已有1号采样点" in messages(exc)
    with pytest.raises(ValidationError) as exc:
        plan.add_table(point, actor=c, rate_per_hour=0)
    assert "每小时采样人数必须大于 0" in messages(exc)
    plan.add_table(point, actor=c)
    with pytest.raises(ValidationError) as exc:
        plan.add_table(point, actor=c, number=1)
    assert "该采样点已有1号台" in messages(exc)
    with pytest.raises(ValidationError) as exc:
        plan.add_team(rnd, actor=c, name=" ")
    assert "请填写组名" in messages(exc)
    with pytest.raises(PermissionDenied):
        plan.add_table(point, actor=world.users.volunteer)


def test_visible_rounds_reach_down_not_sideways(world):
    street_round = new_round(world)
    grid2_round = new_round(world, area=world.grid2)
    grid1 = set(plan.visible_rounds(world.users.grid_leader))
    assert grid1 == {street_round}  # the street's round covers grid1; grid2's does not
    assert set(plan.visible_rounds(world.users.building_leader)) == {street_round}
    assert set(plan.visible_rounds(world.users.commander)) == {street_round, grid2_round}
    assert not plan.visible_rounds(world.users.outsider).exists()
    assert not plan.visible_rounds(world.users.nobody).exists()
    assert set(plan.planned_by(world.users.grid_leader)) == set()
