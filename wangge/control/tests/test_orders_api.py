"""The orders API: the list with its filters and one order (masked, scoped), placing a person
(a repeat refused by the overlap rule: 400 naming the existing order) or a household, bulk
placement from ids with partial refusal, extending, releasing (early only with a note),
cancelling, and a volunteer and an outsider refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from wangge.accounts.models import ApiToken
from wangge.api.tests.helpers import ApiClient
from wangge.control.models import ControlOrder

from .orders_data import order_for

pytestmark = pytest.mark.django_db
BASE = "/api/control/orders"


def api(user) -> ApiClient:
    _, key = ApiToken.issue(user, "tests")
    return ApiClient(key)


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["person_name"] for item in response.json()["items"]]


def body(**extra) -> dict:
    data = {"order_type": "home_quarantine", "reason": "密接", "source": "contact_list"}
    data.update(extra)
    return data


def test_list_filters_and_one_order(world):
    today = timezone.localdate()
    due = order_for(world, world.zhang, starts_on=today - dt.timedelta(days=13))
    order_for(world, world.liu, "home_monitoring")
    c = api(world.users.commander)
    assert names(c.get(BASE)) == ["张伟", "刘洋"]
    assert names(c.get(BASE, {"area": world.grid2.pk})) == ["刘洋"]
    assert names(c.get(BASE, {"type": "home_monitoring"})) == ["刘洋"]
    assert names(c.get(BASE, {"person": world.zhang.pk})) == ["张伟"]
    assert names(c.get(BASE, {"due": today.isoformat()})) == ["张伟"]
    assert names(c.get(BASE, {"status": "released"})) == []
    assert names(c.get(BASE, {"status": "bogus"})) == []
    r = c.get(f"{BASE}/{due.pk}")
    item = r.json()
    assert r.status_code == 200 and item["person_name"] == "张伟"
    assert item["id_number_masked"].endswith(world.zhang.id_number[-4:])
    assert world.zhang.id_number not in r.content.decode()
    assert world.zhang.phone not in r.content.decode()
    assert item["days_remaining"] == 1 and item["order_type"] == "home_quarantine"
    assert item["worker_name"] == "grid1_leader"
    assert names(api(world.users.grid_leader).get(BASE)) == ["张伟"]
    outsider = api(world.users.outsider)
    assert names(outsider.get(BASE)) == []
    assert names(outsider.get(BASE, {"area": world.grid1.pk})) == []
    assert outsider.get(f"{BASE}/{due.pk}").status_code == 404


def test_create_one_person_and_a_repeat_is_refused_naming_the_order(world):
    c = api(world.users.commander)
    r = c.post(BASE, body(person_id=world.zhang.pk, worker_id=world.users.volunteer.pk))
    assert r.status_code == 201, r.content
    (placed,) = r.json()["placed"]
    assert r.json()["refused"] == []
    assert placed["person_id"] == world.zhang.pk and placed["worker_name"] == "volunteer_a"
    assert placed["days_remaining"] == 14 and placed["source"] == "contact_list"
    # A retry (the client lost the answer) is refused by the overlap rule, naming the order.
    r = c.post(BASE, body(person_id=world.zhang.pk, worker_id=world.users.volunteer.pk))
    assert r.status_code == 400
    assert r.json()["existing_order_id"] == placed["id"]
    assert "不能重复下达" in r.json()["detail"] and str(placed["id"]) in r.json()["detail"]
    assert ControlOrder.objects.filter(person=world.zhang).count() == 1


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"order_type": "nope"}, "order_type", "未知的管控措施"),
        ({"household_id": 1}, "person_id", "须填写其中一个"),
        ({"reason": ""}, "reason", "不能为空"),
        ({"days": 0}, "days", "不能小于 1"),
        ({"source": "rumour"}, "source", "无效的选项"),
        ({"surprise": 1}, "surprise", "未知字段"),
    ],
)
def test_create_bad_input(world, fields, field, message):
    r = api(world.users.commander).post(BASE, body(person_id=world.zhang.pk, **fields))
    assert r.status_code == 422
    assert message in " ".join(r.json()["detail"][field])
    assert not ControlOrder.objects.exists()


def test_create_needs_change_in_the_persons_scope_and_a_worker_of_the_place(world):
    r = api(world.users.commander).post(
        BASE, body(person_id=world.zhang.pk, worker_id=world.users.outsider.pk)
    )
    assert r.status_code == 422 and "不负责该区域" in r.json()["detail"]["worker_id"][0]
    assert api(world.users.volunteer).post(BASE, body(person_id=world.zhang.pk)).status_code == 403
    assert api(world.users.outsider).post(BASE, body(person_id=world.zhang.pk)).status_code == 404
    assert api(world.users.grid_leader).post(BASE, body(person_id=world.liu.pk)).status_code == 404
    assert not ControlOrder.objects.exists()


def test_create_a_household(world):
    existing = order_for(world, world.zhang_wife)
    r = api(world.users.commander).post(BASE, body(household_id=world.h101.pk))
    assert r.status_code == 201
    data = r.json()
    assert [p["person_name"] for p in data["placed"]] == ["张伟"]
    (refused,) = data["refused"]
    assert refused["name"] == "陈静" and refused["existing_order_id"] == existing.pk
    assert data["placed"][0]["household_id"] == world.h101.pk
    r = api(world.users.commander).post(BASE, body(household_id=world.h101.pk))
    assert r.status_code == 200 and r.json()["placed"] == []


def test_bulk_from_ids_with_partial_refusal(world):
    order_for(world, world.wang)
    ids = [world.zhang.pk, world.wang.pk, world.liu.pk, world.other_person.pk, 987654]
    r = api(world.users.grid_leader).post(f"{BASE}/bulk", body(person_ids=ids))
    assert r.status_code == 201, r.content
    data = r.json()
    assert [p["person_name"] for p in data["placed"]] == ["张伟"]
    refused = {x["person_id"]: x["reason"] for x in data["refused"]}
    assert "不能重复下达" in refused[world.wang.pk]
    # Someone the caller cannot see reads exactly as someone who does not exist.
    assert refused[world.liu.pk] == refused[world.other_person.pk] == refused[987654]
    assert refused[987654] == "未找到该人员"
    assert api(world.users.volunteer).post(f"{BASE}/bulk", body(person_ids=ids)).status_code == 403
    r = api(world.users.commander).post(f"{BASE}/bulk", body(person_ids=[]))
    assert r.status_code == 422


def test_extend_release_and_cancel(world):
    today = timezone.localdate()
    c = api(world.users.commander)
    fresh = order_for(world, world.zhang)
    r = c.post(f"{BASE}/{fresh.pk}/extend", {"days": 7, "reason": "同住人员阳性"})
    assert r.status_code == 200 and r.json()["extended_days"] == 7
    assert r.json()["ends_on"] == (today + dt.timedelta(days=20)).isoformat()
    r = c.post(f"{BASE}/{fresh.pk}/release", {})
    assert r.status_code == 422 and "期满后才能解除" in str(r.json()["detail"])
    r = c.post(f"{BASE}/{fresh.pk}/release", {"early": True, "note": ""})
    assert r.status_code == 422
    r = c.post(f"{BASE}/{fresh.pk}/release", {"early": True, "note": "指挥部决定"})
    assert r.status_code == 200 and r.json()["status"] == "released"
    assert r.json()["days_remaining"] == 0

    due = order_for(world, world.wang, starts_on=today - dt.timedelta(days=13))
    r = c.post(f"{BASE}/{due.pk}/release", {"note": "期满"})
    assert r.status_code == 200 and r.json()["release_note"] == "期满"

    mistake = order_for(world, world.li)
    assert c.post(f"{BASE}/{mistake.pk}/cancel", {"reason": ""}).status_code == 422
    r = c.post(f"{BASE}/{mistake.pk}/cancel", {"reason": "误录"})
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    r = c.post(f"{BASE}/{mistake.pk}/cancel", {"reason": "误录"})
    assert r.status_code == 422 and "只能撤销管控中的措施" in str(r.json()["detail"])


def test_writes_refused_to_a_volunteer_and_an_outsider(world):
    order = order_for(world, world.zhang)
    volunteer, outsider = api(world.users.volunteer), api(world.users.outsider)
    for action, payload in (
        ("extend", {"days": 1, "reason": "x"}),
        ("release", {"early": True, "note": "x"}),
        ("cancel", {"reason": "x"}),
    ):
        assert volunteer.post(f"{BASE}/{order.pk}/{action}", payload).status_code == 403
        real = outsider.post(f"{BASE}/{order.pk}/{action}", payload)
        ghost = outsider.post(f"{BASE}/987654321/{action}", payload)
        assert real.status_code == 404 and real.content == ghost.content
    order.refresh_from_db()
    assert order.status == "active" and order.extended_days == 0
