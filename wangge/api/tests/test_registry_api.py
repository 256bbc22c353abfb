"""The places part of the API: areas, buildings, units, households, scoped like the web."""

import uuid

import pytest

from wangge.core.models import AccessLog, ChangeLog
from wangge.people.models import Person
from wangge.places.models import Area, Building, Household

from .helpers import ids

pytestmark = pytest.mark.django_db


# Areas


def test_areas_list_is_the_callers_subtree(world, api_for):
    r = api_for(world.users.commander).get("/api/areas")
    assert r.status_code == 200
    assert ids(r) == {world.street.pk, world.community.pk, world.grid1.pk, world.grid2.pk}
    assert r.json()["count"] == 4

    assert ids(api_for(world.users.grid_leader).get("/api/areas")) == {world.grid1.pk}


def test_areas_filters(world, api_for):
    api = api_for(world.users.commander)
    assert ids(api.get("/api/areas", {"parent": world.community.pk})) == {
        world.grid1.pk,
        world.grid2.pk,
    }
    assert ids(api.get("/api/areas", {"level": 3})) == {world.street.pk}


def test_area_detail_and_outsider(world, api_for):
    r = api_for(world.users.commander).get(f"/api/areas/{world.grid1.pk}")
    assert r.status_code == 200
    assert r.json()["name"] == "第一网格"
    assert r.json()["level_label"] == "网格"

    outsider = api_for(world.users.outsider)
    assert ids(outsider.get("/api/areas", {"parent": world.community.pk})) == set()
    for area in (world.street, world.community, world.grid1, world.city):
        r = outsider.get(f"/api/areas/{area.pk}")
        assert r.status_code == 404
        assert r.json() == {"detail": "未找到"}


def test_area_create_needs_manage_in_scope(world, api_for):
    admin = api_for(world.users.admin)
    r = admin.post("/api/areas", {"name": "第三网格", "level": 5, "parent_id": world.community.pk})
    assert r.status_code == 201, r.content
    area = Area.objects.get(pk=r.json()["id"])
    assert area.path == f"{world.community.path}{area.pk}/"
    log = ChangeLog.objects.get(model="places.area", object_id=str(area.pk))
    assert log.channel == "api"
    assert log.actor == world.users.admin

    # Parent outside the admin's street: not revealed.
    r = admin.post("/api/areas", {"name": "x", "level": 4, "parent_id": world.other_street.pk})
    assert r.status_code == 404
    # A root needs an unrestricted manager.
    r = admin.post("/api/areas", {"name": "新市", "level": 1})
    assert r.status_code == 422
    assert r.json()["detail"]["parent_id"] == ["请指定上级区域"]
    # A commander changes data but does not manage areas.
    r = api_for(world.users.commander).post(
        "/api/areas", {"name": "y", "level": 5, "parent_id": world.community.pk}
    )
    assert r.status_code == 403


def test_area_create_bad_level(world, api_for):
    admin = api_for(world.users.admin)
    r = admin.post("/api/areas", {"name": "z", "level": 3, "parent_id": world.community.pk})
    assert r.status_code == 422
    assert r.json()["detail"]["level"] == ["下级区域的层级必须低于上级区域"]
    r = admin.post("/api/areas", {"name": "z", "level": 9, "parent_id": world.community.pk})
    assert r.status_code == 422
    assert r.json()["detail"]["level"][0].startswith("无效的选项")


def test_area_patch(world, api_for):
    admin = api_for(world.users.admin)
    r = admin.patch(f"/api/areas/{world.grid1.pk}", {"wechat_group": "一网格群"})
    assert r.status_code == 200
    assert r.json()["wechat_group"] == "一网格群"
    log = ChangeLog.objects.get(model="places.area", object_id=str(world.grid1.pk))
    assert (log.channel, log.action, log.after) == ("api", "update", {"wechat_group": "一网格群"})
    assert admin.patch(f"/api/areas/{world.other_grid.pk}", {"name": "q"}).status_code == 404
    r = admin.patch(f"/api/areas/{world.grid1.pk}", {"parent_id": world.grid2.pk})
    assert r.status_code == 422
    assert r.json()["detail"]["parent_id"] == ["未知字段"]


# Buildings


def test_buildings_scoped(world, api_for):
    assert ids(api_for(world.users.commander).get("/api/buildings")) == {world.b1.pk, world.b2.pk}
    leader = api_for(world.users.grid_leader)
    assert ids(leader.get("/api/buildings")) == {world.b1.pk}
    assert leader.get(f"/api/buildings/{world.b1.pk}").json()["label"] == "1号楼"
    assert leader.get(f"/api/buildings/{world.b2.pk}").status_code == 404
    outsider = api_for(world.users.outsider)
    assert ids(outsider.get("/api/buildings", {"area": world.street.pk})) == set()
    assert outsider.get(f"/api/buildings/{world.b1.pk}").status_code == 404


def test_buildings_filters(world, api_for):
    api = api_for(world.users.commander)
    assert ids(api.get("/api/buildings", {"area": world.grid2.pk})) == {world.b2.pk}
    assert ids(api.get("/api/buildings", {"estate": world.estate.pk})) == {world.b1.pk, world.b2.pk}
    assert ids(api.get("/api/buildings", {"q": "2"})) == {world.b2.pk}
    assert ids(api.get("/api/buildings", {"q": "阳光"})) == {world.b1.pk, world.b2.pk}
    assert ids(api.get("/api/buildings", {"area": 999999})) == set()


def test_building_create(world, api_for):
    leader = api_for(world.users.grid_leader)
    data = {"area_id": world.grid1.pk, "estate_id": world.estate.pk, "number": "3", "floors": 7}
    r = leader.post("/api/buildings", data)
    assert r.status_code == 201, r.content
    building = Building.objects.get(pk=r.json()["id"])
    assert building.scope_path == f"{world.grid1.path}b{building.pk}/"
    log = ChangeLog.objects.get(model="places.building", object_id=str(building.pk))
    assert log.channel == "api"

    # Same number in the same grid and estate.
    r = leader.post("/api/buildings", data)
    assert r.status_code == 422
    assert "__all__" in r.json()["detail"]
    # Another grid (out of the grid leader's scope), another street, a community instead of a grid.
    assert leader.post("/api/buildings", {**data, "area_id": world.grid2.pk}).status_code == 404
    outsider = api_for(world.users.outsider)
    assert outsider.post("/api/buildings", {**data, "number": "8"}).status_code == 404
    r = api_for(world.users.commander).post(
        "/api/buildings", {"area_id": world.community.pk, "number": "9"}
    )
    assert r.status_code == 422
    assert r.json()["detail"]["area_id"] == ["楼栋必须分配到网格"]
    # An estate of another street.
    r = leader.post("/api/buildings", {**data, "number": "4", "estate_id": world.other_estate.pk})
    assert r.status_code == 404


def test_building_write_forbidden_for_volunteer(world, api_for):
    volunteer = api_for(world.users.volunteer)
    assert volunteer.get(f"/api/buildings/{world.b1.pk}").status_code == 200
    r = volunteer.post("/api/buildings", {"area_id": world.grid1.pk, "number": "5"})
    assert r.status_code == 403
    assert r.json() == {"detail": "无权进行此操作"}
    assert volunteer.patch(f"/api/buildings/{world.b1.pk}", {"floors": 9}).status_code == 403


def test_building_patch(world, api_for):
    leader = api_for(world.users.grid_leader)
    r = leader.patch(f"/api/buildings/{world.b1.pk}", {"floors": 18, "name": "东楼"})
    assert r.status_code == 200
    assert (r.json()["floors"], r.json()["label"]) == (18, "东楼")
    log = ChangeLog.objects.get(model="places.building", object_id=str(world.b1.pk))
    assert log.channel == "api" and log.after == {"floors": 18, "name": "东楼"}
    assert leader.patch(f"/api/buildings/{world.b2.pk}", {"floors": 3}).status_code == 404
    # Moving b1 to a grid the caller cannot change is refused.
    r = leader.patch(f"/api/buildings/{world.b1.pk}", {"area_id": world.grid2.pk})
    assert r.status_code == 404
    r = leader.patch(f"/api/buildings/{world.b1.pk}", {"floors": 0})
    assert r.status_code == 422
    assert r.json()["detail"]["floors"] == ["不能小于 1"]


def test_building_move_moves_people(world, api_for):
    r = api_for(world.users.commander).patch(
        f"/api/buildings/{world.b1.pk}", {"area_id": world.grid2.pk}
    )
    assert r.status_code == 200
    assert r.json()["area_id"] == world.grid2.pk
    assert Person.objects.get(pk=world.zhang.pk).scope_path.startswith(world.grid2.path)


# Units


def test_units(world, api_for):
    leader = api_for(world.users.grid_leader)
    assert ids(leader.get("/api/units")) == {world.u11.pk, world.u12.pk}
    assert ids(api_for(world.users.commander).get("/api/units", {"building": world.b2.pk})) == {
        world.u21.pk
    }
    assert leader.get(f"/api/units/{world.u21.pk}").status_code == 404
    assert api_for(world.users.outsider).get(f"/api/units/{world.u11.pk}").status_code == 404

    r = leader.post("/api/units", {"building_id": world.b1.pk, "number": "3"})
    assert r.status_code == 201
    assert r.json()["rooms_per_floor"] == 2
    assert leader.post("/api/units", {"building_id": world.b2.pk, "number": "3"}).status_code == 404
    r = leader.post("/api/units", {"building_id": world.b1.pk, "number": "1"})
    assert r.status_code == 422
    r = leader.patch(f"/api/units/{world.u11.pk}", {"rooms_per_floor": 4})
    assert r.status_code == 200 and r.json()["rooms_per_floor"] == 4
    assert leader.patch(f"/api/units/{world.u21.pk}", {"number": "9"}).status_code == 404
    assert (
        api_for(world.users.volunteer)
        .post("/api/units", {"building_id": world.b1.pk, "number": "4"})
        .status_code
        == 403
    )


# Households


def test_households_list_is_masked(world, api_for):
    r = api_for(world.users.commander).get("/api/households")
    assert r.json()["count"] == 4
    item = next(i for i in r.json()["items"] if i["id"] == world.h101.pk)
    assert item["phone_masked"] == "139****0101"
    assert "phone" not in item
    assert "13900000101" not in r.content.decode()
    assert item["address"] == "阳光小区 1号楼1单元101室"
    assert not AccessLog.objects.exists()


def test_household_detail_is_unmasked_and_logged(world, api_for):
    r = api_for(world.users.grid_leader).get(f"/api/households/{world.h101.pk}")
    assert r.status_code == 200
    assert r.json()["phone"] == "13900000101"
    log = AccessLog.objects.get()
    assert (log.kind, log.model, log.object_id) == ("api", "places.household", str(world.h101.pk))
    assert log.actor == world.users.grid_leader
    assert (
        api_for(world.users.grid_leader).get(f"/api/households/{world.h2_101.pk}").status_code
        == 404
    )
    assert api_for(world.users.outsider).get(f"/api/households/{world.h101.pk}").status_code == 404
    assert AccessLog.objects.count() == 1


def test_households_filters(world, api_for):
    api = api_for(world.users.commander)
    assert ids(api.get("/api/households", {"unit": world.u11.pk})) == {world.h101.pk, world.h102.pk}
    assert ids(api.get("/api/households", {"building": world.b2.pk})) == {world.h2_101.pk}
    assert ids(api.get("/api/households", {"area": world.grid2.pk})) == {world.h2_101.pk}
    assert ids(api.get("/api/households", {"q": "张伟"})) == {world.h101.pk}
    assert ids(api.get("/api/households", {"q": "陈静"})) == {world.h101.pk}
    assert ids(api_for(world.users.outsider).get("/api/households", {"q": "张伟"})) == set()


def test_household_create_idempotent(world, api_for):
    leader = api_for(world.users.grid_leader)
    key = str(uuid.uuid4())
    data = {
        "unit_id": world.u12.pk,
        "floor": 3,
        "room": "301",
        "householder_name": "赵六",
        "phone": "139 0000 0301",
        "client_uuid": key,
    }
    first = leader.post("/api/households", data)
    assert first.status_code == 201, first.content
    assert first.json()["phone"] == "13900000301"
    again = leader.post("/api/households", data)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Household.objects.filter(unit=world.u12, room="301").count() == 1
    assert Household.objects.get(unit=world.u12, room="301").client_uuid == uuid.UUID(key)
    assert ChangeLog.objects.filter(model="places.household", action="create").count() == 1
    # Someone else's UUID is not replayed to a caller who cannot see the row.
    r = api_for(world.users.outsider).post(
        "/api/households", {**data, "unit_id": world.other_unit.pk, "room": "302"}
    )
    assert r.status_code == 422
    assert "client_uuid" in r.json()["detail"]


def test_household_create_bad_input(world, api_for):
    leader = api_for(world.users.grid_leader)
    r = leader.post(
        "/api/households",
        {"unit_id": world.u11.pk, "floor": 1, "room": "103", "phone": "139000003"},
    )
    assert r.status_code == 422
    assert r.json()["detail"]["phone"] == ["手机号码应为11位（当前为9位）"]
    r = leader.post("/api/households", {"phone": "13900000000"})
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert detail["unit_id"] == detail["floor"] == detail["room"] == ["该字段为必填项"]
    r = leader.post("/api/households", {"unit_id": world.u11.pk, "floor": 1, "room": "101"})
    assert r.status_code == 422  # the room exists in this unit
    assert (
        leader.post("/api/households", {"unit_id": 999999, "floor": 1, "room": "1"}).status_code
        == 404
    )
    assert (
        leader.post(
            "/api/households", {"unit_id": world.u21.pk, "floor": 1, "room": "1"}
        ).status_code
        == 404
    )


def test_household_patch_and_move(world, api_for):
    commander = api_for(world.users.commander)
    r = commander.patch(f"/api/households/{world.h102.pk}", {"people_count": 3, "phone": ""})
    assert r.status_code == 200
    assert (r.json()["people_count"], r.json()["phone"]) == (3, "")
    log = ChangeLog.objects.get(model="places.household", object_id=str(world.h102.pk))
    assert log.channel == "api" and log.before == {"people_count": 2, "phone": "13900000102"}

    # Moving the flat to building 2 moves its residents out of the grid leader's sight.
    r = commander.patch(
        f"/api/households/{world.h102.pk}", {"unit_id": world.u21.pk, "room": "102"}
    )
    assert r.status_code == 200 and r.json()["building_id"] == world.b2.pk
    leader = api_for(world.users.grid_leader)
    assert leader.get(f"/api/persons/{world.wang.pk}").status_code == 404
    assert commander.get(f"/api/persons/{world.wang.pk}").status_code == 200
    assert (
        leader.patch(f"/api/households/{world.h101.pk}", {"unit_id": world.u21.pk}).status_code
        == 404
    )
    assert (
        api_for(world.users.outsider)
        .patch(f"/api/households/{world.h101.pk}", {"notes": "x"})
        .status_code
        == 404
    )
