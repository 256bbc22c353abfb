"""The report pages: the list with today's state and the freeze button, one area's report with
drill-down and scope, its .xlsx and PDF read back, the trend, grid reports and settings."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from wangge.command.models import DailyReport, GridReport, ReportSettings
from wangge.command.services_reports import freeze
from wangge.core.models import AccessLog

from . import fixtures_reports
from .fixtures_reports import CUT, DAY, district_commander, local, request_for

clock = fixtures_reports.clock
support_only = fixtures_reports.support_only

pytestmark = pytest.mark.django_db
D = DAY.isoformat()


@pytest.fixture
def frozen(world, clock, support_only):
    clock(local(10))
    request_for(world.h101, due_in=24 * 60)
    request_for(world.h102, due_in=-30)
    request_for(world.h2_101, due_in=24 * 60)
    GridReport.objects.create(area=world.grid1, day=DAY, reported_at=local(11))
    clock(CUT)
    report, _ = freeze(DAY)
    return report


def test_list_shows_today_and_the_freeze_button(world, client_for, clock, support_only):
    c = client_for(world.users.commander)
    html = c.get(reverse("command:report_list")).content.decode()
    assert "将于 16:00 自动生成" in html and "立即生成" in html
    assert "目前尚有 2 个单位未报送" in html
    leader_html = client_for(world.users.grid_leader).get(reverse("command:report_list"))
    assert "立即生成" not in leader_html.content.decode()
    r = c.post(reverse("command:report_freeze"))
    assert r.status_code == 302 and r["Location"] == reverse("command:report_detail", args=[D])
    report = DailyReport.objects.get(day=DAY)
    assert report.made_by == world.users.commander
    html = c.get(reverse("command:report_list")).content.decode()
    assert "立即生成" not in html and "已生成，数据时点 14:00" in html and f'data-day="{D}"' in html
    # a second press is refused with a message, nothing made
    r = c.post(reverse("command:report_freeze"), follow=True)
    assert "已生成，不能重复生成" in r.content.decode()
    assert client_for(world.users.grid_leader).post(
        reverse("command:report_freeze")
    ).status_code in (403,)
    assert (
        client_for(world.users.commander).get(reverse("command:report_freeze")).status_code == 302
    )


def test_detail_of_the_street_with_drill_down(world, client_for, frozen):
    c = client_for(world.users.commander)
    r = c.get(reverse("command:report_detail", args=[D]))
    assert r.status_code == 200
    doc = r.context["doc"]
    assert doc.area == world.street
    html = r.content.decode()
    assert "截至16时，北京路街道：居民诉求今日办结0件，办理中0件，待分派3件，超时未办1件" in html
    assert "截止时尚有1个网格未报送" in html
    assert f'href="{reverse("command:report_detail", args=[D])}?area={world.community.pk}"' in html
    assert "第二网格" in html  # the grid not reported
    assert reverse("support:left") + f"?area={world.street.pk}" in html  # live list link
    # drill down to the community: its grids as children
    r = c.get(reverse("command:report_detail", args=[D]), {"area": world.community.pk})
    children = [ch.area.name for ch in r.context["doc"].children]
    assert children == ["第一网格", "第二网格"]
    assert r.context["current"][3][0][1] == [2, 1, 0, 0]  # grid 1: new, overdue, in progress, done


def test_detail_scope(world, client_for, frozen):
    url = reverse("command:report_detail", args=[D])
    leader = client_for(world.users.grid_leader)
    r = leader.get(url)
    assert r.status_code == 200 and r.context["doc"].area == world.grid1
    assert leader.get(url, {"area": world.grid2.pk}).status_code == 404
    assert leader.get(url, {"area": world.street.pk}).status_code == 404
    outsider = client_for(world.users.outsider)
    assert outsider.get(url, {"area": world.street.pk}).status_code == 404
    assert outsider.get(url).context["doc"].area == world.other_street
    assert client_for(world.users.nobody).get(url).status_code == 404
    assert leader.get(reverse("command:report_detail", args=["2030-13-01"])).status_code == 404
    assert leader.get(reverse("command:report_detail", args=["2030-03-05"])).status_code == 404


def test_xlsx_read_back_and_logged(world, client_for, frozen):
    c = client_for(world.users.commander)
    r = c.get(reverse("command:report_xlsx", args=[D]), {"area": world.community.pk})
    assert r.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(r.streaming_content)))
    assert book.sheet_names == ["本级数据", "下级数据", "未报送单位"]
    own = book.get_sheet_by_index(0).to_python()
    assert own[0][0] == f"兴华社区 {D} 每日报告"
    assert own[2][0].startswith("截至16时，兴华社区")
    assert ["保供服务", "诉求待分派", 3] in [row[:3] for row in own]
    children = book.get_sheet_by_index(1).to_python()
    assert children[0][:2] == ["区域", "保供服务-诉求待分派"]
    assert [row[0] for row in children[1:]] == ["第一网格", "第二网格"]
    assert children[2][1] == 1 and children[2][-1] == 1
    units = book.get_sheet_by_index(2).to_python()
    assert units[0] == ["类别", "名称", "所属", "负责人", "联系电话"]
    assert units[1][:3] == ["网格日报", "第二网格", "兴华社区"]
    log = AccessLog.objects.get(kind="export")
    assert log.actor == world.users.commander and log.scope_path == world.community.path
    # export needs EXPORT: a building leader has none
    assert (
        client_for(world.users.building_leader)
        .get(reverse("command:report_xlsx", args=[D]))
        .status_code
        == 404
    )


def test_pdf_read_back_and_logged(world, client_for, frozen):
    from pypdf import PdfReader

    c = client_for(world.users.commander)
    r = c.get(reverse("command:report_pdf", args=[D]), {"area": world.grid1.pk})
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(r.content)).pages)
    assert "第一网格" in text and "诉求待分派" in text and "各单位均已按时报送" in text
    assert AccessLog.objects.filter(kind="print", actor=world.users.commander).count() == 1


def test_trend_day_by_day(world, client_for, clock, support_only):
    for i, n in enumerate((1, 2)):
        day = DAY + dt.timedelta(days=i)
        clock(local(10, day=day))
        request_for(world.h101)
        clock(local(16, day=day))
        freeze(day)
        assert n
    c = client_for(world.users.commander)
    r = c.get(reverse("command:report_trend"), {"days": 7, "fig": ["support.new", "bogus"]})
    assert r.status_code == 200
    assert r.context["area"] == world.street and r.context["chosen"] == ["support.new"]
    assert r.context["chart"]["series"][0]["data"] == [1, 2]
    assert r.context["chart"]["xAxis"]["data"] == ["03-04", "03-05"]
    html = r.content.decode()
    assert 'id="trend-chart"' in html and 'data-figure="support.overdue"' in html
    r = c.get(reverse("command:report_trend"), {"area": world.grid2.pk, "days": 30})
    assert r.context["chart"]["series"][0]["data"] == [0, 0]
    assert (
        client_for(world.users.outsider)
        .get(reverse("command:report_trend"), {"area": world.grid1.pk})
        .status_code
        == 404
    )


def test_grid_reports_page_and_form(world, client_for, clock):
    url = reverse("command:grid_reports")
    leader = client_for(world.users.grid_leader)
    r = leader.get(url)
    assert r.status_code == 200 and r.context["form"] is not None
    assert [line["grid"].name for line in r.context["page"].object_list] == ["第一网格"]
    r = leader.post(url, {"grid": world.grid1.pk, "note": "今日核酸完成"})
    assert r.status_code == 302
    report = GridReport.objects.get()
    assert report.area == world.grid1 and report.reported_by == world.users.grid_leader
    r = leader.post(url, {"grid": world.grid2.pk, "note": ""})
    assert r.status_code == 400 and "不能为该网格报送" in r.content.decode()
    c = client_for(world.users.commander)
    r = c.get(url)
    lines = r.context["page"].object_list
    assert [(x["grid"].name, bool(x["report"])) for x in lines] == [
        ("第二网格", False),
        ("第一网格", True),
    ]
    assert lines[1]["leader"] == "赵网格" and r.context["done"] == 1 and r.context["total"] == 2
    assert "今日核酸完成" in r.content.decode()
    r = c.get(url, {"state": "missing"})
    assert [x["grid"].name for x in r.context["page"].object_list] == ["第二网格"]
    assert client_for(world.users.volunteer).get(url).context["form"] is None
    assert client_for(world.users.volunteer).post(url, {"grid": world.grid1.pk}).status_code == 404
    assert client_for(world.users.outsider).get(url, {"area": world.grid1.pk}).status_code == 404


def test_settings_page(world, client_for):
    url = reverse("command:settings")
    assert client_for(world.users.grid_leader).get(url).status_code == 404
    # One cut-off for every street: kept at district level, not by one street's commander.
    assert client_for(world.users.commander).get(url).status_code == 404
    c = client_for(district_commander(world))
    assert c.get(url).status_code == 200
    r = c.post(url, {"cut_off": "05:00"})
    assert r.status_code == 400 and "截止时间应在 06:00～22:00 之间" in r.content.decode()
    r = c.post(url, {"cut_off": "abc"})
    assert r.status_code == 400 and "时间格式应为 16:00" in r.content.decode()
    assert c.post(url, {"cut_off": "15:30"}).status_code == 302
    assert ReportSettings.get().cut_off == dt.time(15, 30)
