"""The daily report's services: freezing at the cut-off (every figure equals its Figure.count
at that moment for street, community and grid), a frozen day never changing, freeze_due, the
units not reported, the summary, grid reports and the cut-off setting."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wangge.command import figures as figs
from wangge.command.missing import missing
from wangge.command.models import DailyReport, GridReport, ReportArea, ReportSettings
from wangge.command.services_reports import (
    cut_off_at,
    freeze,
    freeze_due,
    freeze_now,
    report_grid,
    save_settings,
)
from wangge.command.summary import summary
from wangge.control.models_sites import SiteReport
from wangge.core.models import ChangeLog
from wangge.places.models import Area

from . import fixtures_reports
from .fixtures_reports import CUT, DAY, district_commander, local, make_site, request_for

clock = fixtures_reports.clock
support_only = fixtures_reports.support_only

pytestmark = pytest.mark.django_db


def _rows(report) -> dict[int, ReportArea]:
    return {r.area_id: r for r in report.areas.all()}


def test_cut_off_follows_the_setting():
    assert cut_off_at(DAY) == CUT
    ReportSettings.objects.update_or_create(pk=1, defaults={"cut_off": dt.time(15, 30)})
    assert cut_off_at(DAY) == local(15, 30)


def test_every_registered_figure_equals_its_count_at_the_cut_off(world, clock):
    """The real registry, with rows of several operations: each frozen figure equals
    Figure.count(at, path) for the street, the community and each grid."""
    from .fixtures_figures import make_control, make_support, make_testing

    clock(local(9))
    for make in (make_testing, make_support, make_control):
        make(world)
    clock(CUT)
    report, created = freeze(DAY)
    assert created and report.as_of == CUT and report.cut_off_at == CUT
    rows = _rows(report)
    assert set(rows) == set(Area.objects.values_list("pk", flat=True))
    registry = figs.registry()
    assert registry
    for area in (world.street, world.community, world.grid1, world.grid2, world.other_street):
        row = rows[area.pk]
        assert row.scope_path == area.path and row.level == area.level
        assert set(row.figures) == {f.key for f in registry}
        for f in registry:
            assert row.figures[f.key] == f.count(CUT, area.path), (area.name, f.key)
    assert any(rows[world.street.pk].figures.values())


def test_frozen_day_never_changes(world, clock, support_only):
    clock(local(10))
    request_for(world.h101)
    clock(CUT)
    report, _ = freeze(DAY)
    before = {r.area_id: (r.figures, r.missing) for r in report.areas.all()}
    assert before[world.street.pk][0]["support.new"] == 1
    clock(local(17))
    request_for(world.h102)
    request_for(world.h201, due_in=-30)
    report_grid(world.grid1, actor=world.users.grid_leader, day=DAY)
    again, created = freeze(DAY, at=local(17))
    assert not created and again.pk == report.pk
    assert freeze_due() == []
    after = {
        r.area_id: (r.figures, r.missing) for r in DailyReport.objects.get(day=DAY).areas.all()
    }
    assert after == before
    assert DailyReport.objects.filter(day=DAY).count() == 1


def test_freeze_before_the_cut_off_takes_now(world, clock, support_only):
    clock(local(11))
    report, _ = freeze(DAY)
    assert report.as_of == local(11) and report.cut_off_at == CUT


def test_freeze_due_waits_for_the_cut_off_and_never_backdates(world, clock, support_only):
    clock(local(15, 59))
    # Before the cut-off nothing is due; yesterday, never frozen, is not made from today's data.
    assert freeze_due() == []
    clock(local(16, 3))
    made = freeze_due()
    assert [r.day for r in made] == [DAY] and made[0].as_of == CUT
    assert freeze_due() == []
    assert list(DailyReport.objects.values_list("day", flat=True)) == [DAY]


def test_freeze_now_needs_a_street_commander(world, clock, support_only):
    with pytest.raises(PermissionDenied):
        freeze_now(actor=world.users.grid_leader)
    report, created = freeze_now(actor=world.users.commander)
    assert created and report.made_by == world.users.commander and report.as_of == local(14)
    with pytest.raises(ValidationError, match="已生成"):
        freeze_now(actor=world.users.commander)


def test_missing_units_with_their_leaders(world, clock, support_only):
    site = make_site(world.community)
    clock(local(9))
    report_grid(world.grid1, actor=world.users.grid_leader, note="已完成")
    units = missing(DAY, CUT, world.street.path)
    assert [(u["kind"], u["name"]) for u in units] == [("grid", "第二网格"), ("site", site.name)]
    assert units[1]["leader"] == "郑信息" and units[1]["phone"] == "13655550001"
    # a grid's leader comes with it; grid 1 reported, its leader is 赵网格
    assert missing(DAY, local(8), world.grid1.path)[0]["leader"] == "赵网格"
    SiteReport.objects.create(site=site, day=DAY, generated_at=local(6))
    clock(CUT)
    report, _ = freeze(DAY)
    rows = _rows(report)
    assert [u["name"] for u in rows[world.street.pk].missing] == ["第二网格"]
    assert rows[world.grid1.pk].missing == []
    assert [u["name"] for u in rows[world.grid2.pk].missing] == ["第二网格"]
    assert [u["name"] for u in rows[world.other_street.pk].missing] == ["远方网格"]


def test_a_report_after_the_cut_off_still_counts_as_missing(world, clock, support_only):
    clock(local(16, 30))
    report_grid(world.grid1, actor=world.users.grid_leader)
    names = [u["name"] for u in missing(DAY, CUT, world.street.path)]
    assert names == ["第一网格", "第二网格"]


def test_summary_has_sentences_only_for_sections_with_data(support_only):
    text = summary(
        {"support.new": 3, "support.overdue": 1, "support.in_progress": 0, "support.done": 5},
        area_name="北京路街道",
        day=DAY,
        at=CUT,
        missing=[{"kind": "grid"}, {"kind": "grid"}, {"kind": "site"}],
    )
    assert text.startswith(
        "截至16时，北京路街道：居民诉求今日办结5件，办理中0件，待分派3件，超时未办1件。"
    )
    assert "核酸检测" not in text
    assert text.endswith("截止时尚有2个网格、1个隔离点未报送。")
    # A report frozen before some of a section's figures existed: its labels and numbers.
    older = summary({"support.new": 3}, area_name="北京路街道", day=DAY, at=CUT)
    assert older == "截至16时，北京路街道：保供服务：诉求待分派 3。"
    empty = summary({"support.new": 0}, area_name="第一网格", day=DAY, at=local(16, 30), missing=[])
    assert empty == "截至16时30分，第一网格各项工作暂无数据。各单位均已按时报送。"
    undated = summary({"support.new": 0}, area_name="第一网格", day=DAY)
    assert undated.startswith(f"{DAY.month}月{DAY.day}日，第一网格")


def test_grid_report_once_a_day(world, clock):
    leader = world.users.grid_leader
    first, created = report_grid(world.grid1, actor=leader, note="  核酸已完成 ")
    assert created and first.note == "核酸已完成" and first.reported_at == local(14)
    clock(local(15))
    again, created = report_grid(world.grid1, actor=leader, note="补充：2 户外出")
    assert not created and again.pk == first.pk
    again.refresh_from_db()
    assert again.note == "补充：2 户外出" and again.reported_at == local(14)
    assert GridReport.objects.count() == 1
    assert ChangeLog.objects.filter(model="command.gridreport").count() == 2


def test_grid_report_refusals(world, clock):
    leader = world.users.grid_leader
    with pytest.raises(PermissionDenied):
        report_grid(world.grid2, actor=leader)
    with pytest.raises(PermissionDenied):
        report_grid(world.grid1, actor=world.users.volunteer)
    with pytest.raises(ValidationError, match="只能为网格"):
        report_grid(world.community, actor=world.users.commander)
    with pytest.raises(ValidationError, match="未来"):
        report_grid(world.grid1, actor=leader, day=DAY + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="1000"):
        report_grid(world.grid1, actor=leader, note="字" * 1001)


def test_settings_validation(world):
    with pytest.raises(PermissionDenied):
        save_settings(dt.time(15), actor=world.users.grid_leader)
    with pytest.raises(PermissionDenied):
        save_settings(dt.time(15), actor=world.users.commander)  # one street's commander
    commander = district_commander(world)
    with pytest.raises(ValidationError, match="06:00～22:00"):
        save_settings(dt.time(23, 30), actor=commander)
    saved = save_settings(dt.time(15, 30, 12), actor=commander)
    assert saved.cut_off == dt.time(15, 30)
    assert ReportSettings.get().cut_off == dt.time(15, 30)
