"""The inspections API: recording with findings (201 then 200 with client_uuid; errors in
Chinese), the lists, rectifying and verifying, and the command line export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from unittest.mock import patch

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from python_calamine import CalamineWorkbook

from wangge.accounts.models import ApiToken
from wangge.api.tests.helpers import ApiClient
from wangge.core.models import AccessLog
from wangge.supervision.models import Finding, Inspection

from .fixtures_inspections import T0, checkpoint, inspect_checkpoint, inspector, item


def api(user) -> ApiClient:
    _, key = ApiToken.issue(user, "t")
    return ApiClient(key)


def test_post_inspection_201_then_200(world):
    client = api(inspector(world))
    cp = checkpoint(world)
    body = {
        "target_type": "checkpoint",
        "checkpoint_id": cp.pk,
        "checks": {str(item().pk): "problem"},
        "findings": [{"item_id": item().pk, "description": "未测温", "owner_name": "孙"}],
        "client_uuid": str(uuid.uuid4()),
    }
    r = client.post("/api/supervision/inspections", body)
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["area_id"] == world.grid1.pk and data["target_name"] == "阳光小区北门卡口"
    assert data["findings"][0]["status"] == "open"
    again = client.post("/api/supervision/inspections", body)
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    assert Inspection.objects.count() == 1 and Finding.objects.count() == 1
    r = client.get(f"/api/supervision/inspections/{data['id']}")
    assert r.status_code == 200 and len(r.json()["findings"]) == 1
    assert client.get("/api/supervision/inspections").json()["count"] == 1


def test_post_inspection_errors(world):
    client = api(inspector(world))
    r = client.post("/api/supervision/inspections", {"target_type": "other"})
    assert r.status_code == 422
    assert r.json()["detail"]["area_id"] == ["请选择督查对象所在的区域"]
    r = client.post(
        "/api/supervision/inspections",
        {
            "target_type": "other",
            "area_id": world.grid1.pk,
            "target_name": "x",
            "findings": [{"description": "x"}],
        },
    )
    assert r.status_code == 422
    assert r.json()["detail"]["findings.0.owner_name"] == ["请选择整改责任人，或填写责任人姓名"]
    assert (
        api(world.users.volunteer)
        .post("/api/supervision/inspections", {"target_type": "other"})
        .status_code
        == 403
    )


def test_findings_rectify_verify(world):
    user = inspector(world)
    with patch("django.utils.timezone.now", return_value=T0):
        inspection = inspect_checkpoint(world, user, inspected_at=T0)
    f = inspection.findings.get()
    client = api(user)
    assert client.get("/api/supervision/findings", {"status": "overdue"}).json()["count"] == 1
    url = f"/api/supervision/findings/{f.pk}"
    assert client.post(f"{url}/rectify", {"note": "好"}).status_code == 403
    leader = api(world.users.grid_leader)
    r = leader.post(f"{url}/rectify", {"note": "已整改"})
    assert r.status_code == 200 and r.json()["status"] == "rectified"
    r = client.post(f"{url}/verify", {"passed": False})
    assert r.status_code == 422 and "请填写退回原因" in r.json()["detail"]["note"]
    r = client.post(f"{url}/verify", {"passed": True, "note": "合格"})
    assert r.status_code == 200 and r.json()["status"] == "verified"
    assert client.get("/api/supervision/findings", {"status": "verified"}).json()["count"] == 1
    outsider = api(world.users.outsider)
    assert outsider.post(f"{url}/verify", {"passed": True}).status_code == 404


def test_command_line(world, tmp_path):
    user = inspector(world)
    with patch("django.utils.timezone.now", return_value=T0):
        inspection = inspect_checkpoint(world, user, inspected_at=T0)
    from wangge.supervision import services_inspections as svc

    svc.add_finding(
        inspection,
        actor=user,
        description="还没到期",
        owner_name="王",
        deadline=T0 + dt.timedelta(days=3650),
    )
    out = io.StringIO()
    call_command(
        "supervision", "findings", "--area", world.grid1.code, stdout=out, stderr=io.StringIO()
    )
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0][0] == "编号"
    assert [(r[5], r[8]) for r in rows[1:]] == [
        ("值守人员未佩戴口罩", "136****2222"),
        ("还没到期", ""),
    ]
    out = io.StringIO()
    call_command("supervision", "findings", "--status", "overdue", stdout=out, stderr=io.StringIO())
    assert len(list(csv.reader(io.StringIO(out.getvalue())))) == 2
    target = tmp_path / "findings.xlsx"
    call_command("supervision", "findings", "--format", "xlsx", "--output", str(target), stdout=out)
    sheet = CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()
    assert {r[5] for r in sheet[2:]} == {"值守人员未佩戴口罩", "还没到期"}
    assert AccessLog.objects.filter(kind="export", actor=None).count() == 3
    call_command(
        "supervision", "findings", "--area", world.grid2.code, stdout=out, stderr=io.StringIO()
    )
    with pytest.raises(CommandError, match="unknown area"):
        call_command("supervision", "findings", "--area", "nowhere")
