"""The inspections part's pages: the phone flow (type → target → checklist → a finding with a
photo), adding a finding, rectifying with a photo and verifying, the photo view (scoped and
logged), the finding list (open and overdue first, filters, counts, summary), the export, the
checklist settings, and 404 for an outsider."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from unittest.mock import patch

import pytest
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from wangge.core.models import AccessLog
from wangge.supervision import services_inspections as svc
from wangge.supervision.models import ChecklistItem, Finding, Inspection

from .fixtures_inspections import T0, checkpoint, inspect_checkpoint, inspector, item, owner, png


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_phone_create_flow_with_a_photo(world, client_for):
    user = inspector(world)
    c = client_for(user)
    url = reverse("supervision:inspection_create")
    r = c.get(url)
    assert r.status_code == 200 and b'data-type="checkpoint"' in r.content
    cp = checkpoint(world)
    worker = owner(world)
    r = c.get(url, {"checkpoint": cp.pk})
    assert r.status_code == 200
    assert "值守人员在岗，佩戴防护用品" in r.content.decode()
    first, second = item(order=0), item(order=1)
    key = str(uuid.uuid4())
    data = {
        "target_type": "checkpoint",
        "target": cp.pk,
        "shift": "night",
        "client_uuid": key,
        f"check_{first.pk}": "problem",
        f"check_{second.pk}": "ok",
        "f-item": first.pk,
        "f-description": "值守人员未佩戴口罩",
        "f-severity": "major",
        "f-owner_worker": worker.pk,
        "f-photo": png(),
    }
    r = c.post(url + f"?checkpoint={cp.pk}", data)
    assert r.status_code == 302
    inspection = Inspection.objects.get()
    assert (inspection.area, inspection.checkpoint, inspection.shift) == (world.grid1, cp, "night")
    assert inspection.checks == {str(first.pk): "problem", str(second.pk): "ok"}
    f = inspection.findings.get()
    assert (f.owner_name, f.severity) == ("孙值守", "major") and f.photo.name.endswith(".png")
    # A retry of the same form creates nothing.
    data["f-photo"] = png()
    assert c.post(url + f"?checkpoint={cp.pk}", data).status_code == 302
    assert Inspection.objects.count() == 1 and Finding.objects.count() == 1
    detail = c.get(reverse("supervision:inspection_detail", args=[inspection.pk]))
    assert "值守人员未佩戴口罩" in detail.content.decode()


def test_create_errors_are_shown(world, client_for):
    c = client_for(inspector(world))
    url = reverse("supervision:inspection_create") + "?target_type=other"
    r = c.post(url, {"target_type": "other", "shift": "day", "f-description": "有问题"})
    assert r.status_code == 422
    body = r.content.decode()
    assert "请选择督查对象所在的区域" in body
    r = c.post(url, {"target_type": "other", "shift": "day", "area": world.grid1.pk})
    assert "请选择督查对象，或填写对象名称" in r.content.decode()
    assert not Inspection.objects.exists()
    assert client_for(world.users.volunteer).get(url).status_code == 403


def test_add_finding_rectify_verify_and_photos(world, client_for):
    user = inspector(world)
    inspection = inspect_checkpoint(world, user, findings=[])
    c = client_for(user)
    url = reverse("supervision:inspection_detail", args=[inspection.pk])
    r = c.post(url, {"description": "", "severity": "minor"})
    assert r.status_code == 422 and "请填写问题描述" in r.content.decode()
    r = c.post(
        url, {"description": "测温枪没电", "severity": "minor", "owner_name": "李", "photo": png()}
    )
    assert r.status_code == 302
    f = inspection.findings.get()
    leader = client_for(world.users.grid_leader)
    r = leader.post(reverse("supervision:finding_rectify", args=[f.pk]), {"note": ""})
    assert r.status_code == 422 and "请填写整改情况" in r.content.decode()
    r = leader.post(
        reverse("supervision:finding_rectify", args=[f.pk]),
        {"note": "已更换电池", "photo": png("fix.png")},
    )
    assert r.status_code == 302
    assert (
        c.post(reverse("supervision:finding_rectify", args=[f.pk]), {"note": "x"}).status_code
        == 403
    )
    for which in ("photo", "rectification"):
        r = leader.get(reverse("supervision:finding_photo", args=[f.pk, which]))
        assert r.status_code == 200 and r["Cache-Control"] == "private, no-store"
        assert b"".join(r.streaming_content).startswith(b"\x89PNG")
    assert AccessLog.objects.filter(fields="rectification_photo").count() == 1
    assert leader.get(reverse("supervision:finding_photo", args=[f.pk, "x"])).status_code == 404
    verify = reverse("supervision:finding_verify", args=[f.pk])
    assert leader.post(verify, {"result": "pass"}).status_code == 403
    r = c.post(verify, {"result": "return"})
    assert r.status_code == 422 and "请填写新的整改时限" in r.content.decode()
    later = timezone.localtime(timezone.now() + dt.timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M")
    r = c.post(verify, {"result": "return", "note": "仍不能用", "deadline": later})
    assert r.status_code == 302
    f.refresh_from_db()
    assert f.status == "open" and f.reopened == 1


def test_finding_list_filters_counts_summary(world, client_for):
    user = inspector(world)
    with patch("django.utils.timezone.now", return_value=T0):
        inspection = inspect_checkpoint(world, user, inspected_at=T0)
        svc.add_finding(
            inspection,
            actor=user,
            description="晚些再改",
            owner_name="王",
            deadline=T0 + dt.timedelta(days=5),
        )
        done = svc.add_finding(inspection, actor=user, description="已改好", owner_name="王")
        svc.rectify(done, actor=world.users.commander, note="好")
    late = inspection.findings.get(description="值守人员未佩戴口罩")
    c = client_for(world.users.commander)
    url = reverse("supervision:finding_list")
    with patch("django.utils.timezone.now", return_value=T0 + dt.timedelta(days=2)):
        r = c.get(url)
        rows = r.context["rows"]
        assert [f.pk for f in rows][:2] == [late.pk, rows[1].pk] and rows[0].overdue
        assert rows[-1].pk == done.pk
        assert "list-group-item-danger" in r.content.decode()
        assert r.context["summary"]["sentence"] == (
            "督查 1 次，发现问题 3 个，已整改 1 个，整改率 33%，超期未整改 1 个"
        )
        assert r.context["per_owner"][0] == {"owner_name": "孙值守", "open": 1, "overdue": 1}
        assert r.context["per_area"][0]["open"] == 2
        r = c.get(url, {"status": "overdue"})
        assert [f.pk for f in r.context["rows"]] == [late.pk]
    assert [f.pk for f in c.get(url, {"status": "rectified"}).context["rows"]] == [done.pk]
    assert [f.description for f in c.get(url, {"q": "晚些"}).context["rows"]] == ["晚些再改"]
    assert len(c.get(url, {"owner": "王"}).context["rows"]) == 2
    assert len(c.get(url, {"area": world.grid2.pk}).context["rows"]) == 0
    r = c.get(url, {"since": "2022-04-11", "until": "2022-04-10"})
    assert "开始日期不能晚于结束日期" in r.content.decode()


def test_export_is_logged_and_refused_without_export(world, client_for):
    user = inspector(world)
    inspect_checkpoint(world, user)
    r = client_for(world.users.commander).get(
        reverse("supervision:finding_export"), {"status": "open"}
    )
    assert r.status_code == 200
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(r.streaming_content)))
    rows = sheet.get_sheet_by_index(0).to_python()
    assert rows[2][6] == "值守人员未佩戴口罩" and rows[2][9] == "13611112222"
    assert AccessLog.objects.get(kind="export").rows == 1
    assert client_for(user).get(reverse("supervision:finding_export")).status_code == 404


def test_outsider_gets_404(world, client_for):
    inspection = inspect_checkpoint(world, inspector(world))
    f = inspection.findings.get()
    c = client_for(world.users.outsider)
    for name, args in (
        ("supervision:inspection_detail", [inspection.pk]),
        ("supervision:finding_detail", [f.pk]),
        ("supervision:finding_photo", [f.pk, "photo"]),
    ):
        assert c.get(reverse(name, args=args)).status_code == 404
    assert (
        c.post(reverse("supervision:finding_rectify", args=[f.pk]), {"note": "x"}).status_code
        == 404
    )
    assert not c.get(reverse("supervision:finding_list")).context["rows"]


def test_checklist_settings_page(world, client_for):
    url = reverse("supervision:checklists")
    assert client_for(world.users.volunteer).get(url).status_code == 404
    assert client_for(inspector(world)).get(url).status_code == 404  # a street's inspector
    c = client_for(inspector(world, area=world.district))
    r = c.get(url, {"target_type": "venue"})
    assert r.status_code == 200 and "按要求关停，无营业" in r.content.decode()
    here = url + "?target_type=venue"
    r = c.post(here, {"action": "add", "new-text": ""})
    assert r.status_code == 400 and "请填写检查内容" in r.content.decode()
    assert c.post(here, {"action": "add", "new-text": "无违规经营"}).status_code == 302
    new = ChecklistItem.objects.get(text="无违规经营")
    assert c.post(here, {"action": "up", "pk": new.pk}).status_code == 302
    prefix = f"item{new.pk}"
    r = c.post(here, {"action": "save", "pk": new.pk, f"{prefix}-text": "无违规营业"})
    assert r.status_code == 302
    new.refresh_from_db()
    assert (new.text, new.active, new.order) == ("无违规营业", False, 2)
