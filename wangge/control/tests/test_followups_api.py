"""Follow-up API: listing (mine, in scope, by day, overdue, order), recording idempotently
(201 then 200 with the first values), validation errors in Chinese, alerts and their handling,
and scope (404 for what the caller cannot see, 403 for what they see but may not write)."""

from __future__ import annotations

import uuid

import pytest

from wangge.accounts.models import ApiToken
from wangge.api.tests.helpers import ApiClient, ids
from wangge.control import services_followups as fu
from wangge.control.models import Alert

from . import test_followups_common as common
from .test_followups_common import DAY, MORNING, SYMPTOMS, today_of

clock, orders, inspector = common.clock, common.orders, common.inspector
pytestmark = pytest.mark.django_db
BASE = "/api/control"


def api_for(user) -> ApiClient:
    _, key = ApiToken.issue(user, "phone")
    return ApiClient(key)


def record_path(f) -> str:
    return f"{BASE}/followups/{f.pk}/record"


def test_lists(world, orders, clock):
    volunteer = api_for(world.users.volunteer)
    mine = volunteer.get(f"{BASE}/followups", {"mine": "true", "day": DAY.isoformat()})
    assert mine.status_code == 200
    items = mine.json()["items"]
    assert [i["label"] for i in items] == [MORNING, "下午体温", SYMPTOMS]
    assert {i["person_name"] for i in items} == {"张伟"}
    assert items[0]["address"] == "阳光小区 1号楼1单元101室" and items[0]["done"] is False
    commander = api_for(world.users.commander)
    everything = commander.get(f"{BASE}/followups", {"day": DAY.isoformat()})
    assert everything.json()["count"] == 6
    by_order = commander.get(f"{BASE}/followups", {"order": orders.liu.pk})
    assert by_order.json()["count"] == 14 * 3
    assert commander.get(f"{BASE}/followups", {"area": world.grid2.pk}).json()["count"] == 42
    assert commander.get(f"{BASE}/followups", {"overdue": "true"}).json()["count"] == 0
    clock.set(10, 5)
    commander = api_for(world.users.commander)
    late = commander.get(f"{BASE}/followups", {"overdue": "true"}).json()
    assert late["count"] == 2 and all(i["overdue"] for i in late["items"])
    not_late = commander.get(f"{BASE}/followups", {"overdue": "false", "day": DAY.isoformat()})
    assert not_late.json()["count"] == 4
    # The volunteer of grid 1 sees grid 1 only; an outsider nothing.
    assert volunteer.get(f"{BASE}/followups", {"order": orders.liu.pk}).json()["count"] == 0
    assert api_for(world.users.outsider).get(f"{BASE}/followups").json()["count"] == 0
    f = today_of(orders.liu, MORNING)
    assert volunteer.get(f"{BASE}/followups/{f.pk}").status_code == 404
    assert commander.get(f"{BASE}/followups/{f.pk}").json()["id"] == f.pk


def test_record_is_idempotent(world, orders):
    api = api_for(world.users.volunteer)
    f = today_of(orders.zhang, MORNING)
    key = str(uuid.uuid4())
    body = {"temperature": 36.6, "symptoms": [], "needs": "需要买药", "client_uuid": key}
    r = api.post(record_path(f), body)
    assert r.status_code == 201
    first = r.json()
    assert first["done"] and first["temperature"] == 36.6 and first["needs"] == "需要买药"
    assert first["recorded_by"] == "volunteer_a" and first["alert_id"] is None
    # A retry: 200, the first record.
    r = api.post(record_path(f), {**body, "temperature": 39.5})
    assert r.status_code == 200 and r.json() == first
    # Another record of the done follow-up with another UUID: 200, the first record unchanged.
    r = api.post(record_path(f), {**body, "temperature": "39.5", "client_uuid": str(uuid.uuid4())})
    assert r.status_code == 200 and r.json()["temperature"] == 36.6
    assert r.json()["client_uuid"] == key
    assert not Alert.objects.exists()
    # The same UUID on another follow-up: refused.
    r = api.post(record_path(today_of(orders.zhang, SYMPTOMS)), {"client_uuid": key})
    assert r.status_code == 422
    assert r.json()["detail"] == {"client_uuid": ["该 client_uuid 已用于另一次随访"]}


@pytest.mark.parametrize(
    ("label", "body", "detail"),
    [
        (
            MORNING,
            {"temperature": 44},
            {"temperature": ["体温 44.0℃ 不在 34.0～43.0℃ 之间，请核对"]},
        ),
        (MORNING, {"temperature": "abc"}, {"temperature": ["体温请填写数字，如 36.5"]}),
        (MORNING, {}, {"temperature": ["请填写体温"]}),
        (SYMPTOMS, {"symptoms": ["headache"]}, {"symptoms": ["未知症状：headache"]}),
        (MORNING, {"temperature": 36.5, "mood": "ok"}, {"mood": ["未知字段"]}),
        (
            MORNING,
            {"temperature": 36.5, "client_uuid": "x"},
            {"client_uuid": ["请输入有效的 UUID"]},
        ),
    ],
)
def test_bad_records_are_refused(world, orders, label, body, detail):
    f = today_of(orders.zhang, label)
    r = api_for(world.users.volunteer).post(record_path(f), body)
    assert r.status_code == 422 and r.json()["detail"] == detail
    f.refresh_from_db()
    assert f.done_at is None


def test_fever_alert_and_handling(world, orders):
    f = today_of(orders.zhang, MORNING)
    r = api_for(world.users.volunteer).post(
        record_path(f), {"temperature": "37.3", "client_uuid": str(uuid.uuid4())}
    )
    assert r.status_code == 201 and r.json()["alert_kind"] == "fever"
    alert = Alert.objects.get()
    assert r.json()["alert_id"] == alert.pk
    commander = api_for(world.users.commander)
    listed = commander.get(f"{BASE}/alerts", {"open": "true"}).json()
    assert [a["id"] for a in listed["items"]] == [alert.pk]
    assert listed["items"][0]["detail"] == "体温 37.3℃" and listed["items"][0]["open"]
    handle = f"{BASE}/alerts/{alert.pk}/handle"
    assert api_for(world.users.volunteer).post(handle, {"handling": "x"}).status_code == 403
    r = commander.post(handle, {"handling": " "})
    assert r.status_code == 422 and r.json()["detail"] == {"handling": ["请填写处置情况"]}
    r = commander.post(handle, {"handling": "已安排转运至发热门诊"})
    assert r.status_code == 200 and r.json()["handling"] == "已安排转运至发热门诊"
    assert r.json()["handled_by"] == "commander_a" and not r.json()["open"]
    r = commander.post(handle, {"handling": "again"})
    assert r.status_code == 422 and r.json()["detail"] == {"__all__": ["该预警已处置"]}
    assert commander.get(f"{BASE}/alerts", {"open": "true"}).json()["count"] == 0
    assert ids(commander.get(f"{BASE}/alerts", {"open": "false"})) == {alert.pk}
    assert ids(commander.get(f"{BASE}/alerts", {"order": orders.zhang.pk})) == {alert.pk}


def test_scope(world, orders, inspector):
    fu.record(today_of(orders.liu, MORNING), actor=world.users.commander, temperature="38")
    alert = Alert.objects.get()
    theirs = today_of(orders.liu, "下午体温")
    volunteer = api_for(world.users.volunteer)
    r = volunteer.post(record_path(theirs), {"temperature": 36.5})
    assert r.status_code == 404
    assert volunteer.get(f"{BASE}/alerts/{alert.pk}").status_code == 404
    assert volunteer.get(f"{BASE}/alerts").json()["count"] == 0
    # An inspector sees but may not record or handle.
    insp = api_for(inspector)
    assert insp.get(f"{BASE}/followups/{theirs.pk}").status_code == 200
    assert insp.post(record_path(theirs), {"temperature": 36.5}).status_code == 403
    r = insp.post(f"{BASE}/alerts/{alert.pk}/handle", {"handling": "x"})
    assert r.status_code == 403
    out = api_for(world.users.outsider)
    assert out.post(record_path(theirs), {"temperature": 36.5}).status_code == 404
    assert out.get(f"{BASE}/alerts").json()["count"] == 0
    assert out.post(f"{BASE}/alerts/{alert.pk}/handle", {"handling": "x"}).status_code == 404
    theirs.refresh_from_db()
    alert.refresh_from_db()
    assert theirs.done_at is None and alert.handled_at is None
