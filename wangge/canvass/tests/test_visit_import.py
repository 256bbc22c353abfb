"""Importing visits typed on paper: a real .xlsx and .csv, good rows recorded through the visit
service, bad rows reported with their row and reason, the same file again recording nothing
twice; the upload page, the job page, the error report and the sample sheet."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from wangge.canvass.imports import (
    import_visits,
    parse_method,
    parse_outcome,
    parse_when,
    template_columns,
)
from wangge.canvass.models import HouseholdStatus, Visit
from wangge.core.exports import write_xlsx
from wangge.core.imports import read_grid
from wangge.core.models_imports import ImportJob
from wangge.people.tests.sheets import write_csv
from wangge.places.models import Building, Estate, Household, Unit

from .conftest import make_campaign

pytestmark = pytest.mark.django_db
HEADER = ["楼号", "单元", "户号", "方式", "结果", "走访时间", "排查人", "备注", "现居人数"]


@pytest.fixture
def census(world):
    """A household-verification campaign (people count, tenant: household-level questions) over
    the community, by visit or phone."""
    return make_campaign(world, key="household", methods=["visit", "phone"])


def sheet(tmp_path, rows, name="走访记录.xlsx"):
    path = tmp_path / name
    write_xlsx(path, columns=HEADER + ["是否有租户"], rows=rows, title="兴华社区 纸质走访记录")
    return path


def today(hour: int | None = None):
    day = timezone.localdate()
    if hour is None:
        return day.isoformat()
    return f"{day:%Y/%m/%d} {hour}:30"


def good_and_bad_rows():
    late = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    return [
        ["1", "1", "101", "入户", "已排查", today(9), "赵网格", "见到户主", 2, "否"],  # row 3
        ["1号楼", "一单元", "102室", "电话", "无人接听", today(), "赵网格", "", "", ""],  # 4
        ["1", "2", "201", "", "拒绝", "", "", "", "", ""],  # 5: no method given
        ["9", "1", "101", "入户", "已排查", today(), "", "", 1, "否"],  # 6: unknown household
        ["2", "1", "101", "微信", "空置", today(), "", "", "", ""],  # 7: method not allowed
        ["2", "1", "101", "入户", "不清楚", today(), "", "", "", ""],  # 8: bad outcome
        ["2", "1", "101", "入户", "搬离", late, "", "", "", ""],  # 9: after the campaign
        ["2", "1", "101", "入户", "已排查", today(), "", "", "很多", "否"],  # 10: answer error
        ["2", "1", "101", "入户", "已排查", today(), "", "", 3, ""],  # 11: required answer
    ]


def test_words_and_times():
    assert parse_method("上门") == parse_method("入户") == "visit"
    assert parse_method("微信") == "wechat"
    assert parse_outcome("无人在家（需再访）") == parse_outcome("不在家") == "absent"
    assert parse_outcome("已搬走") == "moved" and parse_outcome("空房") == "vacant"
    with pytest.raises(ValueError, match="应为入户、电话或微信"):
        parse_method("短信")
    at = timezone.localtime(parse_when("2022年3月26日 9时05分"))
    assert (at.day, at.hour, at.minute) == (26, 9, 5)
    assert timezone.localtime(parse_when("2022-03-26")).hour == 12  # a day alone: noon
    with pytest.raises(ValueError):
        parse_when("昨天")


def test_good_rows_recorded_bad_rows_reported(world, census, tmp_path):
    path = sheet(tmp_path, good_and_bad_rows())
    report = import_visits(path, campaign=census, actor=world.users.commander)
    assert (report.read, report.imported, report.updated, report.rejected) == (9, 2, 0, 7)
    reasons = {e.row: (e.column, e.reason) for e in report.errors}
    assert reasons[5][0] == "方式" and "请填写排查方式" in reasons[5][1]
    assert reasons[6][0] == "户号" and "没有该住户" in reasons[6][1]
    assert "不允许此方式" in reasons[7][1]
    assert reasons[8][0] == "结果" and "无法识别的走访结果" in reasons[8][1]
    assert reasons[9][0] == "走访时间" and "不在排查期内" in reasons[9][1]
    assert reasons[10][0] == "现居人数" and "应为整数" in reasons[10][1]
    assert reasons[11][0] == "是否有租户" and "必须回答" in reasons[11][1]
    first = Visit.objects.get(household=world.h101)
    assert (first.source, first.method, first.outcome) == ("import", "visit", "answered")
    assert first.answers == {"people_count": 2, "has_tenant": "no"}
    assert (first.worker_name, first.note) == ("赵网格", "见到户主")
    assert timezone.localtime(first.visited_at).hour == 9
    assert HouseholdStatus.objects.get(household=world.h102).outcome == "absent"
    # The same file again: nothing recorded twice, the same rows refused.
    again = import_visits(path, campaign=census, actor=world.users.commander)
    assert (again.read, again.imported, again.updated, again.unchanged) == (9, 0, 2, 2)
    assert again.rejected == 7
    assert Visit.objects.count() == 2
    assert HouseholdStatus.objects.get(household=world.h101).visits == 1


def test_a_csv_with_one_method_allowed_and_ditto_cells(world, tmp_path):
    campaign = make_campaign(world, key="household", methods=["phone"])
    rows = [
        ["楼栋", "单元", "房号", "排查结果", "排查日期"],
        ["1", "1", "101", "无人", today()],
        ["", "", "102", "拒绝配合", today()],  # building and unit as above
        ["", "2", "201", "已迁出", today()],
    ]
    path = write_csv(tmp_path / "电话排查.csv", rows)
    report = import_visits(path, campaign=campaign, actor=world.users.commander)
    assert (report.read, report.imported, report.rejected) == (3, 3, 0), report.errors
    assert set(Visit.objects.values_list("method", flat=True)) == {"phone"}
    assert Visit.objects.get(household=world.h201).outcome == "moved"


def test_rows_outside_the_importers_scope_are_unknown(world, census, tmp_path):
    path = sheet(tmp_path, [["2", "1", "101", "入户", "无人", today(), "", "", "", ""]])
    report = import_visits(path, campaign=census, actor=world.users.grid_leader)
    assert report.rejected == 1 and "没有该住户" in report.errors[0].reason
    assert not Visit.objects.exists()


def test_upload_page_job_report_and_sample_sheet(world, census, tmp_path, client_for):
    c = client_for(world.users.commander)
    page = reverse("canvass:visits_import", args=[census.pk])
    assert c.get(page).status_code == 200
    with sheet(tmp_path, good_and_bad_rows()).open("rb") as fh:
        r = c.post(page, {"file": fh})
    job = ImportJob.objects.get(kind="canvass_visits")
    assert r.status_code == 302 and r["Location"] == reverse("canvass:visits_job", args=[job.pk])
    html = c.get(r["Location"]).content.decode()
    assert 'data-count="imported">2<' in html and 'data-count="rejected">7<' in html
    assert "没有该住户" in html
    errors = c.get(reverse("canvass:visits_job_errors", args=[job.pk, "csv"]))
    assert "不在排查期内" in errors.content.decode("utf-8-sig")
    xlsx = c.get(reverse("canvass:visits_job_errors", args=[job.pk, "xlsx"]))
    assert xlsx["Content-Type"].startswith("application/vnd")
    template = c.get(reverse("canvass:visits_template", args=[census.pk]))
    grid = read_grid(b"".join(template.streaming_content), "样表.xlsx")
    header = [str(v) for v in grid[1] if v]
    assert header[:3] == ["楼号", "单元", "户号"] and "现居人数" in header
    assert [c.label for c in template_columns(census)] == header
    # A grid leader may record visits but not import them; an outsider sees nothing.
    for user in (world.users.grid_leader, world.users.outsider):
        other = client_for(user)
        assert other.get(page).status_code == 404
        assert other.get(reverse("canvass:visits_job", args=[job.pk])).status_code == 404
    # A file that is not a visit sheet.
    bad = tmp_path / "x.csv"
    bad.write_text("姓名,电话\n张三,1\n", encoding="utf-8")
    with bad.open("rb") as fh:
        html = c.post(page, {"file": fh}).content.decode()
    assert "找不到表头行" in html


def test_an_estate_column_tells_apart_buildings_of_the_same_number(world, census, tmp_path):
    other = Estate.objects.create(name="明珠花园", area=world.community)
    building = Building.objects.create(area=world.grid1, estate=other, number="1")
    unit = Unit.objects.create(building=building, number="1")
    twin = Household.objects.create(building=building, unit=unit, floor=1, room="101")
    rows = [
        ["楼号", "单元", "户号", "结果", "方式", "小区"],
        ["1", "1", "101", "无人", "电话", ""],
        ["1", "1", "101", "无人", "电话", "明珠花园"],
    ]
    report = import_visits(
        write_csv(tmp_path / "同号.csv", rows), campaign=census, actor=world.users.commander
    )
    assert (report.imported, report.rejected) == (1, 1)
    assert report.errors[0].row == 2 and "多户同号" in report.errors[0].reason
    assert Visit.objects.get().household == twin
