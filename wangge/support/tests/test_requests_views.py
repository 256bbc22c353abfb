"""Support requests, worker pages: the list (masked, priority first, overdue marked, filters,
search, empty state), filing for a household (scoped, medicine name), one request and each step
by POST (deliver with a photo, close with a reason, refusals), the photo streamed and logged."""

from __future__ import annotations

import io
import uuid
from unittest.mock import patch

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from wangge.core.models import AccessLog
from wangge.support.models import SupportRequest

from .fixtures_requests import T0, groceries, kind, medicine

pytestmark = pytest.mark.django_db
Status = SupportRequest.Status


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def png() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buf, "PNG")
    return SimpleUploadedFile("door.png", buf.getvalue(), content_type="image/png")


def test_list_masks_sorts_and_marks_overdue(world, client_for):
    leader = world.users.grid_leader
    with patch("django.utils.timezone.now", return_value=T0):
        late = groceries(world.h101, leader)
    plain = groceries(world.h201, leader)
    prio = groceries(world.h102, leader)  # elderly alone
    c = client_for(leader)
    r = c.get(reverse("support:request_list"))
    assert r.status_code == 200
    body = r.content.decode()
    assert "王*" in body and "王芳" not in body
    assert "139****0102" in body and "13900000102" not in body
    order = [body.index(f'data-request="{x.pk}"') for x in (prio, late, plain)]
    assert order == sorted(order)
    assert body.count("已超时") >= 1
    r = c.get(reverse("support:request_list"), {"status": "overdue"})
    assert list(r.context["rows"]) == [late]
    r = c.get(reverse("support:request_list"), {"priority": "on"})
    assert list(r.context["rows"]) == [prio]
    r = c.get(reverse("support:request_list"), {"q": "0201"})
    assert list(r.context["rows"]) == [plain]
    r = c.get(reverse("support:request_list"), {"grid": world.grid2.pk})
    assert "没有符合条件的诉求" in r.content.decode()


def test_list_kind_and_status_filters(world, client_for):
    leader = world.users.grid_leader
    med = medicine(world.h101, leader)
    gro = groceries(world.h201, leader)
    c = client_for(leader)
    r = c.get(reverse("support:request_list"), {"kind": "medicine"})
    assert list(r.context["rows"]) == [med]
    from wangge.support.services import deliver

    deliver(gro, actor=leader)
    r = c.get(reverse("support:request_list"))
    assert list(r.context["rows"]) == [med]
    r = c.get(reverse("support:request_list"), {"status": "done"})
    assert list(r.context["rows"]) == [gro]
    r = c.get(reverse("support:request_list"), {"grid": world.other_grid.pk})
    assert "所选网格不存在或不在您的管辖范围内" in r.content.decode()


def test_create_for_a_household(world, client_for):
    c = client_for(world.users.grid_leader)
    url = reverse("support:request_create")
    r = c.get(url, {"q": "王芳"})
    assert r.status_code == 200 and f"?household={world.h102.pk}" in r.content.decode()
    r = c.get(url, {"household": world.h102.pk})
    assert "独居老人" in r.content.decode()  # will be priority
    key = str(uuid.uuid4())
    data = {"kind": kind("medicine").pk, "urgency": "urgent", "text": "", "client_uuid": key}
    r = c.post(f"{url}?household={world.h102.pk}", data)
    assert r.status_code == 200
    assert "药品类诉求请填写药品名称" in r.content.decode()
    data.update(medicine_name="阿司匹林", prescription_needed="on", person=world.wang.pk)
    r = c.post(f"{url}?household={world.h102.pk}", data)
    req = SupportRequest.objects.get()
    assert r.status_code == 302 and r.url == reverse("support:request_detail", args=[req.pk])
    assert req.priority and req.source == "worker" and req.person == world.wang
    assert req.prescription_needed and req.medicine_name == "阿司匹林"
    r = c.post(f"{url}?household={world.h102.pk}", data)  # a double tap
    assert r.status_code == 302 and SupportRequest.objects.count() == 1


def test_create_is_scoped(world, client_for):
    url = reverse("support:request_create")
    c = client_for(world.users.building_leader)  # building 1 only
    assert c.get(url, {"household": world.h2_101.pk}).status_code == 404
    assert c.get(url, {"household": "x"}).status_code == 404
    r = c.get(url, {"q": "刘洋"})
    assert "刘洋" not in r.content.decode().replace('value="刘洋"', "")
    assert client_for(world.users.nobody).get(url).status_code == 403


def test_detail_and_the_steps(world, client_for):
    leader = world.users.grid_leader
    req = medicine(world.h101, leader, contact_phone="13800000001")
    c = client_for(leader)
    detail = reverse("support:request_detail", args=[req.pk])
    action = reverse("support:request_action", args=[req.pk])
    r = c.get(detail)
    body = r.content.decode()
    assert r.status_code == 200 and "13800000001" in body and 'value="accept"' in body
    assert AccessLog.objects.filter(object_id=str(req.pk), kind="view").exists()
    assert c.post(action, {"action": "accept"}).status_code == 302
    assert c.post(action, {"action": "on_way"}).status_code == 302
    r = c.post(
        action, {"action": "deliver", "delivered_by": "钱楼长", "note": "已交本人", "photo": png()}
    )
    assert r.status_code == 302
    req.refresh_from_db()
    assert req.status == Status.DELIVERED and req.delivered_by == "钱楼长"
    assert req.delivery_photo.name.endswith(".png")
    body = c.get(detail).content.decode()
    assert reverse("support:request_photo", args=[req.pk]) in body
    assert 'value="confirm"' in body and 'value="accept"' not in body
    r = c.post(action, {"action": "accept"})
    assert r.status_code == 422 and "不能接单" in r.content.decode()
    r = c.post(action, {"action": "close"})
    assert r.status_code == 422 and "请填写办结说明" in r.content.decode()
    assert c.post(action, {"action": "close", "reason": "已送达，居民未回复"}).status_code == 302
    req.refresh_from_db()
    assert req.status == Status.CLOSED
    assert c.post(action, {"action": "explode"}).status_code == 422
    assert c.get(action).status_code == 405


def test_photo_is_streamed_scoped_and_logged(world, client_for):
    leader = world.users.grid_leader
    req = groceries(world.h101, leader)
    photo_url = reverse("support:request_photo", args=[req.pk])
    c = client_for(leader)
    assert c.get(photo_url).status_code == 404  # no photo yet
    c.post(reverse("support:request_action", args=[req.pk]), {"action": "deliver", "photo": png()})
    r = c.get(photo_url)
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    assert b"".join(r.streaming_content).startswith(b"\x89PNG")
    assert AccessLog.objects.filter(object_id=str(req.pk), fields="delivery_photo").count() == 1
    assert client_for(world.users.outsider).get(photo_url).status_code == 404


def test_bad_photo_is_refused(world, client_for):
    req = groceries(world.h101, world.users.grid_leader)
    bad = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    r = client_for(world.users.grid_leader).post(
        reverse("support:request_action", args=[req.pk]), {"action": "deliver", "photo": bad}
    )
    assert r.status_code == 422 and "请上传 JPG 或 PNG 格式的照片" in r.content.decode()
    req.refresh_from_db()
    assert req.status == Status.NEW


def test_volunteer_may_deliver_but_not_close(world, client_for):
    req = groceries(world.h101, world.users.grid_leader)
    c = client_for(world.users.volunteer)
    action = reverse("support:request_action", args=[req.pk])
    body = c.get(reverse("support:request_detail", args=[req.pk])).content.decode()
    assert 'value="deliver"' in body and 'value="close"' not in body
    assert c.post(action, {"action": "close", "reason": "x"}).status_code == 403
    assert c.post(action, {"action": "deliver"}).status_code == 302


def test_outsider_sees_nothing(world, client_for):
    req = groceries(world.h101, world.users.grid_leader)
    c = client_for(world.users.outsider)
    assert c.get(reverse("support:request_detail", args=[req.pk])).status_code == 404
    r = c.post(reverse("support:request_action", args=[req.pk]), {"action": "accept"})
    assert r.status_code == 404
    assert list(c.get(reverse("support:request_list")).context["rows"]) == []


def _sheet(response) -> list[list]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    return book.get_sheet_by_index(0).to_python()


def test_export_is_filtered_unmasked_logged_and_scoped(world, client_for):
    leader = world.users.grid_leader
    med = medicine(world.h101, leader)
    groceries(world.h201, leader)
    r = client_for(leader).get(
        reverse("support:request_list"), {"kind": "medicine", "format": "xlsx"}
    )
    assert r.status_code == 200
    rows = _sheet(r)
    cells = [str(c) for row in rows for c in row]
    assert any(str(med.pk) == c.removesuffix(".0") for c in cells)
    assert "张伟" in cells and med.household.phone in cells  # unmasked in the file
    assert not any(world.h201.householder_name == c for c in cells)  # filtered out
    log = AccessLog.objects.get(kind="export")
    assert log.actor == leader and log.rows == 1
    outsider = client_for(world.users.outsider).get(
        reverse("support:request_list"), {"format": "xlsx"}
    )
    assert outsider.status_code == 200
    assert len(_sheet(outsider)) <= 2  # title and header only: nothing of another street
    volunteer = client_for(world.users.volunteer).get(
        reverse("support:request_list"), {"format": "xlsx"}
    )
    assert volunteer.status_code == 404  # no right to export
