"""Support requests API: filing (idempotent with client_uuid: 201 then 200; medicine name;
unknown kind), listing with filters, one request, each step (wrong step 422, not allowed 403,
not visible 404)."""

from __future__ import annotations

import datetime as dt
import uuid
from unittest.mock import patch

import pytest

from wangge.accounts.models import ApiToken
from wangge.api.tests.helpers import ApiClient, ids
from wangge.support.models import SupportRequest

from .fixtures_requests import T0, groceries, medicine

pytestmark = pytest.mark.django_db
BASE = "/api/support/requests"


def api_for(user) -> ApiClient:
    _, key = ApiToken.issue(user, "t")
    return ApiClient(key)


def test_create_is_idempotent(world):
    api = api_for(world.users.volunteer)
    body = {
        "household_id": world.h102.pk,
        "kind": "medicine",
        "urgency": "critical",
        "medicine_name": "胰岛素",
        "prescription_needed": True,
        "contact_phone": "138 0000 1234",
        "client_uuid": str(uuid.uuid4()),
    }
    r = api.post(BASE, body)
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["priority"] is True and data["priority_reasons"] == ["elderly_alone"]
    assert data["source"] == "api" and data["status"] == "new"
    assert data["contact_phone_masked"] == "138****1234" and "13800001234" not in r.text
    again = api.post(BASE, body)
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    assert SupportRequest.objects.count() == 1


def test_create_errors(world):
    api = api_for(world.users.grid_leader)
    r = api.post(BASE, {"household_id": world.h101.pk, "kind": "medicine"})
    assert r.status_code == 422 and "药品类诉求请填写药品名称" in str(r.json())
    r = api.post(BASE, {"household_id": world.h101.pk, "kind": "pizza"})
    assert r.status_code == 422 and "诉求类型不存在或已停用" in str(r.json())
    r = api.post(
        BASE, {"household_id": world.h101.pk, "kind": "groceries", "person_id": world.li.pk}
    )
    assert r.status_code == 422 and "person_id" in r.json()["detail"]
    r = api.post(BASE, {"household_id": world.other_household.pk, "kind": "groceries"})
    assert r.status_code == 404
    r = api_for(world.users.nobody).post(BASE, {"household_id": world.h101.pk, "kind": "groceries"})
    assert r.status_code == 403
    assert not SupportRequest.objects.exists()


def test_list_filters_and_detail(world):
    leader = world.users.grid_leader
    with patch("django.utils.timezone.now", return_value=T0):
        late = medicine(world.h101, leader)
    fresh = groceries(world.h2_101, world.users.commander)
    api = api_for(world.users.commander)
    assert ids(api.get(BASE)) == {late.pk, fresh.pk}
    assert ids(api.get(BASE, {"overdue": "true"})) == {late.pk}
    assert ids(api.get(BASE, {"overdue": "false"})) == {fresh.pk}
    assert ids(api.get(BASE, {"area": world.grid2.pk})) == {fresh.pk}
    assert ids(api.get(BASE, {"status": "delivered"})) == set()
    r = api.get(f"{BASE}/{late.pk}")
    assert r.status_code == 200 and r.json()["overdue"] is True
    assert r.json()["due_at"].startswith((T0 + dt.timedelta(hours=2)).date().isoformat())
    assert api_for(world.users.outsider).get(f"{BASE}/{late.pk}").status_code == 404
    assert ids(api_for(world.users.outsider).get(BASE)) == set()


def test_steps(world):
    req = groceries(world.h101, world.users.grid_leader)
    volunteer = api_for(world.users.volunteer)
    url = f"{BASE}/{req.pk}"
    assert volunteer.post(f"{url}/accept", {}).json()["status"] == "accepted"
    assert volunteer.post(f"{url}/on_way", {}).json()["status"] == "on_way"
    r = volunteer.post(f"{url}/accept", {})
    assert r.status_code == 422 and "不能接单" in str(r.json())
    r = volunteer.post(f"{url}/deliver", {"delivered_by": "小李", "note": "门口"})
    assert r.status_code == 200 and r.json()["delivered_by"] == "小李"
    assert volunteer.post(f"{url}/close", {"reason": "x"}).status_code == 403
    assert volunteer.post(f"{url}/confirm", {}).json()["status"] == "confirmed"
    leader = api_for(world.users.grid_leader)
    assert leader.post(f"{url}/close", {"reason": "x"}).status_code == 422
    other = groceries(world.h101, world.users.grid_leader)
    assert leader.post(f"{BASE}/{other.pk}/cancel", {"reason": ""}).status_code == 422
    r = leader.post(f"{BASE}/{other.pk}/cancel", {"reason": "重复提交"})
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    outsider = api_for(world.users.outsider)
    assert outsider.post(f"{url}/accept", {}).status_code == 404
