"""The reports API: frozen days, one area's figures of a day (scoped), grid reports (201 then
200); and the command line: freeze-due and one area's report as .xlsx or PDF."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from python_calamine import CalamineWorkbook

from wangge.accounts.models import ApiToken
from wangge.api.tests.helpers import ApiClient
from wangge.command.models import DailyReport, GridReport
from wangge.command.services_reports import freeze
from wangge.core.models import AccessLog

from . import fixtures_reports
from .fixtures_reports import CUT, DAY, local, request_for

clock = fixtures_reports.clock
support_only = fixtures_reports.support_only

pytestmark = pytest.mark.django_db
D = DAY.isoformat()


def api_for(user) -> ApiClient:
    _, key = ApiToken.issue(user, "t")
    return ApiClient(key)


@pytest.fixture
def frozen(world, clock, support_only):
    clock(local(10))
    request_for(world.h101, due_in=24 * 60)
    clock(CUT)
    return freeze(DAY)[0]


def test_list_and_one_day(world, frozen):
    api = api_for(world.users.commander)
    r = api.get("/api/command/reports")
    assert r.status_code == 200
    assert [x["day"] for x in r.json()["items"]] == [D]
    r = api.get(f"/api/command/reports/{D}")
    body = r.json()
    assert r.status_code == 200 and body["area"] == "北京路街道"
    assert body["figures"]["support.new"] == 1 and body["labels"]["support.new"] == "诉求待分派"
    assert body["summary"].startswith("截至16时，北京路街道")
    assert [c["name"] for c in body["children"]] == ["兴华社区"]
    assert [u["name"] for u in body["missing"]] == ["第一网格", "第二网格"]
    r = api.get(f"/api/command/reports/{D}", {"area": world.grid2.pk})
    assert r.json()["figures"]["support.new"] == 0
    assert AccessLog.objects.filter(kind="api").count() == 2


def test_scope(world, frozen):
    leader = api_for(world.users.grid_leader)
    assert leader.get(f"/api/command/reports/{D}").json()["area"] == "第一网格"
    assert leader.get(f"/api/command/reports/{D}", {"area": world.grid2.pk}).status_code == 404
    outsider = api_for(world.users.outsider)
    assert outsider.get(f"/api/command/reports/{D}", {"area": world.street.pk}).status_code == 404
    assert outsider.get("/api/command/reports/2030-01-01").status_code == 404
    assert outsider.get("/api/command/reports/not-a-day").status_code == 404


def test_grid_report_201_then_200(world, clock):
    api = api_for(world.users.grid_leader)
    r = api.post("/api/command/grid-reports", {"area_id": world.grid1.pk, "note": "完成"})
    assert r.status_code == 201 and r.json()["area"] == "第一网格"
    r = api.post("/api/command/grid-reports", {"area_id": world.grid1.pk, "note": "补充"})
    assert r.status_code == 200 and r.json()["note"] == "补充"
    assert GridReport.objects.count() == 1
    assert api.post("/api/command/grid-reports", {"area_id": world.grid2.pk}).status_code == 404
    volunteer = api_for(world.users.volunteer)
    assert (
        volunteer.post("/api/command/grid-reports", {"area_id": world.grid1.pk}).status_code == 403
    )
    commander = api_for(world.users.commander)
    r = commander.post("/api/command/grid-reports", {"area_id": world.community.pk})
    assert r.status_code == 422 and "只能为网格" in r.json()["detail"]["area_id"][0]
    r = api.post("/api/command/grid-reports", {"area_id": world.grid1.pk, "x": 1})
    assert r.status_code == 422


def test_cli_freeze_due(world, clock, support_only):
    out = io.StringIO()
    clock(local(15))
    call_command("command", "freeze-due", stdout=out)
    assert DailyReport.objects.filter(day=DAY).count() == 0  # today not yet
    clock(local(16, 5))
    out = io.StringIO()
    call_command("command", "freeze-due", stdout=out)
    assert f"frozen day={D}" in out.getvalue()
    out = io.StringIO()
    call_command("command", "freeze-due", stdout=out)
    assert out.getvalue() == ""
    assert DailyReport.objects.get(day=DAY).as_of == CUT


def test_cli_report_xlsx_and_pdf(world, frozen, tmp_path):
    from pypdf import PdfReader

    xlsx = tmp_path / "r.xlsx"
    out = io.StringIO()
    call_command(
        "command", "report", "--day", D, "--area", world.community.code, "--format", "xlsx",
        "--output", str(xlsx), stdout=out,
    )  # fmt: skip
    assert "area=兴华社区" in out.getvalue()
    book = CalamineWorkbook.from_path(str(xlsx))
    assert book.get_sheet_by_index(0).to_python()[0][0] == f"兴华社区 {D} 每日报告"
    pdf = tmp_path / "r.pdf"
    call_command(
        "command", "report", "--day", D, "--format", "pdf", "--output", str(pdf),
        stdout=io.StringIO(),
    )  # fmt: skip
    text = "".join(p.extract_text() for p in PdfReader(str(pdf)).pages)
    assert "吉林市" in text and "诉求待分派" in text
    assert AccessLog.objects.filter(actor=None).count() == 2
    with pytest.raises(CommandError, match="no frozen report"):
        call_command("command", "report", "--day", "2030-01-01", "--format", "pdf",
                     "--output", str(pdf))  # fmt: skip
    with pytest.raises(CommandError, match="unknown area"):
        call_command("command", "report", "--day", D, "--area", "nowhere", "--format", "pdf",
                     "--output", str(pdf))  # fmt: skip
