"""The people part of the API: persons (masked lists, logged detail) and residences."""

import uuid

import pytest

from conftest import make_id
from wangge.core.models import AccessLog, ChangeLog
from wangge.people.models import Person, Residence

from .helpers import ids

pytestmark = pytest.mark.django_db


def test_persons_list_is_masked(world, api_for):
    r = api_for(world.users.commander).get("/api/persons")
    assert r.status_code == 200
    assert r.json()["count"] == 5
    item = next(i for i in r.json()["items"] if i["id"] == world.zhang.pk)
    zid = world.zhang.id_number
    assert item["id_number_masked"] == zid[:4] + "*" * 10 + zid[-4:]
    assert item["phone_masked"] == "138****0001"
    assert "id_number" not in item and "phone" not in item
    body = r.content.decode()
    assert world.zhang.id_number not in body and "13800000001" not in body
    assert not AccessLog.objects.exists()


def test_person_detail_is_unmasked_and_logged(world, api_for):
    r = api_for(world.users.grid_leader).get(f"/api/persons/{world.zhang.pk}")
    assert r.status_code == 200
    data = r.json()
    assert (data["id_number"], data["phone"]) == (world.zhang.id_number, "13800000001")
    assert [res["household_id"] for res in data["residences"]] == [world.h101.pk]
    log = AccessLog.objects.get()
    assert (log.kind, log.model, log.object_id) == ("api", "people.person", str(world.zhang.pk))
    assert log.actor == world.users.grid_leader
    assert log.fields == "id_number,phone"


def test_persons_scope(world, api_for):
    leader = api_for(world.users.grid_leader)
    assert ids(leader.get("/api/persons")) == {
        world.zhang.pk,
        world.zhang_wife.pk,
        world.wang.pk,
        world.li.pk,
    }
    assert leader.get(f"/api/persons/{world.liu.pk}").status_code == 404
    outsider = api_for(world.users.outsider)
    assert ids(outsider.get("/api/persons")) == {world.other_person.pk}
    assert ids(outsider.get("/api/persons", {"q": "张伟"})) == set()
    for person in (world.zhang, world.liu, world.wang):
        assert outsider.get(f"/api/persons/{person.pk}").status_code == 404
    assert not AccessLog.objects.exists()
    assert ids(api_for(world.users.nobody).get("/api/persons")) == set()


def test_persons_filters(world, api_for):
    api = api_for(world.users.commander)
    assert ids(api.get("/api/persons", {"q": "张伟"})) == {world.zhang.pk}
    assert ids(api.get("/api/persons", {"q": "0003"})) == {world.wang.pk}
    assert ids(api.get("/api/persons", {"household": world.h101.pk})) == {
        world.zhang.pk,
        world.zhang_wife.pk,
    }
    assert ids(api.get("/api/persons", {"area": world.grid2.pk})) == {world.liu.pk}
    assert ids(api.get("/api/persons", {"special_group": "elderly_alone"})) == {world.wang.pk}
    r = api.get("/api/persons", {"special_group": "wizard"})
    assert r.status_code == 422
    assert r.json()["detail"]["special_group"][0].startswith("无效的选项，可选值：elderly_alone")


def test_person_create_with_household(world, api_for):
    leader = api_for(world.users.grid_leader)
    id_number = make_id(30, sex="F")
    r = leader.post(
        "/api/persons",
        {
            "name": "赵 敏",
            "id_number": id_number.lower(),
            "phone": "+86 139-0000-0030",
            "household_id": world.h102.pk,
            "relation": "tenant",
            "special_groups": ["pregnant"],
        },
    )
    assert r.status_code == 201, r.content
    data = r.json()
    assert (data["name"], data["id_number"], data["phone"]) == ("赵敏", id_number, "13900000030")
    assert data["sex"] == "F" and data["special_groups"] == ["pregnant"]
    assert [(x["household_id"], x["relation"]) for x in data["residences"]] == [
        (world.h102.pk, "tenant")
    ]
    person = Person.objects.get(pk=data["id"])
    assert person.scope_path == world.h102.scope_path
    logs = ChangeLog.objects.filter(action="create").values_list("model", "channel")
    assert set(logs) == {
        ("people.person", "api"),
        ("people.residence", "api"),
        ("people.specialgroup", "api"),
    }


def test_person_create_idempotent(world, api_for):
    leader = api_for(world.users.grid_leader)
    payload = {"name": "钱七", "home_area_id": world.grid1.pk, "client_uuid": str(uuid.uuid4())}
    first = leader.post("/api/persons", payload)
    second = leader.post("/api/persons", payload)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert Person.objects.filter(name="钱七").count() == 1
    assert ChangeLog.objects.filter(model="people.person", action="create").count() == 1


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        (
            {"name": "甲", "id_number": "220204198001010118"},
            "id_number",
            "身份证号校验位错误（应为7）",
        ),
        (
            {"name": "甲", "id_number": "22020419800101"},
            "id_number",
            "身份证号长度应为18位或15位（当前为14位）",
        ),
        ({"name": "甲", "phone": "138000001"}, "phone", "手机号码应为11位（当前为9位）"),
        ({"phone": "13800000000"}, "name", "该字段为必填项"),
        ({"name": ""}, "name", "不能为空"),
        (
            {"name": "甲", "relation": "friend"},
            "relation",
            "无效的选项，可选值：householder、member、tenant、temporary",
        ),
        (
            {"name": "甲", "special_groups": ["vip"]},
            "special_groups",
            "无效的选项，可选值：elderly_alone、",
        ),
        ({"name": "甲", "age": 3}, "age", "未知字段"),
    ],
)
def test_person_create_bad_input(world, api_for, payload, field, message):
    payload = {"household_id": world.h101.pk, **payload}
    r = api_for(world.users.grid_leader).post("/api/persons", payload)
    assert r.status_code == 422, r.content
    errors = r.json()["detail"][field]
    assert len(errors) == 1 and errors[0].startswith(message)
    assert not Person.objects.filter(name="甲").exists()


def test_person_create_duplicate_id_and_missing_place(world, api_for):
    leader = api_for(world.users.grid_leader)
    r = leader.post(
        "/api/persons",
        {"name": "甲", "id_number": world.zhang.id_number, "household_id": world.h101.pk},
    )
    assert r.status_code == 422
    assert r.json()["detail"]["id_number"] == ["该身份证号已登记"]
    r = leader.post("/api/persons", {"name": "甲"})
    assert r.status_code == 422
    assert r.json()["detail"]["household_id"] == ["请指定住户或所属区域"]


def test_person_create_out_of_scope(world, api_for):
    leader = api_for(world.users.grid_leader)
    assert (
        leader.post("/api/persons", {"name": "甲", "household_id": world.h2_101.pk}).status_code
        == 404
    )
    assert (
        leader.post("/api/persons", {"name": "甲", "home_area_id": world.grid2.pk}).status_code
        == 404
    )
    outsider = api_for(world.users.outsider)
    assert (
        outsider.post("/api/persons", {"name": "甲", "household_id": world.h101.pk}).status_code
        == 404
    )
    volunteer = api_for(world.users.volunteer)
    assert (
        volunteer.post("/api/persons", {"name": "甲", "household_id": world.h101.pk}).status_code
        == 403
    )
    assert not Person.objects.filter(name="甲").exists()


def test_person_patch(world, api_for):
    leader = api_for(world.users.grid_leader)
    r = leader.patch(
        f"/api/persons/{world.zhang.pk}", {"phone": "13912345678", "special_groups": ["chronic"]}
    )
    assert r.status_code == 200
    assert r.json()["phone"] == "13912345678"
    assert r.json()["special_groups"] == ["chronic"]
    log = ChangeLog.objects.get(model="people.person", object_id=str(world.zhang.pk))
    assert log.channel == "api" and log.actor == world.users.grid_leader
    assert log.before["phone"] == "13800000001" and log.after["phone"] == "13912345678"

    r = leader.patch(f"/api/persons/{world.zhang.pk}", {"id_number": "220204198001010118"})
    assert r.status_code == 422
    assert r.json()["detail"]["id_number"] == ["身份证号校验位错误（应为7）"]
    assert leader.patch(f"/api/persons/{world.liu.pk}", {"notes": "x"}).status_code == 404
    assert (
        api_for(world.users.outsider)
        .patch(f"/api/persons/{world.zhang.pk}", {"notes": "x"})
        .status_code
        == 404
    )
    assert (
        api_for(world.users.volunteer)
        .patch(f"/api/persons/{world.zhang.pk}", {"notes": "x"})
        .status_code
        == 403
    )


# Residences


def test_residences_list_and_detail(world, api_for):
    leader = api_for(world.users.grid_leader)
    r = leader.get("/api/residences", {"household": world.h101.pk})
    assert {i["person_name"] for i in r.json()["items"]} == {"张伟", "陈静"}
    assert r.json()["count"] == 2
    assert ids(leader.get("/api/residences", {"person": world.liu.pk})) == set()
    liu_res = world.liu.residences.get()
    assert leader.get(f"/api/residences/{liu_res.pk}").status_code == 404
    assert (
        api_for(world.users.commander)
        .get(f"/api/residences/{liu_res.pk}")
        .json()["household_address"]
        == "阳光小区 2号楼1单元101室"
    )
    outsider = api_for(world.users.outsider)
    assert ids(outsider.get("/api/residences", {"household": world.h101.pk})) == set()
    assert outsider.get(f"/api/residences/{liu_res.pk}").status_code == 404


def test_residence_create_idempotent(world, api_for):
    leader = api_for(world.users.grid_leader)
    payload = {
        "person_id": world.li.pk,
        "household_id": world.h102.pk,
        "relation": "tenant",
        "registered": False,
        "client_uuid": str(uuid.uuid4()),
    }
    first = leader.post("/api/residences", payload)
    assert first.status_code == 201, first.content
    second = leader.post("/api/residences", payload)
    assert second.status_code == 200 and second.json()["id"] == first.json()["id"]
    assert Residence.objects.filter(person=world.li, household=world.h102).count() == 1
    log = ChangeLog.objects.get(model="people.residence", action="create")
    assert log.channel == "api"


def test_residence_create_refused(world, api_for):
    leader = api_for(world.users.grid_leader)
    # A person out of scope, a household out of scope, an unknown relation.
    r = leader.post("/api/residences", {"person_id": world.liu.pk, "household_id": world.h101.pk})
    assert r.status_code == 404
    r = leader.post("/api/residences", {"person_id": world.li.pk, "household_id": world.h2_101.pk})
    assert r.status_code == 404
    r = leader.post(
        "/api/residences",
        {"person_id": world.li.pk, "household_id": world.h102.pk, "relation": "lodger"},
    )
    assert r.status_code == 422
    assert r.json()["detail"]["relation"][0].startswith("无效的选项")
    r = leader.post("/api/residences", {"relation": "member"})
    assert set(r.json()["detail"]) == {"person_id", "household_id"}
    assert (
        api_for(world.users.volunteer)
        .post("/api/residences", {"person_id": world.li.pk, "household_id": world.h102.pk})
        .status_code
        == 403
    )


def test_residence_patch_moves_out(world, api_for):
    leader = api_for(world.users.grid_leader)
    res = world.zhang_wife.residences.get()
    r = leader.patch(f"/api/residences/{res.pk}", {"until": "2022-04-01"})
    assert r.status_code == 200
    assert (r.json()["until"], r.json()["living"]) == ("2022-04-01", False)
    log = ChangeLog.objects.get(model="people.residence", object_id=str(res.pk))
    assert log.channel == "api" and log.after == {"living": False, "until": "2022-04-01"}
    r = leader.patch(f"/api/residences/{res.pk}", {"since": "01/04/2022"})
    assert r.status_code == 422
    assert r.json()["detail"]["since"] == ["请输入有效日期，格式为 YYYY-MM-DD"]
    liu_res = world.liu.residences.get()
    assert leader.patch(f"/api/residences/{liu_res.pk}", {"living": False}).status_code == 404
