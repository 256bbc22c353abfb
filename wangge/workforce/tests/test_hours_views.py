"""The hours pages: hours per worker with filters, totals, the open check-ins and the .xlsx
(logged, refused without EXPORT); the organisation summary with its sentence and .xlsx; the
certificate PDF read back with pypdf (name, organisation, posts, hours; logged; 404 outside
scope); who is left with its two exports."""

from __future__ import annotations

import io
import re
from unittest import mock

import pypdf
import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from wangge.core.models import AccessLog
from wangge.workforce.models import Worker
from wangge.workforce.tests.fixtures_hours import DAY1, DAY2, assign, at, build, shift

pytestmark = pytest.mark.django_db

HOURS = reverse("workforce:hours")
ORGS = reverse("workforce:organization_summary")
LEFT = reverse("workforce:left")
LEFT_EXPORT = reverse("workforce:left_export")
PERIOD = {"since": DAY1.isoformat(), "until": DAY2.isoformat()}


@pytest.fixture
def roster(world):
    return build(world)


def sheet(response) -> list[list]:
    data = b"".join(response.streaming_content)
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


def pdf_text(data: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [re.sub(r"\s+", "", page.extract_text()) for page in reader.pages]


def test_hours_page(world, roster, client_for):
    c = client_for(world.users.commander)
    r = c.get(HOURS, PERIOD)
    assert r.status_code == 200
    body = r.content.decode()
    for text in ("李干部", "王干部", "陈志愿", "14.2", "24.7", "市财政局", "1 未签退"):
        assert text in body, text
    assert "赵社工" not in body  # never checked in
    assert 'id="hours-open"' in body  # the open check-in is listed
    assert f'data-worker="{roster.li.pk}"' in body
    r = c.get(HOURS, {**PERIOD, "kind": "volunteer"})
    assert "陈志愿" in r.content.decode() and "李干部" not in r.content.decode()
    r = c.get(HOURS, {**PERIOD, "organization": roster.finance.pk})
    assert "王干部" in r.content.decode() and "陈志愿" not in r.content.decode()
    r = c.get(HOURS, {"from": DAY2.isoformat(), "to": DAY2.isoformat()})
    assert "陈志愿" in r.content.decode() and "李干部" not in r.content.decode()


def test_hours_page_empty_and_bad_input(world, roster, client_for):
    c = client_for(world.users.commander)
    r = c.get(HOURS, {"since": "2000-01-01", "until": "2000-01-31"})
    assert "该时段内没有到岗记录" in r.content.decode()
    r = c.get(HOURS, {"since": DAY2.isoformat(), "until": DAY1.isoformat()})
    assert r.status_code == 200 and "开始日期不能晚于结束日期" in r.content.decode()
    r = c.get(HOURS, {"since": "2020-01-01", "until": "2022-01-01"})
    assert "统计时段最长" in r.content.decode()
    r = c.get(HOURS, {"organization": 987654})
    assert "所选单位不存在或不在您的管辖范围内" in r.content.decode()
    assert c.get(HOURS, {"area": "x"}).status_code == 404
    assert c.get(HOURS, {"area": world.other_street.pk}).status_code == 404
    assert c.get(HOURS, {"format": "pdf"}).status_code == 404


def test_hours_export(world, roster, client_for):
    c = client_for(world.users.commander)
    r = c.get(HOURS, {**PERIOD, "format": "xlsx"})
    assert r.status_code == 200
    rows = sheet(r)
    assert rows[1][:2] == ["姓名", "类别"]
    body = {row[0]: row for row in rows[2:]}
    assert body["李干部"][4] == 2 and body["李干部"][5] == pytest.approx(14.17, abs=0.01)
    assert body["合计"][4] == 5 and body["陈志愿"][6] == 1
    log = AccessLog.objects.filter(kind="export").latest("at")
    assert log.rows == 3 and log.actor == world.users.commander
    # Without EXPORT (a volunteer), no .xlsx.
    assert client_for(world.users.volunteer).get(HOURS, {"format": "xlsx"}).status_code == 404


def test_organization_summary_page_and_export(world, roster, client_for):
    c = client_for(world.users.commander)
    r = c.get(ORGS, PERIOD)
    body = r.content.decode()
    assert "市财政局" in body and "2 名干部，3 人次，20.2 小时" in body
    assert "共 2 个单位，3 名工作人员，5 人次，24.7 小时" in body
    r = c.get(ORGS, {**PERIOD, "format": "xlsx"})
    rows = sheet(r)
    assert rows[2][0] == "市财政局" and rows[2][5] == "市财政局：2 名干部，3 人次，20.2 小时"
    assert rows[-1][0] == "合计"
    assert AccessLog.objects.filter(kind="export").exists()
    assert (
        "没有到岗记录"
        in c.get(ORGS, {"since": "2000-01-01", "until": "2000-01-02"}).content.decode()
    )


def test_certificate_pdf(world, roster, client_for):
    c = client_for(world.users.commander)
    url = reverse("workforce:certificate", args=[roster.li.pk])
    r = c.get(url, PERIOD)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    (page,) = pdf_text(r.content)
    assert page.startswith("服务证明")  # a cadre: 服务证明; a volunteer: 志愿服务证明
    assert "李干部" in page and "市财政局" in page
    assert "14.2" in page and "2人次" in page.replace("<", "")
    assert "采样点一、卡口一" in page
    assert "北京路街道" in page and "2022年4月1日" in page and "2022年4月2日" in page
    log = AccessLog.objects.get(kind="print")
    assert log.object_id == str(roster.li.pk) and log.actor == world.users.commander


def test_certificate_of_a_volunteer_over_all_time(world, roster, client_for):
    c = client_for(world.users.grid_leader)  # 陈志愿 lives in the community: not in grid1
    assert c.get(reverse("workforce:certificate", args=[roster.chen.pk])).status_code == 404
    c = client_for(world.users.commander)
    r = c.get(reverse("workforce:certificate", args=[roster.chen.pk]))
    (page,) = pdf_text(r.content)
    assert page.startswith("志愿服务证明") and "陈志愿" in page and "4.5" in page
    assert "北京路街道兴华社区" in page


def test_certificate_refusals(world, roster, client_for):
    c = client_for(world.users.commander)
    r = c.get(reverse("workforce:certificate", args=[roster.zhao.pk]))
    assert r.status_code == 200 and "无法开具服务证明" in r.content.decode()
    r = c.get(reverse("workforce:certificate", args=[roster.li.pk]), {"since": "bad"})
    assert "application/pdf" not in r["Content-Type"] and "有效" in r.content.decode()
    far = Worker.objects.create(
        name="远方人", phone="13600000000", kind="cadre", area=world.other_grid
    )
    assert c.get(reverse("workforce:certificate", args=[far.pk])).status_code == 404
    outsider = client_for(world.users.outsider)
    assert outsider.get(reverse("workforce:certificate", args=[roster.li.pk])).status_code == 404
    assert not AccessLog.objects.filter(kind="print").exists()


NOW = at(DAY2, "08:20")


def test_left_page_and_exports(world, roster, client_for):
    soon = shift(roster.gate, at(DAY2, "10:00"), at(DAY2, "16:00"), needed=3)
    assign(soon, roster.li)
    c = client_for(world.users.commander)
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        r = c.get(LEFT)
        body = r.content.decode()
        assert r.status_code == 200
        assert f'data-shift="{soon.pk}"' in body and "缺 2 人" in body
        assert f'data-assignment="{roster.zhao_s3.pk}"' in body
        assert "赵社工" in body and "136****0004" in body and "13611110004" not in body
        assert "赵网格" in body and "13700000001" in body
        rows = sheet(c.get(LEFT_EXPORT, {"what": "understaffed"}))
        assert rows[1][0] == "事项" and {row[2] for row in rows[2:]} == {"卡口一", "采样点一"}
        rows = sheet(c.get(LEFT_EXPORT, {"what": "absent", "area": world.grid1.pk}))
        assert len(rows) == 3 and rows[2][6] == "136****0004" and rows[2][8] == "13700000001"
        assert c.get(LEFT_EXPORT, {"what": "other"}).status_code == 404
        assert c.get(LEFT_EXPORT).status_code == 404
        r = client_for(world.users.volunteer).get(LEFT_EXPORT, {"what": "absent"})
        assert r.status_code == 404
        r = c.get(LEFT, {"area": world.grid2.pk})
        assert "人员已排满" in r.content.decode() and "均已到岗" in r.content.decode()
    assert AccessLog.objects.filter(kind="export").count() == 2
