"""The "不漏一户" ledger pages: counts per grid, building and unit with the leaders, scoped to the
user; the households behind each count (masked), their .xlsx/.csv export and print list (logged);
the building map coloured by the campaign; query counts that do not grow with households."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import NoReverseMatch, reverse
from python_calamine import CalamineWorkbook

from wangge.canvass.models import Campaign
from wangge.canvass.services import record_visit
from wangge.core.models import AccessLog
from wangge.places.models import Household, Unit

from .conftest import make_campaign

pytestmark = pytest.mark.django_db


def answers(world, **person):
    block = {"person": world.zhang.pk, "name": "张伟", "left_city": "no", "contact": "none"}
    block.update(person)
    return {"people_count": 2, "persons": [block]}


@pytest.fixture
def visited(world):
    """h101 reached, h102 nobody home, h201 refused (grid1); h2_101 (grid2) not attempted."""
    campaign = make_campaign(world)
    boss = world.users.commander
    record_visit(
        campaign, world.h101, actor=boss, method="visit", outcome="answered", answers=answers(world)
    )
    record_visit(campaign, world.h102, actor=boss, method="phone", outcome="absent")
    record_visit(campaign, world.h201, actor=boss, method="visit", outcome="refused")
    return campaign


def url(name: str, campaign: Campaign) -> str:
    return reverse(f"canvass:{name}", args=[campaign.pk])


def counts(line) -> tuple:
    c = line.counts
    return (c.targeted, c.reached, c.revisit, c.refused, c.not_attempted, c.not_reached)


def test_ledger_for_the_commander(world, visited, client_for):
    r = client_for(world.users.commander).get(url("coverage", visited))
    assert r.status_code == 200
    board = r.context["board"]
    grids = {g.label: g for g in board.grids}
    assert counts(grids["第一网格"]) == (3, 1, 1, 1, 0, 2)
    assert counts(grids["第二网格"]) == (1, 0, 0, 0, 1, 1)
    assert (board.total.targeted, board.total.not_reached, board.total.percent) == (4, 3, 25.0)
    html = r.content.decode()
    assert "赵网格" in html and "13700000001" in html and "兴华社区" in html
    # Each count links to its households.
    list_url = url("coverage_list", visited)
    assert f'{list_url}?state=revisit&amp;area={world.grid1.path}"' in html
    assert f'{list_url}?state=not_attempted&amp;area={world.grid2.path}"' in html
    # Buildings only once expanded; then with the building leader and the map link.
    assert "钱楼长" not in html
    html = client_for(world.users.commander).get(url("coverage", visited), {"expand": 1})
    html = html.content.decode()
    assert "钱楼长" in html
    assert reverse("places:building_map", args=[world.b1.pk]) + "?status=canvass" in html


def test_ledger_drills_down_to_units(world, visited, client_for):
    c = client_for(world.users.commander)
    r = c.get(url("coverage", visited), {"area": world.b1.scope_path})
    assert r.status_code == 200
    (grid,) = r.context["board"].grids
    (building,) = grid.children
    assert [(u.label, u.counts.targeted) for u in building.children] == [("1单元", 2), ("2单元", 1)]
    assert f'data-unit="{world.u12.pk}"' in r.content.decode()
    assert c.get(url("coverage", visited), {"area": world.grid2.pk}).status_code == 200
    assert c.get(url("coverage", visited), {"area": world.u11.scope_path}).status_code == 200
    for bad in ("x", "/1/b/", world.other_grid.pk, world.other_building.scope_path):
        assert c.get(url("coverage", visited), {"area": bad}).status_code == 404, bad


def test_grid_leader_sees_their_grid_only(world, visited, client_for):
    c = client_for(world.users.grid_leader)
    r = c.get(url("coverage", visited))
    assert r.status_code == 200
    assert [g.label for g in r.context["board"].grids] == ["第一网格"]
    assert r.context["board"].total.targeted == 3
    html = r.content.decode()
    assert "第二网格" not in html and "钱楼长" in html  # one grid: its buildings are shown
    assert c.get(url("coverage", visited), {"area": world.grid2.path}).status_code == 404
    body = c.get(url("coverage_list", visited), {"state": "targeted"}).content.decode()
    assert "刘*" not in body and f'data-household="{world.h2_101.pk}"' not in body


def test_outsiders_get_404(world, visited, client_for):
    for user in (world.users.outsider, world.users.nobody):
        c = client_for(user)
        for name in ("coverage", "coverage_list", "coverage_export", "coverage_print"):
            assert c.get(url(name, visited)).status_code == 404, (user, name)


def test_ledger_query_count_does_not_grow(
    world, visited, client_for, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(world.users.commander)
    page = url("coverage", visited)
    c.get(page, {"expand": 1})
    with CaptureQueriesContext(connection) as before:
        c.get(page, {"expand": 1})
    assert len(before) <= 12
    unit = Unit.objects.create(building=world.b2, number="2")
    for i in range(12):
        hh = Household.objects.create(
            building=world.b2, unit=unit, floor=1 + i // 4, room=f"{i:03d}", householder_name="某"
        )
        if i % 3 == 0:
            record_visit(visited, hh, actor=world.users.commander, method="visit", outcome="absent")
    with django_assert_max_num_queries(len(before)):
        r = c.get(page, {"expand": 1})
    assert r.context["board"].total.targeted == 16


def test_households_behind_a_count(world, visited, client_for):
    c = client_for(world.users.commander)
    r = c.get(url("coverage_list", visited), {"state": "revisit"})
    assert r.status_code == 200
    assert [row.household_id for row in r.context["rows"]] == [world.h102.pk]
    body = r.content.decode()
    assert "王*" in body and "139****0102" in body
    assert "王芳" not in body and "13900000102" not in body
    r = c.get(url("coverage_list", visited), {"state": "not_reached", "area": world.grid1.path})
    assert [row.room for row in r.context["rows"]] == ["102", "201"]
    assert [row.state for row in r.context["rows"]] == ["revisit", "refused"]
    tabs = {k: n for k, _label, n in r.context["tabs"]}
    assert tabs["targeted"] == 3 and tabs["reached"] == 1 and tabs["not_reached"] == 2
    r = c.get(url("coverage_list", visited), {"state": "reached"})
    (row,) = r.context["rows"]
    assert (row.room, row.visits, row.leader_name) == ("101", 1, "赵网格")
    try:
        visit_url = reverse("canvass:visit_create", args=[visited.pk, world.h101.pk])
    except NoReverseMatch:
        visit_url = None
    if visit_url:
        assert visit_url in r.content.decode()
    # An unknown state is said so, and the not-reached list is shown instead.
    r = c.get(url("coverage_list", visited), {"state": "nope"})
    assert r.context["key"] == "not_reached" and len(r.context["rows"]) == 3
    assert "没有这种排查状态" in r.content.decode()


def xlsx_rows(response) -> list[list]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    return book.get_sheet_by_index(0).to_python()


def test_export_not_reached_masked_and_logged(world, visited, client_for):
    c = client_for(world.users.commander)
    r = c.get(url("coverage_export", visited), {"format": "xlsx"})
    assert r.status_code == 200
    rows = xlsx_rows(r)
    assert "未排查到" in rows[0][0]
    assert rows[1] == [
        "网格",
        "楼栋",
        "单元",
        "户号",
        "户主",
        "联系电话",
        "状态",
        "走访次数",
        "网格长",
        "网格长电话",
    ]
    assert [row[:7] for row in rows[2:]] == [
        ["第一网格", "阳光小区 1号楼", "1", "102", "王*", "139****0102", "需再访"],
        ["第一网格", "阳光小区 1号楼", "2", "201", "李*", "139****0201", "拒绝配合"],
        ["第二网格", "阳光小区 2号楼", "1", "101", "刘*", "139****2101", "未走访"],
    ]
    assert rows[2][8:] == ["赵网格", "13700000001"]
    text = str(rows)
    assert "王芳" not in text and "13900000102" not in text
    log = AccessLog.objects.get(kind="export", actor=world.users.commander)
    assert log.rows == 3 and log.scope_path == world.community.path
    # CSV, one state, one grid, by the grid leader.
    r = client_for(world.users.grid_leader).get(
        url("coverage_export", visited),
        {"format": "csv", "state": "refused", "area": world.grid1.pk},
    )
    lines = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert lines[0][0] == "网格" and len(lines) == 2
    assert lines[1][3:7] == ["201", "李*", "139****0201", "拒绝配合"]
    assert AccessLog.objects.get(actor=world.users.grid_leader).rows == 1


def test_export_refusals(world, visited, client_for):
    # A building leader may view but not export.
    r = client_for(world.users.building_leader).get(url("coverage_export", visited))
    assert r.status_code == 403
    c = client_for(world.users.commander)
    r = c.get(url("coverage_export", visited), {"format": "pdf"}, follow=True)
    assert "导出条件不正确" in r.content.decode()
    r = c.get(url("coverage_export", visited), {"state": "nope"})
    assert r.status_code == 302
    assert not AccessLog.objects.filter(kind="export").exists()


def test_print_list_per_grid_with_the_leader(world, visited, client_for):
    r = client_for(world.users.commander).get(url("coverage_print", visited))
    assert r.status_code == 200
    grids = r.context["grids"]
    assert [(g[0], g[1], g[2], len(g[3])) for g in grids] == [
        ("第一网格", "赵网格", "13700000001", 2),
        ("第二网格", "", "", 1),
    ]
    body = r.content.decode()
    assert "王*" in body and "王芳" not in body and "13900000102" not in body
    log = AccessLog.objects.get(kind="print")
    assert log.rows == 3 and log.object_id == str(visited.pk)


def test_building_map_shows_the_campaign_state(world, client_for):
    campaign = make_campaign(world)
    c = client_for(world.users.grid_leader)
    map_url = reverse("places:building_map", args=[world.b1.pk])
    before = c.get(map_url, {"status": "canvass"}).content.decode()
    assert f'data-household="{world.h101.pk}" data-status="not_attempted"' in before
    record_visit(
        campaign,
        world.h101,
        actor=world.users.grid_leader,
        method="visit",
        outcome="answered",
        answers=answers(world),
    )
    record_visit(
        campaign, world.h102, actor=world.users.grid_leader, method="visit", outcome="absent"
    )
    html = c.get(map_url, {"status": "canvass"}).content.decode()
    assert f'data-household="{world.h101.pk}" data-status="reached"' in html
    assert f'data-household="{world.h102.pk}" data-status="revisit"' in html
    assert "张伟 · 已排查" in html and "王芳 · 需再访" in html
