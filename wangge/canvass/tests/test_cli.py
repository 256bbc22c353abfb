"""`wangge canvass coverage` (the households not reached, masked, as csv or xlsx) and
`wangge canvass close-due` (the daily closes that are due)."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from python_calamine import CalamineWorkbook

from wangge.canvass.models import DailyClose
from wangge.canvass.services import record_visit
from wangge.core.models import AccessLog

from .conftest import make_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def visited(world, campaign):
    actor = world.users.commander
    answers = {
        "people_count": 2,
        "persons": [{"name": "张伟", "left_city": "no", "contact": "none"}],
    }
    record_visit(
        campaign, world.h101, actor=actor, method="visit", outcome="answered", answers=answers
    )
    record_visit(campaign, world.h102, actor=actor, method="phone", outcome="absent")
    record_visit(campaign, world.h201, actor=actor, method="visit", outcome="refused")
    return campaign


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("canvass", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_csv_lists_only_households_not_reached_masked(world, visited):
    out, err = run("coverage", "--campaign", str(visited.pk))
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:6] == ["网格", "楼栋", "单元", "户号", "户主", "联系电话"]
    assert rows[0][-2:] == ["网格长", "网格长电话"]
    assert rows[1:] == [
        ["第一网格", "阳光小区 1号楼", "1", "102", "王*", "139****0102", "需再访", "1"]
        + ["赵网格", "13700000001"],
        ["第一网格", "阳光小区 1号楼", "2", "201", "李*", "139****0201", "拒绝配合", "1"]
        + ["赵网格", "13700000001"],
        ["第二网格", "阳光小区 2号楼", "1", "101", "刘*", "139****2101", "未走访", "0", "", ""],
    ]
    assert "张伟" not in out and "王芳" not in out and "13900000102" not in out
    assert "exported=3" in err
    log = AccessLog.objects.get(kind="export")
    assert log.rows == 3 and log.actor is None and log.object_id == str(visited.pk)


@pytest.mark.parametrize("area", ["220204001001001", "#{grid1}", "{grid1}", "{path}"])
def test_area_restricts_to_a_grid(world, visited, area):
    ref = area.format(grid1=world.grid1.pk, path=world.grid1.path)
    out, _err = run("coverage", "--campaign", str(visited.pk), "--area", ref)
    rooms = [row[3] for row in csv.reader(io.StringIO(out))][1:]
    assert rooms == ["102", "201"]


def test_building_path_and_names_path(world, visited):
    out, _err = run("coverage", "--campaign", str(visited.pk), "--area", world.b2.scope_path)
    assert [row[3] for row in csv.reader(io.StringIO(out))][1:] == ["101"]
    names = "吉林市/船营区/北京路街道/兴华社区/第二网格"
    out, _err = run("coverage", "--campaign", str(visited.pk), "--area", names)
    assert [row[0] for row in csv.reader(io.StringIO(out))][1:] == ["第二网格"]


def test_xlsx_is_written_and_readable(world, visited, tmp_path):
    target = tmp_path / "未排查.xlsx"
    out, _err = run(
        "coverage", "--campaign", str(visited.pk), "--format", "xlsx", "--output", str(target)
    )
    assert "exported=3" in out
    values = CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()
    assert "入延人员排查" in values[0][0]
    assert values[1][:5] == ["网格", "楼栋", "单元", "户号", "户主"]
    assert [v[3] for v in values[2:]] == ["102", "201", "101"]
    assert values[2][4:6] == ["王*", "139****0102"]


def test_csv_to_a_file(world, visited, tmp_path):
    target = tmp_path / "list.csv"
    run("coverage", "--campaign", str(visited.pk), "--output", str(target))
    text = target.read_text(encoding="utf-8-sig")
    assert text.splitlines()[1].startswith("第一网格,阳光小区 1号楼,1,102,王*")


def test_unknown_campaign_or_area_and_xlsx_to_a_text_stream(world, visited):
    with pytest.raises(CommandError, match="unknown campaign: 987654"):
        run("coverage", "--campaign", "987654")
    with pytest.raises(CommandError, match="unknown area: 无此网格"):
        run("coverage", "--campaign", str(visited.pk), "--area", "无此网格")
    with pytest.raises(CommandError, match="unknown area"):
        run("coverage", "--campaign", str(visited.pk), "--area", "/987654/")
    with pytest.raises(CommandError, match="--output"):
        run("coverage", "--campaign", str(visited.pk), "--format", "xlsx")
    assert not AccessLog.objects.filter(kind="export").exists()


def test_close_due_once_then_nothing(world):
    today = timezone.localdate()
    campaign = make_campaign(world, starts_on=today - dt.timedelta(days=1))
    out, _err = run("close-due")
    lines = out.splitlines()
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    assert any(f"campaign={campaign.pk} day={yesterday}" in line for line in lines)
    assert all("targeted=4" in line for line in lines)
    made = DailyClose.objects.count()
    assert made == len(lines) >= 1
    out, _err = run("close-due")
    assert out == "" and DailyClose.objects.count() == made
