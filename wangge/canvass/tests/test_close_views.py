"""日查日清 pages: due closes made when the list is opened, one row a day with the change from
the day before, a close's frozen figures and households limited to the user's grids, "close
today now" once only and for commanders only, and the .xlsx export (masked, logged)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from wangge.canvass.closes import close_day, close_due, due, visible_grids
from wangge.canvass.models import DailyClose
from wangge.canvass.services import record_visit
from wangge.core.models import AccessLog

from .conftest import make_campaign

pytestmark = pytest.mark.django_db


def answered(world):
    block = {"person": world.zhang.pk, "name": "张伟", "left_city": "no", "contact": "none"}
    return {"people_count": 2, "persons": [block]}


def visit_h101(world, campaign):
    record_visit(
        campaign,
        world.h101,
        actor=world.users.commander,
        method="visit",
        outcome="answered",
        answers=answered(world),
    )


def test_the_list_makes_the_closes_that_are_due(world, client_for):
    campaign = make_campaign(world, close_time=dt.time(0, 0))
    visit_h101(world, campaign)
    assert not DailyClose.objects.exists()
    r = client_for(world.users.commander).get(reverse("canvass:close_list", args=[campaign.pk]))
    assert r.status_code == 200
    today = timezone.localdate()
    days = sorted(DailyClose.objects.values_list("day", flat=True))
    assert days == [today - dt.timedelta(days=1), today]  # yesterday left unclosed, and today
    lines = r.context["lines"]
    assert [line.day for line in lines] == [today, today - dt.timedelta(days=1)]
    assert lines[0].total["reached"] == 1 and lines[0].total["not_reached"] == 3
    assert lines[0].closed_by == ""  # made by the system
    # Opening it again makes nothing new.
    client_for(world.users.commander).get(reverse("canvass:close_list", args=[campaign.pk]))
    assert DailyClose.objects.count() == 2


def test_close_due_is_limited_to_one_campaign(world):
    one = make_campaign(world, close_time=dt.time(0, 0))
    other = make_campaign(world, name="另一次排查", close_time=dt.time(0, 0))
    made = close_due(campaign=one)
    assert {c.campaign_id for c in made} == {one.pk}
    assert [c for c, _day in due(campaign=other)] == [other, other]


def test_days_are_compared_with_the_day_before(world, client_for):
    campaign = make_campaign(world)
    today = timezone.localdate()
    close_day(campaign, today - dt.timedelta(days=1))
    visit_h101(world, campaign)
    record_visit(
        campaign, world.h102, actor=world.users.commander, method="phone", outcome="absent"
    )
    close_day(campaign, today, actor=world.users.commander)
    r = client_for(world.users.commander).get(reverse("canvass:close_list", args=[campaign.pk]))
    latest, first = r.context["lines"]
    assert first.delta is None
    assert latest.delta == {"reached": 1, "not_reached": -1, "percent": 25.0}
    assert latest.total["visits_today"] == 2 and latest.total["reached_today"] == 1
    assert latest.closed_by == "commander_a"
    html = r.content.decode()
    assert "+1" in html and "+25.0" in html
    # The grid leader's rows are their grid's sums.
    r = client_for(world.users.grid_leader).get(reverse("canvass:close_list", args=[campaign.pk]))
    latest, _first = r.context["lines"]
    assert latest.total["targeted"] == 3 and latest.total["not_reached"] == 2


def test_close_detail_is_scoped_to_the_users_grids(world, client_for):
    campaign = make_campaign(world)
    visit_h101(world, campaign)
    close, _ = close_day(campaign, timezone.localdate())
    detail = reverse("canvass:close_detail", args=[close.pk])
    r = client_for(world.users.commander).get(detail)
    assert r.status_code == 200
    assert [g["name"] for g in r.context["grids"]] == ["第一网格", "第二网格"]
    assert r.context["total"]["targeted"] == 4 and r.context["total"]["not_reached"] == 3
    groups = r.context["groups"]
    assert [(area.name, leader, len(lines)) for area, leader, lines in groups] == [
        ("第一网格", ("赵网格", "13700000001"), 2),
        ("第二网格", ("", ""), 1),
    ]
    html = r.content.decode()
    assert "王*" in html and "王芳" not in html and "13900000102" not in html

    r = client_for(world.users.grid_leader).get(detail)
    assert r.status_code == 200
    assert [g["name"] for g in r.context["grids"]] == ["第一网格"]
    assert r.context["total"]["targeted"] == 3 and r.context["total"]["not_reached"] == 2
    html = r.content.decode()
    assert "第二网格" not in html and f'data-household="{world.h2_101.pk}"' not in html
    assert f'data-household="{world.h102.pk}"' in html

    for user in (world.users.outsider, world.users.nobody):
        assert client_for(user).get(detail).status_code == 404


def test_close_run_twice_makes_one_close(world, client_for):
    campaign = make_campaign(world)
    run = reverse("canvass:close_run", args=[campaign.pk])
    c = client_for(world.users.commander)
    assert c.get(run).status_code == 405
    r = c.post(run)
    close = DailyClose.objects.get()
    assert r.status_code == 302 and r.url == reverse("canvass:close_detail", args=[close.pk])
    assert close.closed_by == world.users.commander and close.day == timezone.localdate()
    r = c.post(run, follow=True)
    assert DailyClose.objects.count() == 1
    assert "今天已于" in r.content.decode()
    # A grid leader may see the closes but not close the community's campaign.
    assert client_for(world.users.grid_leader).post(run).status_code == 404
    assert client_for(world.users.outsider).post(run).status_code == 404


def test_close_run_outside_the_campaign_dates(world, client_for):
    today = timezone.localdate()
    campaign = make_campaign(
        world, starts_on=today - dt.timedelta(days=9), ends_on=today - dt.timedelta(days=3)
    )
    r = client_for(world.users.commander).post(
        reverse("canvass:close_run", args=[campaign.pk]), follow=True
    )
    assert "今天不在排查期内" in r.content.decode()
    assert not DailyClose.objects.exists()


def test_close_export(world, client_for):
    campaign = make_campaign(world)
    visit_h101(world, campaign)
    close, _ = close_day(campaign, timezone.localdate())
    export = reverse("canvass:close_export", args=[close.pk])
    r = client_for(world.users.commander).get(export)
    assert r.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(r.streaming_content)))
    assert book.sheet_names == ["各网格数字", "未排查到住户"]
    grids = book.get_sheet_by_index(0).to_python()
    assert grids[2][:6] == ["网格", "社区", "网格长", "网格长电话", "应排查", "已排查"]
    assert [row[0] for row in grids[3:]] == ["第一网格", "第二网格", "合计"]
    assert grids[3][4:6] == [3, 1] and grids[5][4:6] == [4, 1]
    households = book.get_sheet_by_index(1).to_python()
    assert households[0][:4] == ["网格", "楼栋", "单元", "户号"]
    assert [row[3:7] for row in households[1:]] == [
        ["102", "王*", "139****0102", "未走访"],
        ["201", "李*", "139****0201", "未走访"],
        ["101", "刘*", "139****2101", "未走访"],
    ]
    assert households[1][7:] == ["赵网格", "13700000001"]
    assert "王芳" not in str(households)
    log = AccessLog.objects.get(kind="export")
    assert log.rows == 3 and log.object_id == str(close.pk)
    # The grid leader exports their grid only; a building leader may not export.
    r = client_for(world.users.grid_leader).get(export)
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(r.streaming_content)))
    assert [row[0] for row in book.get_sheet_by_index(0).to_python()[3:]] == ["第一网格", "合计"]
    assert len(book.get_sheet_by_index(1).to_python()) == 3
    assert client_for(world.users.building_leader).get(export).status_code == 403
    assert client_for(world.users.outsider).get(export).status_code == 404


def test_visible_grids_sum_only_what_the_user_sees(world):
    figures = {
        "grids": [
            {
                "path": world.grid1.path,
                "targeted": 3,
                "reached": 1,
                "revisit": 2,
                "visits_today": 4,
            },
            {"path": world.grid2.path, "targeted": 5, "reached": 5, "visits_today": 1},
        ]
    }
    grids, total = visible_grids(figures, world.users.grid_leader)
    assert [g["path"] for g in grids] == [world.grid1.path]
    assert (total["targeted"], total["not_reached"], total["visits_today"]) == (3, 2, 4)
    assert total["percent"] == round(100 / 3, 1)
    _grids, total = visible_grids(figures, world.users.commander)
    assert (total["targeted"], total["reached"], total["percent"]) == (8, 6, 75.0)
    assert visible_grids(figures, world.users.outsider) == ([], visible_grids({}, None)[1])
