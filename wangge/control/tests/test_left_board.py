"""Who is left in control measures: the per-grid table, its lists, the export and the command
line, within the user's scope."""

from __future__ import annotations

import csv
import datetime as dt
import io
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from wangge.control import left, services_documents, services_followups
from wangge.control.models import OrderDocument, OrderType
from wangge.control.services import place_order
from wangge.core.models import AccessLog

TZ = timezone.get_current_timezone()


def _order(world, person, *, code="home_quarantine", starts_on=None, days=None):
    return place_order(
        person,
        OrderType.objects.get(code=code),
        actor=world.users.commander,
        source="manual",
        reason="密接",
        starts_on=starts_on,
        days=days,
        worker_name="赵网格",
        worker_phone="13700000001",
    )


@pytest.fixture
def orders(world):
    today = timezone.localdate()
    return {
        "zhang": _order(world, world.zhang),
        "liu": _order(world, world.liu, code="home_monitoring"),
        # Seven days from a week ago: its end is today, it is on today's release list.
        "li": _order(world, world.li, starts_on=today - dt.timedelta(days=6), days=7),
    }


def _noon(day=None):
    return dt.datetime.combine(day or timezone.localdate(), dt.time(12, 0), tzinfo=TZ)


def _line(board, grid):
    return next(line for line in board.lines if line.area == grid)


def test_board_counts_per_grid(world, orders):
    home = OrderType.objects.get(code="home_quarantine")
    monitoring = OrderType.objects.get(code="home_monitoring")
    board = left.board(world.users.commander, at=_noon())
    g1, g2 = _line(board, world.grid1), _line(board, world.grid2)
    assert g1.measures == {home.pk: 2}  # 张伟 and 李娜
    assert g2.measures == {monitoring.pk: 1}
    assert g1.counts["unserved"] == 2 and g2.counts["unserved"] == 1
    assert g1.counts["release"] == 1 and g2.counts["release"] == 0
    # At noon the 10:00 temperature round is overdue for everyone under a measure today.
    assert g1.counts["overdue"] == 2 and g2.counts["overdue"] == 1
    assert g1.leader_name == "赵网格"
    assert board.total.counts["unserved"] == 3


def test_served_paperwork_leaves_the_unserved_list(world, orders):
    commander = world.users.commander
    services_documents.serve([orders["zhang"]], OrderDocument.Kind.NOTICE, actor=commander)
    assert orders["zhang"].pk in {i.pk for i in left.items(commander, "unserved")}
    services_documents.serve([orders["zhang"]], OrderDocument.Kind.DOOR_SIGN, actor=commander)
    assert orders["zhang"].pk not in {i.pk for i in left.items(commander, "unserved")}


def test_fever_is_on_the_alert_list_until_handled(world, orders):
    commander = world.users.commander
    followup = orders["zhang"].followups.filter(kind="temperature").order_by("due_at").first()
    services_followups.record(followup, actor=commander, temperature="38.2")
    (item,) = left.items(commander, "alert")
    assert item.name == "张*" and "38.2" in item.detail and item.responsible == "赵网格"
    services_followups.handle_alert(
        orders["zhang"].alerts.get(), actor=commander, handling="已转运发热门诊"
    )
    assert list(left.items(commander, "alert")) == []


def test_grid_leader_sees_only_their_grid(world, orders):
    board = left.board(world.users.grid_leader, at=_noon())
    assert [line.area for line in board.lines] == [world.grid1]


def test_page_lists_and_narrows(world, orders, client_for):
    client = client_for(world.users.commander)
    with mock.patch("django.utils.timezone.now", return_value=_noon()):
        page = client.get(reverse("control:left"))
        listing = client.get(reverse("control:left") + f"?kind=overdue&area={world.grid1.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "第一网格" in html and "第二网格" in html
    body = listing.content.decode()
    assert "张*" in body and "李*" in body and "刘*" not in body
    assert "上午体温" in body
    assert "张伟" not in body.split('id="left-items"')[1]  # names masked in the list
    assert client.get(reverse("control:left") + "?kind=nonsense").status_code == 404


def test_outsider_gets_nothing(world, orders, client_for):
    client = client_for(world.users.outsider)
    page = client.get(reverse("control:left") + "?kind=unserved")
    assert "张*" not in page.content.decode() and "第一网格" not in page.content.decode()
    assert client.get(reverse("control:left") + f"?area={world.grid1.pk}").status_code == 404
    assert client.get(reverse("control:left_export") + f"?area={world.grid1.pk}").status_code == 404


def test_export_is_logged_and_masked(world, orders, client_for):
    client = client_for(world.users.commander)
    response = client.get(reverse("control:left_export") + "?kind=unserved")
    assert response.status_code == 200
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert rows[1][0] == "事项"
    names = {r[3] for r in rows[2:]}
    assert names == {"张*", "李*", "刘*"}
    assert {r[7] for r in rows[2:]} == {"137****0001"}
    log = AccessLog.objects.filter(kind="export").latest("at")
    assert log.rows == 3 and log.actor == world.users.commander


def test_volunteer_cannot_export(world, orders, client_for):
    client = client_for(world.users.volunteer)
    assert client.get(reverse("control:left_export")).status_code == 404
    assert client.get(reverse("control:left")).status_code == 200


def test_command_line_csv_and_area(world, orders, tmp_path):
    out = io.StringIO()
    call_command("control", "overdue", "--area", world.grid2.code, stdout=out, stderr=io.StringIO())
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0][0] == "事项"
    assert {r[3] for r in rows[1:]} == {"刘*"}
    assert {r[1] for r in rows[1:]} == {"第二网格"}
    target = tmp_path / "left.xlsx"
    call_command("control", "overdue", "--format", "xlsx", "--output", str(target), stdout=out)
    sheet = CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()
    assert {r[3] for r in sheet[2:]} >= {"张*", "李*", "刘*"}
    assert AccessLog.objects.filter(kind="export", actor=None).count() == 2
    with pytest.raises(CommandError, match="unknown area"):
        call_command("control", "overdue", "--area", "nowhere")
