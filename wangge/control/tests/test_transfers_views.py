"""Transfer pages: the board (three sections, masked names, waiting time, the buttons for the
steps the user may take, filters), requesting (presets from a person, a household, an order; a
resent form creating one transfer; errors), the detail with its timeline (logged), each step
through its page, the receiving site's confirmation, the export (logged), and the vehicle
roster."""

from __future__ import annotations

import io
import uuid
from unittest.mock import patch

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from wangge.control.models import OrderType, Transfer
from wangge.control.services import place_order
from wangge.control.services_transfers import assign, hand_over, pick_up, request_transfer
from wangge.core.models import AccessLog

from .test_transfers_services import T0, at, make_tw, to_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def tw(world):
    return make_tw(world)


BOARD = "/control/transfers/"


def section(response, name) -> list[Transfer]:
    return [row.transfer for row in response.context[name]]


@pytest.fixture
def three(tw):
    """One of each: waiting (critical, to a hospital), on the road, handed over."""
    w = tw.w
    with patch("django.utils.timezone.now", return_value=at(0)):
        road = to_site(tw)
        done = to_site(tw, household=None, person=w.wang, urgency="routine")
        waiting = request_transfer(
            actor=tw.commander,
            person=w.liu,
            destination="hospital",
            hospital="市传染病医院",
            urgency="critical",
            reason="发热",
        )
        assign(road, tw.bus, actor=tw.commander)
        assign(done, tw.car, actor=tw.commander)
        pick_up(done, actor=tw.commander)
        hand_over(done, actor=tw.site_volunteer)
    return waiting, road, done


def test_the_board(tw, three, client_for):
    waiting, road, done = three
    assert reverse("control:transfer_board") == BOARD
    c = client_for(tw.commander)
    with patch("django.utils.timezone.now", return_value=at(45)):
        r = c.get(BOARD, {"day": "2022-04-11"})
    assert r.status_code == 200
    assert section(r, "waiting") == [waiting]
    assert section(r, "on_road") == [road]
    assert section(r, "done") == [done]
    html = r.content.decode()
    # Names masked; the household's two people; vehicle, driver's phone, waiting time.
    assert "张*、陈*" in html and "刘*" in html and "王*" in html
    assert "张伟" not in html and "刘洋" not in html
    assert "吉B12345" in html and "13600000001" in html
    assert "已等待 45" in html
    assert "市传染病医院" in html and "江城宾馆隔离点" in html
    # The dispatcher's buttons.
    rows = {row.transfer: row.steps for row in r.context["waiting"] + r.context["on_road"]}
    assert rows[waiting] == {"assign", "cancel"}
    assert rows[road] == {"assign", "cancel", "pickup", "handover"}
    assert reverse("control:transfer_assign", args=[waiting.pk]) in html
    assert reverse("control:transfer_pickup", args=[road.pk]) in html
    assert r.context["done"][0].steps == {"close"}
    # Another day: nothing done then; the open ones stay on the board.
    r = c.get(BOARD, {"day": "2022-04-12"})
    assert section(r, "done") == [] and section(r, "waiting") == [waiting]


def test_the_waiting_are_ordered_by_urgency_then_time(tw, client_for):
    w = tw.w
    with patch("django.utils.timezone.now", return_value=at(0)):
        routine = to_site(tw, household=None, person=w.wang, urgency="routine")
    with patch("django.utils.timezone.now", return_value=at(5)):
        urgent = to_site(tw, household=None, person=w.li, urgency="urgent")
    with patch("django.utils.timezone.now", return_value=at(10)):
        critical = to_site(tw, household=None, person=w.liu, urgency="critical")
    with patch("django.utils.timezone.now", return_value=at(12)):
        urgent2 = to_site(tw, household=None, person=w.zhang, urgency="urgent")
    r = client_for(tw.commander).get(BOARD)
    assert section(r, "waiting") == [critical, urgent, urgent2, routine]


def test_board_filters_and_who_sees_what(tw, three, client_for):
    waiting, road, done = three
    w = tw.w
    c = client_for(tw.commander)
    day = {"day": "2022-04-11"}
    r = c.get(BOARD, {**day, "dest": "hospital"})
    assert section(r, "waiting") == [waiting] and section(r, "on_road") == []
    r = c.get(BOARD, {**day, "dest": str(tw.site.pk)})
    assert section(r, "waiting") == [] and section(r, "done") == [done]
    r = c.get(BOARD, {**day, "grid": w.grid2.pk})
    assert section(r, "waiting") == [waiting] and section(r, "on_road") == []
    # A grid of another street: refused with a message, nothing listed.
    r = c.get(BOARD, {"grid": w.other_grid.pk})
    assert section(r, "waiting") == [] and "查询条件不正确" in r.content.decode()
    # The receiving site sees what comes to it, with the hand-over button only.
    r = client_for(tw.site_volunteer).get(BOARD, day)
    assert section(r, "waiting") == [] and section(r, "on_road") == [road]
    assert r.context["on_road"][0].steps == {"handover"}
    assert section(r, "done") == [done]
    # The grid's volunteer: their grid, pick-up only.
    r = client_for(w.users.volunteer).get(BOARD, day)
    assert section(r, "on_road") == [road] and r.context["on_road"][0].steps == {"pickup"}
    assert section(r, "waiting") == []
    r = client_for(w.users.outsider).get(BOARD, day)
    assert section(r, "waiting") == section(r, "on_road") == section(r, "done") == []


def test_request_a_household_with_a_resent_form_creating_one(tw, client_for):
    w = tw.w
    c = client_for(tw.commander)
    url = reverse("control:transfer_create")
    r = c.get(url, {"household": w.h101.pk})
    assert r.status_code == 200
    assert [m.name for m in r.context["members"]] == ["张伟", "陈静"]
    key = str(uuid.uuid4())
    data = {
        "household": w.h101.pk,
        "whole_household": "on",
        "destination": "site",
        "site": tw.site.pk,
        "urgency": "urgent",
        "reason": "密接转集中隔离",
        "from_address": "",
        "client_uuid": key,
    }
    r = c.post(url, data)
    t = Transfer.objects.get()
    assert r.status_code == 302 and r.url == reverse("control:transfer_detail", args=[t.pk])
    assert set(t.persons.all()) == {w.zhang, w.zhang_wife}
    assert t.from_address == w.h101.address and t.client_uuid == uuid.UUID(key)
    r = c.post(url, data)
    assert r.status_code == 302 and Transfer.objects.count() == 1


def test_request_one_person_and_the_errors(tw, client_for):
    w = tw.w
    c = client_for(tw.commander)
    url = reverse("control:transfer_create")
    r = c.get(url, {"person": w.zhang.pk})
    assert r.context["form"]["household"].value() == w.h101.pk
    r = c.post(
        url,
        {
            "person": w.zhang.pk,
            "household": w.h101.pk,
            "destination": "hospital",
            "urgency": "critical",
            "reason": "",
            "client_uuid": str(uuid.uuid4()),
        },
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert "请填写转运原因" in html
    r = c.post(
        url,
        {
            "person": w.zhang.pk,
            "household": w.h101.pk,
            "destination": "hospital",
            "urgency": "critical",
            "reason": "发热",
            "client_uuid": str(uuid.uuid4()),
        },
    )
    assert "请填写医院名称" in r.content.decode() and not Transfer.objects.exists()
    r = c.post(
        url,
        {
            "person": w.zhang.pk,
            "household": w.h101.pk,
            "destination": "hospital",
            "hospital": "市传染病医院",
            "urgency": "critical",
            "reason": "发热",
            "from_address": "北京路12号门口",
            "client_uuid": str(uuid.uuid4()),
        },
    )
    t = Transfer.objects.get()
    assert r.status_code == 302 and list(t.persons.all()) == [w.zhang]
    assert t.from_address == "北京路12号门口" and t.urgency == "critical"
    # Nothing chosen; someone of another street; a volunteer.
    r = c.post(url, {"destination": "site", "urgency": "routine", "reason": "x"})
    assert "请先选择要转运的人员或住户" in r.content.decode()
    r = c.post(url, {**{"person": w.other_person.pk}, "destination": "site", "reason": "x"})
    assert "不存在或不在您的管辖范围内" in r.content.decode()
    assert c.get(url, {"person": w.other_person.pk}).status_code == 404
    assert client_for(w.users.volunteer).get(url).status_code == 403


def test_request_from_a_central_quarantine_order(tw, client_for):
    w = tw.w
    order = place_order(
        w.li,
        OrderType.objects.get(code="central_quarantine"),
        actor=tw.commander,
        source="contact_list",
        reason="密接",
    )
    c = client_for(tw.commander)
    r = c.get(reverse("control:transfer_create"), {"order": order.pk})
    form = r.context["form"]
    assert form["person"].value() == w.li.pk and form["household"].value() == w.h201.pk
    assert form["destination"].value() == "site" and form["site"].value() == tw.site.pk
    assert "密接" in form["reason"].value()
    assert (
        client_for(w.users.outsider)
        .get(reverse("control:transfer_create"), {"order": order.pk})
        .status_code
        == 404
    )


def test_search_lists_masked_people_in_scope(tw, client_for):
    r = client_for(tw.commander).get(reverse("control:transfer_create"), {"q": "张"})
    html = r.content.decode()
    assert "张*" in html and "张伟" not in html
    assert f"?person={tw.w.zhang.pk}" in html


def test_detail_with_timeline_and_receipt_is_logged(tw, three, client_for):
    waiting, road, done = three
    c = client_for(tw.commander)
    r = c.get(reverse("control:transfer_detail", args=[done.pk]))
    assert r.status_code == 200
    html = r.content.decode()
    assert "王芳" in html and "2201**********" not in html
    assert tw.w.wang.id_number not in html and tw.w.wang.id_number[-4:] in html
    labels = [label for label, _at, _who in r.context["timeline"]]
    assert labels == ["待派车", "已派车", "转运途中", "已交接"]
    assert r.context["timeline"][3][2] == "周护士"
    assert "江城宾馆隔离点 已确认接收：周护士" in html
    assert AccessLog.objects.filter(model="control.transfer", object_id=str(done.pk)).exists()
    # The site's volunteer sees it; the outsider gets a 404.
    assert client_for(tw.site_volunteer).get(r.request["PATH_INFO"]).status_code == 200
    assert client_for(tw.w.users.outsider).get(r.request["PATH_INFO"]).status_code == 404


def test_steps_through_their_pages(tw, client_for):
    w = tw.w
    t = to_site(tw)
    c = client_for(tw.commander)
    assign_url = reverse("control:transfer_assign", args=[t.pk])
    r = c.get(assign_url)
    assert r.status_code == 200
    assert {v.plate for v in r.context["form"].fields["vehicle"].queryset} == {
        "吉B12345",
        "吉B66666",
    }
    r = c.post(assign_url, {"vehicle": tw.car.pk})
    assert "只有 1 个座位，本次需转运 2 人" in r.content.decode()
    r = c.post(assign_url, {"vehicle": tw.bus.pk, "driver_phone": "136-0000-0009"})
    assert r.status_code == 302
    t.refresh_from_db()
    assert t.status == "assigned" and t.driver_phone == "13600000009"
    # Picked up from the board's button (no time given), back to the board.
    r = client_for(w.users.volunteer).post(
        reverse("control:transfer_pickup", args=[t.pk]), {"next": BOARD + "?day=2022-04-11"}
    )
    assert r.status_code == 302 and r.url == BOARD + "?day=2022-04-11"
    t.refresh_from_db()
    assert t.status == "picked_up"
    # A wrong step: said so on the page, nothing changes.
    r = c.post(reverse("control:transfer_close", args=[t.pk]))
    assert r.status_code == 200 and "不能完成" in r.content.decode()
    # Hand-over: the grid's volunteer may not (403); the site's staff may.
    handover = reverse("control:transfer_handover", args=[t.pk])
    assert client_for(w.users.volunteer).post(handover).status_code == 403
    assert client_for(w.users.outsider).post(handover).status_code == 404
    r = client_for(tw.staffer).post(handover, {"received_by_name": ""})
    assert r.status_code == 302
    t.refresh_from_db()
    assert t.status == "handed_over" and t.received_by_name == "吴组长"
    assert (
        client_for(tw.staffer).post(reverse("control:transfer_close", args=[t.pk])).status_code
        == 403
    )
    assert c.post(reverse("control:transfer_close", args=[t.pk])).status_code == 302
    t.refresh_from_db()
    assert t.status == "closed"


def test_cancel_needs_a_reason(tw, client_for):
    t = to_site(tw)
    c = client_for(tw.commander)
    url = reverse("control:transfer_cancel", args=[t.pk])
    r = c.post(url, {"reason": ""})
    assert "请填写取消原因" in r.content.decode()
    assert c.post(url, {"reason": "家属自行送达"}).status_code == 302
    t.refresh_from_db()
    assert t.status == "cancelled"
    r = c.get(url)
    assert "不能进行此操作" in r.content.decode()
    r = c.get(reverse("control:transfer_detail", args=[t.pk]))
    label, when, who = r.context["timeline"][-1]
    assert (label, who) == ("已取消", "commander_a") and when is not None
    assert "取消：家属自行送达" in r.content.decode()
    # The receiving site sees the transfer but does not dispatch or cancel it.
    assert client_for(tw.site_volunteer).get(url).status_code == 403
    assert client_for(tw.site_volunteer).get(r.request["PATH_INFO"]).status_code == 200


def test_handover_to_a_hospital_needs_the_receiver(tw, client_for):
    w = tw.w
    t = request_transfer(
        actor=tw.commander,
        person=w.zhang,
        destination="hospital",
        hospital="市医院",
        reason="发热",
    )
    assign(t, tw.car, actor=tw.commander)
    url = reverse("control:transfer_handover", args=[t.pk])
    c = client_for(w.users.grid_leader)
    r = c.post(url, {"received_by_name": ""})
    assert r.status_code == 200 and "请填写医院接收人姓名" in r.content.decode()
    assert c.post(url, {"received_by_name": "李医生"}).status_code == 302
    t.refresh_from_db()
    assert t.received_by_name == "李医生" and t.handed_over_by == w.users.grid_leader


def test_export_of_the_day_is_logged(tw, three, client_for):
    waiting, road, done = three
    c = client_for(tw.commander)
    r = c.get(reverse("control:transfer_export"), {"day": "2022-04-11"})
    assert r.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(r.streaming_content)))
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0][0] == "转运调度 2022-04-11"
    body = rows[2:]
    assert [row[0] for row in body] == ["待派车", "已派车", "已交接"]
    assert body[1][2] == "张*、陈*" and body[1][3] in (2, 2.0, "2")
    assert "张伟" not in str(rows)
    log = AccessLog.objects.get(kind="export")
    assert log.rows == 3 and log.actor == tw.commander
    assert (
        client_for(tw.w.users.volunteer).get(reverse("control:transfer_export")).status_code == 403
    )


def test_the_vehicle_roster_pages(tw, three, client_for):
    w = tw.w
    c = client_for(tw.commander)
    r = c.get(reverse("control:vehicle_list"))
    html = r.content.decode()
    assert "吉B12345" in html and "在途" in html and "空闲" in html
    assert (r.context["on_call"], r.context["free"]) == (2, 1)
    # The grid leader sees the street's vehicles but cannot switch them.
    r = client_for(w.users.grid_leader).get(reverse("control:vehicle_list"))
    assert [v.plate for v, *_ in r.context["rows"]] == ["吉B12345", "吉B66666"]
    assert not any(can for *_, can in r.context["rows"])
    toggle = reverse("control:vehicle_toggle", args=[tw.car.pk])
    assert client_for(w.users.grid_leader).post(toggle, {"on_call": "0"}).status_code == 403
    assert client_for(w.users.outsider).post(toggle, {"on_call": "0"}).status_code == 404
    assert c.post(toggle, {"on_call": "0"}).status_code == 302
    tw.car.refresh_from_db()
    assert not tw.car.on_call
    # Off call: not offered for assignment.
    t = to_site(tw, household=None, person=w.li)
    r = c.get(reverse("control:transfer_assign", args=[t.pk]))
    assert [v.plate for v in r.context["form"].fields["vehicle"].queryset] == ["吉B12345"]
    # Create and edit.
    r = c.post(
        reverse("control:vehicle_create"),
        {
            "area": w.street.pk,
            "plate": "吉b 11111",
            "kind": "ambulance",
            "seats": 2,
            "driver_name": "杨师傅",
            "driver_phone": "13600000011",
            "on_call": "on",
        },
    )
    assert r.status_code == 302
    r = c.post(
        reverse("control:vehicle_create"),
        {
            "area": w.street.pk,
            "plate": "吉B11111",
            "kind": "car",
            "seats": 0,
            "driver_name": "x",
            "driver_phone": "13600000012",
        },
    )
    html = r.content.decode()
    assert "车牌号 吉B11111 已登记" in html or "座位数至少为 1" in html
    edit = reverse("control:vehicle_edit", args=[tw.bus.pk])
    assert c.get(edit).status_code == 200
    data = {
        "area": w.street.pk,
        "plate": "吉B12345",
        "kind": "bus",
        "seats": 30,
        "driver_name": "马师傅",
        "driver_phone": "13600000001",
        "on_call": "on",
    }
    assert c.post(edit, data).status_code == 302
    tw.bus.refresh_from_db()
    assert tw.bus.seats == 30
    assert client_for(w.users.outsider).get(edit).status_code == 404
    assert client_for(w.users.volunteer).get(reverse("control:vehicle_create")).status_code == 403


def test_phone_layout_basics(tw, three, client_for):
    """The board is one column on a phone, three sections side by side on a wide screen."""
    html = client_for(tw.commander).get(BOARD).content.decode()
    assert html.count('class="col-12 col-lg-4"') == 3
    assert 'name="viewport"' in html
    assert T0.year == 2022


def test_the_board_does_not_query_per_row(tw, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = tw.w
    c = client_for(tw.site_volunteer)
    to_site(tw, household=None, person=w.wang)
    with CaptureQueriesContext(connection) as few:
        c.get(BOARD)
    for person in (w.li, w.liu, w.zhang):
        t = to_site(tw, household=None, person=person)
    assign(t, tw.bus, actor=tw.commander)
    with CaptureQueriesContext(connection) as many:
        r = c.get(BOARD)
    assert len(r.context["waiting"]) == 3 and len(r.context["on_road"]) == 1
    assert len(many) <= len(few) + 2  # the on-road section's own select and prefetch
