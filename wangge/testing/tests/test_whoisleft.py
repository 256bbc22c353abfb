"""Who is left: counts per grid and building, leaders on every line, the names behind each
count (masked), the xlsx export and the print list, the building map colours, the comparison
with the previous round, progress charts, notices on the home page, and query-count pins."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from wangge.core.models import AccessLog
from wangge.places.mapstatus import get_provider
from wangge.testing.models import DoorVisit, Round, SamplingPoint
from wangge.testing.services_results import record_result
from wangge.testing.whoisleft import board
from wangge.testing.whoisleft_rows import compare, dropped_persons

from .results_data import make_tube, scene  # noqa: F401


@pytest.fixture
def results(scene):  # noqa: F811
    """P1 (zhang, wang) positive, N1 (li) negative, X1 (liu) pending; zhang_wife not sampled."""
    boss = scene.w.users.commander
    record_result(scene.p1, "positive", actor=boss)
    record_result(scene.n1, "negative", actor=boss)
    return scene


def counts(line) -> tuple:
    c = line.counts
    return (c.expected, c.sampled, c.not_yet, c.no_result, c.positive, c.retest)


def test_counts_per_grid_and_building_with_leaders(results):
    w = results.w
    table = board(results.round, w.users.commander)
    grids = {g.label: g for g in table.grids}
    assert list(grids) == ["第一网格", "第二网格"]
    assert counts(grids["第一网格"]) == (4, 3, 1, 0, 2, 2)
    assert counts(grids["第二网格"]) == (1, 1, 0, 1, 0, 0)
    assert (grids["第一网格"].leader_name, grids["第一网格"].leader_phone) == (
        "赵网格",
        "13700000001",
    )
    (b1,) = grids["第一网格"].children
    assert b1.obj == w.b1 and counts(b1) == (4, 3, 1, 0, 2, 2)
    assert (b1.leader_name, b1.leader_phone) == ("钱楼长", "13700000002")
    assert (table.total.expected, table.total.not_yet, table.total.percent) == (5, 1, 80.0)


def test_counts_follow_the_users_scope(results):
    w = results.w
    mine = board(results.round, w.users.grid_leader)
    assert [g.label for g in mine.grids] == ["第一网格"]
    assert board(results.round, w.users.outsider).grids == []


def test_board_query_count_is_bounded(results, django_assert_num_queries):
    user = results.w.users.commander
    board(results.round, user)  # fills the user's scope cache
    for _ in range(3):  # more people and tubes do not add queries
        make_tube(results.round, f"M{_}", [results.w.zhang_wife], minutes=30)
    with django_assert_num_queries(6):
        board(results.round, user)


def test_missing_page_and_drill_down(results, client_for, django_assert_max_num_queries):
    w, rnd = results.w, results.round
    c = client_for(w.users.commander)
    url = reverse("testing:missing", args=[rnd.pk])
    c.get(url)  # sessions, scope caches
    with django_assert_max_num_queries(12):
        page = c.get(url).content.decode()
    assert "赵网格" in page and "13700000001" in page and "第二网格" in page
    assert "阳性提醒" in page or "P1" in page  # the unread notice for grid1
    with django_assert_max_num_queries(20):
        r = c.get(url, {"grid": w.grid1.pk})
    body = r.content.decode()
    assert "钱楼长" in body and "陈静" in body  # building leader; zhang_wife not yet sampled
    assert w.zhang_wife.id_number not in body and w.zhang_wife.phone not in body
    assert "2202**********" in body  # masked ID
    body = c.get(url, {"building": w.b1.pk, "list": "retest"}).content.decode()
    assert "张伟" in body and "王芳" in body and "P1" in body and "陈静" not in body
    body = c.get(url, {"grid": w.grid2.pk, "list": "no_result"}).content.decode()
    assert "刘洋" in body
    assert c.get(url, {"grid": "x"}).status_code == 404
    assert c.get(url, {"grid": w.other_grid.pk}).status_code == 404


def test_export_xlsx_masked_and_logged(results, client_for):
    w, rnd = results.w, results.round
    DoorVisit.objects.create(
        round=rnd, person=w.zhang_wife, household=w.h101, reason=DoorVisit.Reason.IMMOBILE
    )
    c = client_for(w.users.grid_leader)
    r = c.get(reverse("testing:missing_export", args=[rnd.pk]), {"grid": w.grid1.pk})
    assert r.status_code == 200
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(r.streaming_content)))
    rows = sheet.get_sheet_by_index(0).to_python()
    assert rows[1][:9] == [
        "网格",
        "楼栋",
        "单元",
        "户号",
        "姓名",
        "身份证号",
        "联系电话",
        "网格长",
        "网格长电话",
    ]
    (row,) = rows[2:]
    assert row[:5] == ["兴华社区 第一网格", "阳光小区 1号楼", "1", "101", "陈静"]
    assert row[5] == w.zhang_wife.id_number[:4] + "*" * 10 + w.zhang_wife.id_number[-4:]
    assert row[6] == "138****0002" and row[7:9] == ["赵网格", "13700000001"]
    assert row[10] == "行动不便"
    log = AccessLog.objects.get(kind="export", actor=w.users.grid_leader)
    assert log.rows == 1 and log.scope_path == w.grid1.path
    # View-only users may not export.
    volunteer = client_for(w.users.volunteer)
    assert volunteer.get(reverse("testing:missing_export", args=[rnd.pk])).status_code == 403


def test_print_list_grouped_by_unit(results, client_for):
    w, rnd = results.w, results.round
    c = client_for(w.users.commander)
    body = c.get(reverse("testing:missing_print", args=[rnd.pk])).content.decode()
    assert "阳光小区 1号楼 1单元" in body and "陈静" in body and "已敲门" in body
    assert w.zhang_wife.phone not in body
    assert AccessLog.objects.filter(kind="print", rows=1).exists()


def test_positives_and_retests_pages(results, client_for):
    w, rnd = results.w, results.round
    make_tube(rnd, "S9", [w.li], capacity=1, minutes=200)
    record_result(rnd.tubes.get(barcode="S9"), "positive", actor=w.users.commander)
    c = client_for(w.users.commander)
    body = c.get(reverse("testing:positives", args=[rnd.pk])).content.decode()
    single, pool = body.split('id="pool-positives"')
    assert "李娜" in single and "张伟" not in single
    assert "张伟" in pool and "王芳" in pool and "待复核" in pool
    body = c.get(reverse("testing:retests", args=[rnd.pk])).content.decode()
    assert "张伟" in body and "李娜" not in body


def test_map_colours(results):
    w = results.w
    provider = get_provider("testing")
    assert provider.name == "testing"
    statuses = provider.statuses(w.b1)
    assert statuses[w.h101.pk][0] == "retest"  # zhang in the positive pool
    assert statuses[w.h201.pk][0] == "all"  # li sampled, negative
    assert provider.statuses(w.b2)[w.h2_101.pk][0] == "all"
    record_result(
        make_tube(results.round, "S1", [w.zhang], capacity=1, minutes=90), "negative", actor=None
    )
    record_result(
        make_tube(results.round, "S2", [w.wang], capacity=1, minutes=90), "positive", actor=None
    )
    statuses = provider.statuses(w.b1)
    assert statuses[w.h101.pk][0] == "some"  # zhang retested, zhang_wife not yet
    assert statuses[w.h102.pk][0] == "positive"


def test_map_colours_without_samples_and_vacant(world, round_):
    w = world
    w.h102.vacant = True
    w.h102.save()
    w.wang.residences.update(living=False)
    statuses = get_provider("testing").statuses(w.b1)
    assert statuses[w.h101.pk][0] == "none" and statuses[w.h102.pk][0] == "vacant"


def test_map_page_shows_the_testing_status(results, client_for):
    c = client_for(results.w.users.commander)
    r = c.get(reverse("places:building_map", args=[results.w.b1.pk]), {"status": "testing"})
    assert r.status_code == 200 and "待单管复核" in r.content.decode()


def test_round_over_round(results, client_for):
    w, rnd = results.w, results.round
    nxt = Round.objects.create(number=2, area=w.street, date=dt.date(2022, 4, 11), previous=rnd)
    SamplingPoint.objects.create(round=nxt, number=1, name="1号采样点", area=w.grid1)
    make_tube(nxt, "R2-1", [w.zhang, w.wang, w.li], minutes=1440)
    lines, total = compare(nxt, w.users.commander)
    by = {line.label: line for line in lines}
    assert (by["第一网格"].before.sampled, by["第一网格"].now.sampled) == (3, 3)
    assert by["第一网格"].stable is True and by["第二网格"].stable is False
    assert by["第二网格"].change == -1 and total.change == -1
    assert list(dropped_persons(nxt, w.users.commander)) == [w.liu]
    assert list(dropped_persons(nxt, w.users.grid_leader)) == []
    body = client_for(w.users.commander).get(reverse("testing:compare", args=[nxt.pk]))
    assert "刘洋" in body.content.decode() and "波动" in body.content.decode()
    first = client_for(w.users.commander).get(reverse("testing:compare", args=[rnd.pk]))
    assert "没有上一轮" in first.content.decode()


def test_progress_page_tables_and_charts(results, client_for):
    c = client_for(results.w.users.commander)
    body = c.get(reverse("testing:progress", args=[results.round.pk])).content.decode()
    assert "1号采样点" in body and "08:00" in body and "09:00" in body
    assert 'id="chart-points"' in body and 'id="chart-grids"' in body


def test_notice_on_home_and_marked_read(results, client_for):
    w = results.w
    leader = client_for(w.users.grid_leader)
    body = leader.get(reverse("core:home")).content.decode()
    assert "P1" in body and "赵网格" in body
    notice = results.p1.notices.get()
    r = leader.post(reverse("testing:notice_read", args=[notice.pk]), {"next": "/"})
    assert r.status_code == 302 and r["Location"] == "/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert "P1" not in leader.get(reverse("core:home")).content.decode()
    # grid2's leader-less users and outsiders never see grid1's notice.
    outsider = client_for(w.users.outsider)
    assert outsider.post(reverse("testing:notice_read", args=[notice.pk])).status_code == 404
