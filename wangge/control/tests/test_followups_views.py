"""Follow-up pages: my follow-ups on a phone (grouped, overdue first, done greyed), recording
one (numeric keypad, double submit recorded once, clear errors, fever escalated), covering for
a colleague, the overdue list per grid and its logged export, an order's history, the alert
list and handling; outsiders see nothing."""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid

import pytest
from django.contrib.messages import get_messages
from django.urls import NoReverseMatch, reverse
from python_calamine import CalamineWorkbook

from wangge.control import services_followups as fu
from wangge.control.models import Alert
from wangge.core.models import AccessLog

from . import test_followups_common as common
from .test_followups_common import AFTERNOON, DAY, MORNING, SYMPTOMS, today_of

clock, orders, inspector = common.clock, common.orders, common.inspector
pytestmark = pytest.mark.django_db

MINE = reverse("control:my_followups")
OVERDUE = reverse("control:followups_overdue")
EXPORT = reverse("control:followups_overdue_export")
ALERTS = reverse("control:alert_list")


def record_url(f) -> str:
    return reverse("control:followup_record", args=[f.pk])


def body(response) -> str:
    return response.content.decode()


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def listed(response) -> list[tuple[str, list[str]]]:
    """(masked name, [labels]) per person on my follow-ups, in page order."""
    return [
        (p.masked_name, [f.label for f in p.followups])
        for block in response.context["page"].object_list
        for p in block.people
    ]


def test_my_followups_today_overdue_first_done_greyed(world, orders, clock, client_for):
    c = client_for(world.users.volunteer)
    r = c.get(MINE)
    assert r.status_code == 200
    assert listed(r) == [("张*", [MORNING, AFTERNOON, SYMPTOMS])]  # temperature first
    html = body(r)
    assert "我的随访" in html and "阳光小区 1号楼1单元101室" in html and "张伟" not in html
    assert record_url(today_of(orders.zhang, MORNING)) in html
    assert r.context["counts"] == {"total": 3, "done": 0, "overdue": 0}
    # The grid leader is assigned 刘洋 in grid 2: not on the volunteer's list.
    assert "刘*" not in html

    clock.set(11)
    fu.record(today_of(orders.zhang, AFTERNOON), actor=world.users.volunteer, temperature="36.6")
    # Another person of grid 1 assigned to the volunteer, with nothing overdue, comes after.
    fu.record(today_of(orders.zhang, SYMPTOMS), actor=world.users.volunteer, symptoms=["none"])
    r = c.get(MINE)
    html = body(r)
    assert r.context["counts"] == {"total": 3, "done": 2, "overdue": 1}
    assert "逾期 1 项" in html and "list-group-item-danger" in html and "36.6℃" in html
    assert "无症状" in html and "text-bg-danger" in html

    # Yesterday's unrecorded round stays on the list the next day, marked late, before today's.
    clock.set(9, days=1)
    r = client_for(world.users.volunteer).get(MINE)
    block = r.context["page"].object_list[0]
    labels = [(f.label, f.show_day, f.is_overdue) for f in block.people[0].followups]
    assert labels[0] == (MORNING, True, True)
    assert [lbl for lbl, shown, _late in labels if not shown] == [MORNING, AFTERNOON, SYMPTOMS]


def test_households_with_overdue_come_first(world, orders, clock, client_for):
    from wangge.control.models import OrderType
    from wangge.control.services import place_order

    wang = place_order(
        world.wang,
        OrderType.objects.get(code="home_monitoring"),
        actor=world.users.commander,
        source="manual",
        reason="x",
        worker=world.users.volunteer,
    )
    for f in orders.zhang.followups.filter(label=MORNING, day=wang.starts_on):
        fu.record(f, actor=world.users.volunteer, temperature="36.5")
    clock.set(10, 30)
    r = client_for(world.users.volunteer).get(MINE)
    assert [name for name, _labels in listed(r)] == ["王*", "张*"]
    assert r.context["page"].object_list[0].rank == 0


def test_covering_for_a_colleague(world, orders, client_for):
    # The grid leader covers grid 1: its follow-ups assigned to others, with ?grid= or ?all=1.
    c = client_for(world.users.grid_leader)
    assert listed(c.get(MINE)) == []  # 刘洋 is in grid 2, outside the grid leader's scope
    r = c.get(MINE, {"grid": world.grid1.pk})
    assert [name for name, _ in listed(r)] == ["张*"]
    assert [name for name, _ in listed(c.get(MINE, {"all": "1"}))] == ["张*"]
    assert c.get(MINE, {"grid": world.grid2.pk}).status_code == 404
    assert c.get(MINE, {"grid": "x"}).status_code == 404
    f = today_of(orders.zhang, MORNING)
    r = c.post(record_url(f), {"temperature": "36.7", "client_uuid": str(uuid.uuid4())})
    assert r.status_code == 302
    f.refresh_from_db()
    assert f.recorded_by == world.users.grid_leader
    # The commander sees both grids.
    commander = client_for(world.users.commander)
    assert [n for n, _ in listed(commander.get(MINE, {"all": "1"}))] == ["张*", "刘*"]


def test_the_record_form(world, orders, client_for):
    c = client_for(world.users.volunteer)
    f = today_of(orders.zhang, MORNING)
    r = c.get(record_url(f))
    assert r.status_code == 200
    html = body(r)
    assert 'inputmode="decimal"' in html and 'name="client_uuid"' in html
    assert 'type="hidden"' in html and "tel:13800000001" in html and "张伟" in html
    assert "无" in html and "咳嗽" in html and "嗅（味）觉减退" in html
    uuids = {
        re.search(r'name="client_uuid" value="([^"]+)"', body(c.get(record_url(f)))).group(1)
        for _ in range(2)
    }
    assert len(uuids) == 2  # a new one per render
    assert AccessLog.objects.filter(actor=world.users.volunteer, kind="view").exists()


def test_a_double_submit_records_once(world, orders, client_for):
    c = client_for(world.users.volunteer)
    f = today_of(orders.zhang, MORNING)
    data = {
        "temperature": "36.5",
        "symptoms": ["none"],
        "needs": "需要买药",
        "note": "电话随访",
        "client_uuid": str(uuid.uuid4()),
        "next": f"{MINE}?all=1",
    }
    r = c.post(record_url(f), data)
    assert r.status_code == 302 and r.url == f"{MINE}?all=1"
    assert said(r) == ["已记录 张* 的上午体温"]
    r = c.post(record_url(f), {**data, "temperature": "38.5"})
    assert r.status_code == 302
    assert "未重复保存" in said(r)[-1]
    f.refresh_from_db()
    assert (str(f.temperature), f.symptoms, f.needs, f.note) == ("36.5", [], "需要买药", "电话随访")
    assert not Alert.objects.exists()
    # A foreign `next` goes back to my follow-ups.
    other = {**data, "next": "https://x.example/", "client_uuid": str(uuid.uuid4())}
    r = c.post(record_url(today_of(orders.zhang, AFTERNOON)), other)
    assert r.url == MINE
    # The done follow-up shows its values.
    html = body(c.get(record_url(f)))
    assert "已于" in html and "36.5℃" in html and "需要买药" in html
    assert 'id="wg-followup-form"' not in html


@pytest.mark.parametrize(
    ("label", "data", "field", "message"),
    [
        (MORNING, {"temperature": "45"}, "temperature", "不在 34.0～43.0℃ 之间"),
        (MORNING, {"temperature": "三十七"}, "temperature", "体温请填写数字，如 36.5"),
        (MORNING, {"temperature": ""}, "temperature", "请填写体温"),
        (SYMPTOMS, {"symptoms": ["headache"]}, "symptoms", "未知症状：headache"),
        (SYMPTOMS, {}, "symptoms", "没有症状请勾选“无”"),
        (SYMPTOMS, {"symptoms": ["none", "cough"]}, "symptoms", "已选“无”时不能再选其他症状"),
        (MORNING, {"temperature": "36.5", "client_uuid": "oops"}, "client_uuid", ""),
    ],
)
def test_bad_input_is_refused_and_kept(world, orders, client_for, label, data, field, message):
    f = today_of(orders.zhang, label)
    r = client_for(world.users.volunteer).post(record_url(f), {"needs": "买菜", **data})
    assert r.status_code == 200
    assert field in r.context["form"].errors
    assert message in " ".join(r.context["form"].errors[field])
    html = body(r)
    assert "请检查下面标红的项目" in html and 'value="买菜"' in html
    f.refresh_from_db()
    assert f.done_at is None and not Alert.objects.exists()


def test_a_fever_is_escalated_with_a_clear_message(world, orders, client_for):
    c = client_for(world.users.volunteer)
    f = today_of(orders.zhang, MORNING)
    r = c.post(
        record_url(f),
        {"temperature": "38.2", "symptoms": ["cough"], "client_uuid": str(uuid.uuid4())},
    )
    assert r.status_code == 302
    assert said(r)[1] == "张* 体温 38.2℃；咳嗽，已上报指挥长（健康预警），请等待处置安排"
    alert = Alert.objects.get()
    assert alert.kind == "fever" and alert.followup == f
    # The commander sees it at once, with a count badge on the follow-up pages.
    commander = client_for(world.users.commander)
    assert "1 条预警待处置" in body(commander.get(OVERDUE))
    html = body(commander.get(ALERTS))
    assert "38.2℃" in html and "张*" in html and "阳光小区 1号楼1单元1**室" in html
    assert "101室" not in html and "张伟" not in html
    assert reverse("control:alert_handle", args=[alert.pk]) in html


def test_who_may_open_the_record_form(world, orders, inspector, client_for):
    mine, theirs = today_of(orders.zhang, MORNING), today_of(orders.liu, MORNING)
    volunteer = client_for(world.users.volunteer)
    assert volunteer.get(record_url(theirs)).status_code == 404
    assert volunteer.post(record_url(theirs), {"temperature": "36.5"}).status_code == 404
    for user in (world.users.outsider, world.users.nobody):
        c = client_for(user)
        assert c.get(record_url(mine)).status_code == 404
        assert c.post(record_url(mine), {"temperature": "36.5"}).status_code == 404
        assert listed(c.get(MINE, {"all": "1"})) == []
    # An inspector sees the follow-up but may not record it.
    c = client_for(inspector)
    assert c.get(record_url(mine)).status_code == 403
    assert c.post(record_url(mine), {"temperature": "36.5"}).status_code == 403
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.done_at is None and theirs.done_at is None


def test_the_overdue_list_per_grid(world, orders, clock, client_for):
    c = client_for(world.users.commander)
    assert list(c.get(OVERDUE).context["rows"]) == []
    clock.set(11, 30)
    r = c.get(OVERDUE)
    rows = r.context["rows"]
    assert [(row.grid_name, row.followup.masked_name, row.followup.label) for row in rows] == [
        ("第一网格", "张*", MORNING),
        ("第二网格", "刘*", MORNING),
    ]
    assert rows[0].late == "1小时30分" and rows[0].worker == "志愿者小王"
    assert rows[1].worker == "孙网格员"
    assert rows[0].phone == "13600000001" and rows[1].phone == "13600000002"
    grids = [(a.name, leader, n) for a, leader, n in r.context["grids"]]
    assert grids == [("第一网格", ("赵网格", "13700000001"), 1), ("第二网格", ("", ""), 1)]
    html = body(r)
    assert "赵网格" in html and "13600000001" in html and "张伟" not in html
    assert "已逾期 1小时30分" in html
    r = c.get(OVERDUE, {"grid": world.grid2.pk})
    assert [row.followup.masked_name for row in r.context["rows"]] == ["刘*"]
    # Recorded late: off the list.
    fu.record(today_of(orders.zhang, MORNING), actor=world.users.volunteer, temperature="36.5")
    clock.set(9, days=2)
    c = client_for(world.users.commander)
    rows = c.get(OVERDUE, {"grid": world.grid1.pk}).context["rows"]
    # The first day's afternoon rounds and all of the second day's; not today's 10:00 yet.
    assert [(row.followup.day.day, row.followup.label) for row in rows] == [
        (10, AFTERNOON),
        (10, SYMPTOMS),
        (11, MORNING),
        (11, AFTERNOON),
        (11, SYMPTOMS),
    ]
    assert rows[0].late == "1天16小时"
    # The grid leader sees grid 1 only; other grids are 404; outsiders see nothing.
    gl = client_for(world.users.grid_leader)
    assert {row.grid_name for row in gl.get(OVERDUE).context["rows"]} == {"第一网格"}
    assert gl.get(OVERDUE, {"grid": world.grid2.pk}).status_code == 404
    out = client_for(world.users.outsider)
    assert list(out.get(OVERDUE).context["rows"]) == []
    assert out.get(OVERDUE, {"grid": world.grid1.pk}).status_code == 404


def test_the_overdue_export_is_logged(world, orders, clock, client_for):
    clock.set(11)
    c = client_for(world.users.commander)
    r = c.get(EXPORT, {"grid": world.grid1.pk})
    assert r.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(r.streaming_content)))
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[1][:5] == ["网格", "网格长", "网格长电话", "姓名", "住址"]
    (row,) = rows[2:]
    assert row[:5] == ["第一网格", "赵网格", "13700000001", "张*", "阳光小区 1号楼1单元101室"]
    assert row[6:] == [MORNING, "2022-04-10 10:00", "1小时0分", "志愿者小王", "13600000001"]
    log = AccessLog.objects.get(kind="export")
    assert log.actor == world.users.commander and log.rows == 1
    assert log.scope_path == world.grid1.path
    # Without the right to export: refused; an outsider's export is empty or 404.
    assert client_for(world.users.volunteer).get(EXPORT).status_code == 403
    out = client_for(world.users.outsider)
    assert out.get(EXPORT, {"grid": world.grid1.pk}).status_code == 404
    r = out.get(EXPORT)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(r.streaming_content)))
    assert rows.get_sheet_by_index(0).to_python()[2:] == []


def test_an_orders_history_day_by_day(world, orders, clock, client_for):
    fu.record(today_of(orders.zhang, MORNING), actor=world.users.volunteer, temperature="37.8")
    clock.set(18)
    url = reverse("control:order_followups", args=[orders.zhang.pk])
    r = client_for(world.users.commander).get(url)
    assert r.status_code == 200
    days = r.context["days"]
    # Today in full; the 13 days to come on one line.
    assert [(d, len(fs)) for d, fs in days] == [(DAY, 3)]
    assert r.context["later"] == (DAY + dt.timedelta(1), DAY + dt.timedelta(13), 13)
    first_day = days[0][1]
    assert first_day[0].temperature is not None and first_day[1].is_overdue
    html = body(r)
    assert "张伟" in html and "37.8℃" in html and "volunteer_a" in html
    assert "体温 37.8℃" in html  # the alert
    assert "2022-04-11 至 2022-04-23（13 天）待随访" in html
    assert r.context["recorded"] == 1 and r.context["overdue"] == 2
    assert AccessLog.objects.filter(kind="view", model="control.controlorder").exists()
    for user in (world.users.outsider, world.users.nobody):
        assert client_for(user).get(url).status_code == 404
    gl = client_for(world.users.grid_leader)
    assert gl.get(reverse("control:order_followups", args=[orders.liu.pk])).status_code == 404


def test_alert_list_open_first_and_handling(world, orders, clock, client_for):
    fu.record(today_of(orders.zhang, MORNING), actor=world.users.volunteer, temperature="38.0")
    clock.set(9)
    fu.record(
        today_of(orders.liu, MORNING),
        actor=world.users.commander,
        symptoms=["cough"],
        temperature="36.5",
    )
    first, second = Alert.objects.order_by("created_at")
    c = client_for(world.users.commander)
    r = c.get(ALERTS)
    assert [a.pk for a in r.context["page"].object_list] == [second.pk, first.pk]
    handle = reverse("control:alert_handle", args=[first.pk])
    # Refused without a handling; said why.
    r = c.post(handle, {"handling": "  "})
    assert r.status_code == 200 and "请填写处置情况" in body(r)
    r = c.post(handle, {"handling": "已安排转运至发热门诊"})
    assert r.status_code == 302 and r.url == ALERTS
    first.refresh_from_db()
    assert first.handling == "已安排转运至发热门诊" and first.handled_by == world.users.commander
    r = c.get(ALERTS)
    assert [a.pk for a in r.context["page"].object_list] == [second.pk, first.pk]
    assert [a.pk for a in c.get(ALERTS, {"status": "open"}).context["page"].object_list] == [
        second.pk
    ]
    assert [a.pk for a in c.get(ALERTS, {"status": "handled"}).context["page"].object_list] == [
        first.pk
    ]
    assert "已安排转运至发热门诊" in body(c.get(ALERTS))
    # Handled already: the page says so, a second post changes nothing.
    r = c.post(handle, {"handling": "别的"})
    assert r.status_code == 200 and "该预警已处置" in body(r)
    first.refresh_from_db()
    assert first.handling == "已安排转运至发热门诊"
    # The transfer link when the transfers part is there.
    try:
        transfer = reverse("control:transfer_create")
    except NoReverseMatch:
        transfer = None
    if transfer:
        assert f"{transfer}?order={orders.liu.pk}" in body(c.get(ALERTS))


def test_who_may_see_and_handle_alerts(world, orders, client_for):
    fu.record(today_of(orders.zhang, MORNING), actor=world.users.volunteer, temperature="38.0")
    alert = Alert.objects.get()
    handle = reverse("control:alert_handle", args=[alert.pk])
    volunteer = client_for(world.users.volunteer)
    assert [a.pk for a in volunteer.get(ALERTS).context["page"].object_list] == [alert.pk]
    assert volunteer.get(handle).status_code == 403
    assert volunteer.post(handle, {"handling": "x"}).status_code == 403
    assert client_for(world.users.grid_leader).get(handle).status_code == 200
    for user in (world.users.outsider, world.users.nobody):
        c = client_for(user)
        assert c.get(handle).status_code == 404
        assert c.post(handle, {"handling": "x"}).status_code == 404
        assert list(c.get(ALERTS).context["page"].object_list) == []
    alert.refresh_from_db()
    assert alert.handled_at is None
