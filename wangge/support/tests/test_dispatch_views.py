"""Dispatch pages: the board (overdue first for the commander), assigning from it, routes from
a building, the printable route, who is left with its export and the command line, and the
settings page kept at district level."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from python_calamine import CalamineWorkbook

from wangge.accounts.models import RoleAssignment, User
from wangge.accounts.roles import Role
from wangge.core.models import AccessLog, ChangeLog
from wangge.support.models import DeliveryRoute, SupportKind

from .fixtures_dispatch import make_request, make_worker


@pytest.fixture
def data(world):
    worker = make_worker(world.grid1, "甲网格员", "13611110001", kind="grid")
    return {
        "worker": worker,
        "late": make_request(world.h101, due_in_minutes=-60, text="米面油"),
        "new": make_request(world.h102),
        "late2": make_request(world.h2_101, "medicine", due_in_minutes=-10, medicine_name="布洛芬"),
    }


def test_board_counts_and_overdue_rise_to_the_commander(world, data, client_for):
    r = client_for(world.users.commander).get(reverse("support:board"))
    assert r.status_code == 200
    body = r.content.decode()
    assert r.context["show"] == "overdue"
    assert {row.pk for row in r.context["rows"]} == {data["late"].pk, data["late2"].pk}
    counts = {line.label: line.counts for line in r.context["lines"]}
    assert counts["第一网格"]["new"] == 2 and counts["第一网格"]["overdue"] == 1
    assert counts["第二网格"]["overdue"] == 1
    assert "赵网格" in body and "张伟" not in body and "张*" in body
    # The grid leader starts with what waits to be assigned, in their grid only.
    r = client_for(world.users.grid_leader).get(reverse("support:board"))
    assert r.context["show"] == "new"
    assert {row.pk for row in r.context["rows"]} == {data["late"].pk, data["new"].pk}
    assert (
        client_for(world.users.outsider)
        .get(reverse("support:board") + f"?grid={world.grid1.pk}")
        .status_code
        == 404
    )


def test_assign_from_the_board(world, data, client_for):
    url = reverse("support:request_assign", args=[data["new"].pk])
    board = reverse("support:board")
    assert (
        client_for(world.users.volunteer).post(url, {"worker": data["worker"].pk}).status_code
        == 403
    )
    assert (
        client_for(world.users.outsider).post(url, {"worker": data["worker"].pk}).status_code == 404
    )
    c = client_for(world.users.grid_leader)
    r = c.post(url, {"worker": "", "next": board}, follow=True)
    assert "请选择承办人或配送路线" in r.content.decode()
    other = make_worker(world.grid2, "乙网格员", "13611110002")
    r = c.post(url, {"worker": other.pk, "next": board}, follow=True)
    assert "不属于该诉求所在区域" in r.content.decode()
    r = c.post(url, {"worker": data["worker"].pk, "next": board})
    assert r.status_code == 302 and r["Location"] == board
    data["new"].refresh_from_db()
    assert data["new"].status == "assigned" and data["new"].worker == data["worker"]


def test_route_from_a_building_and_its_print(world, data, client_for):
    c = client_for(world.users.grid_leader)
    r = c.get(reverse("support:route_list"))
    groups = r.context["groups"]
    assert [(g.building, g.count) for g in groups] == [(world.b1, 2)]
    assert groups[0].workers == [data["worker"]]
    r = c.post(
        reverse("support:route_create"), {"building": world.b1.pk, "worker": data["worker"].pk}
    )
    route = DeliveryRoute.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse(
        "support:route_detail", args=[route.pk]
    )
    assert set(route.requests.all()) == {data["late"], data["new"]}
    r = c.get(r["Location"])
    body = r.content.decode()
    assert [x.pk for x in r.context["rows"]] == [data["late"].pk, data["new"].pk]
    assert "张*" in body and "张伟" not in body and "米面油" in body
    assert AccessLog.objects.filter(kind="print", object_id=str(route.pk)).exists()
    assert (
        client_for(world.users.outsider)
        .get(reverse("support:route_detail", args=[route.pk]))
        .status_code
        == 404
    )
    # Nothing left to route in building 1; a bad worker is refused with a message.
    r = c.post(reverse("support:route_create"), {"building": world.b1.pk, "worker": 999})
    assert r.status_code == 302


def test_left_page_and_export(world, data, client_for):
    c = client_for(world.users.commander)
    r = c.get(reverse("support:left"))
    assert r.status_code == 200
    assert {line.label: line.overdue for line in r.context["lines"]} == {
        "第一网格": 1,
        "第二网格": 1,
    }
    assert "赵网格" in r.content.decode()
    r = c.get(reverse("support:left_export"))
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(b"".join(r.streaming_content)))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert rows[1][0] == "网格"
    assert {(x[0], x[2]) for x in rows[2:]} == {("第一网格", "张*"), ("第二网格", "刘*")}
    assert (
        AccessLog.objects.filter(kind="export", actor=world.users.commander).latest("at").rows == 2
    )
    assert client_for(world.users.volunteer).get(reverse("support:left_export")).status_code == 404
    r = c.get(reverse("support:left") + f"?area={world.grid2.pk}")
    assert [i.name for i in r.context["page"].object_list] == ["刘*"]


def test_command_line(world, data, tmp_path):
    out = io.StringIO()
    call_command("support", "overdue", "--area", world.grid1.code, stdout=out, stderr=io.StringIO())
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0][0] == "网格"
    assert [(r[0], r[2], r[8], r[9]) for r in rows[1:]] == [
        ("第一网格", "张*", "赵网格", "137****0001")
    ]
    target = tmp_path / "overdue.xlsx"
    call_command("support", "overdue", "--format", "xlsx", "--output", str(target), stdout=out)
    sheet = CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()
    assert {r[2] for r in sheet[2:]} == {"张*", "刘*"}
    assert AccessLog.objects.filter(kind="export", actor=None).count() == 2
    with pytest.raises(CommandError, match="unknown area"):
        call_command("support", "overdue", "--area", "nowhere")


def test_settings_kept_at_district_level(world, client_for):
    url = reverse("support:settings")
    for user in (world.users.commander, world.users.admin, world.users.outsider):
        assert client_for(user).get(url).status_code == 404
    district = User.objects.create_user("district_admin", password="x-Secret-2022")
    RoleAssignment.objects.create(user=district, role=Role.ADMIN, area=world.district)
    c = client_for(district)
    assert c.get(url).status_code == 200
    medicine = SupportKind.objects.get(code="medicine")
    prefix = f"kind{medicine.pk}"
    post = {
        "pk": medicine.pk,
        f"{prefix}-name": "药品",
        f"{prefix}-deadline_minutes": "90",
        f"{prefix}-is_medicine": "on",
        f"{prefix}-order": "2",
        f"{prefix}-active": "on",
    }
    assert c.post(url, post).status_code == 302
    medicine.refresh_from_db()
    assert medicine.deadline_minutes == 90
    assert ChangeLog.objects.filter(
        model="support.supportkind", object_id=str(medicine.pk)
    ).exists()
    r = c.post(url, {**post, f"{prefix}-deadline_minutes": "1"})
    assert r.status_code == 400 and "响应时限应为" in r.content.decode()
    medicine.refresh_from_db()
    assert medicine.deadline_minutes == 90
    r = c.post(
        url,
        {
            "pk": "",
            "kind-code": "water",
            "kind-name": "饮用水",
            "kind-deadline_minutes": "720",
            "kind-order": "9",
            "kind-routable": "on",
            "kind-active": "on",
        },
    )
    assert r.status_code == 302 and SupportKind.objects.get(code="water").routable
