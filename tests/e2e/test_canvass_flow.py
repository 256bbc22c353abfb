"""A door-knocking campaign on phones, end to end: the street commander creates a returnee check
for grid 1 from the questionnaire library; the grid leader knocks on the doors of building 1 and
records one visit of each outcome, the answered one correcting the household's people count and
reporting a trip to a listed risk place; the commander sees the ledger and the building map
change, decides the measure for the flagged person, and closes the day (日查日清) and exports it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from python_calamine import CalamineWorkbook

from conftest import PASSWORD, make_id
from wangge.canvass.models import (
    Campaign,
    DailyClose,
    Flag,
    HouseholdStatus,
    Measure,
    RiskLevel,
    RiskPlace,
    Visit,
)
from wangge.core.models import AccessLog, ChangeLog
from wangge.people.models import Person, Residence
from wangge.places.models import Household

from .conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

RISK_REGION = "上海市浦东新区"


def _household(unit, floor: int, room: str, name: str, phone: str, seq: int) -> Household:
    household = Household.objects.create(
        building=unit.building,
        unit=unit,
        floor=floor,
        room=room,
        householder_name=name,
        people_count=1,
        phone=phone,
    )
    person = Person.objects.create(
        name=name, id_number=make_id(seq), phone=phone, scope_path=household.scope_path
    )
    Residence.objects.create(person=person, household=household, relation="householder")
    return household


def no_sideways_scroll(page: Page) -> None:
    """The page fits the phone's width (wide tables scroll inside their own box)."""
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def test_campaign_door_to_door_coverage_flags_and_close(
    world, live_server, page, browser_context_factory, tmp_path
):
    # Building 1 (grid 1) gets three more households, so that each outcome has its own door
    # and one is left untried; Pudong has been a high-risk place for three weeks.
    vacant = _household(world.u11, 1, "103", "赵敏", "13900000103", 31)
    moved = _household(world.u12, 2, "202", "孙丽", "13900000202", 32)
    untried = _household(world.u11, 3, "301", "周杰", "13900000301", 33)
    today = timezone.localdate()
    RiskPlace.objects.create(
        region=RISK_REGION, level=RiskLevel.HIGH, starts_on=today - dt.timedelta(days=21)
    )
    url = live_server.url

    # --- 1. The commander creates the campaign from the library, for grid 1 ----------------------
    sign_in(page, live_server, "commander_a", PASSWORD)
    page.get_by_role("button", name="菜单").click()
    page.get_by_role("link", name="排查", exact=True).click()
    expect(page.get_by_role("heading", name="入户排查", exact=True)).to_be_visible()
    page.get_by_role("link", name="新建排查任务").first.click()
    expect(page.get_by_role("heading", name="新建排查任务")).to_be_visible()
    no_sideways_scroll(page)
    page.get_by_label("排查区域").select_option(str(world.grid1.pk))
    page.get_by_label("任务名称").fill("返来人员排查 第一网格")
    expect(page.get_by_label("开始日期")).to_have_value(today.isoformat())
    page.get_by_label("结束日期").fill((today + dt.timedelta(days=6)).isoformat())
    for method in ("入户", "电话", "微信"):
        page.get_by_label(method, exact=True).check()
    # The day is closed by hand below: the automatic close must not come first.
    page.get_by_label("日查日清时间").fill("23:59")
    page.get_by_role("radio", name=re.compile("^返来人员排查")).check()
    page.get_by_role("button", name="创建排查任务").click()

    expect(page.get_by_role("alert")).to_contain_text("已创建排查任务：返来人员排查 第一网格")
    campaign = Campaign.objects.get()
    assert campaign.area == world.grid1
    assert sorted(campaign.methods) == ["phone", "visit", "wechat"]
    assert campaign.starts_on <= today <= campaign.ends_on
    main = page.locator("main")
    expect(main).to_contain_text("第一网格")
    expect(main).to_contain_text("入户、电话、微信")
    expect(main).to_contain_text("近14天是否离开过本市？")
    no_sideways_scroll(page)

    # --- 2–3. The grid leader records one visit of each outcome in building 1 --------------------
    worker_ctx = browser_context_factory()
    worker = worker_ctx.pages[0] if worker_ctx.pages else worker_ctx.new_page()
    sign_in(worker, live_server, "grid1_leader", PASSWORD)
    worker.goto(f"{url}/canvass/door/")
    expect(worker.get_by_role("heading", name="我的住户")).to_be_visible()
    worker.get_by_role("link", name="返来人员排查 第一网格").click()
    expect(worker.locator("main")).to_contain_text("6 户")
    no_sideways_scroll(worker)
    worker.get_by_role("link", name=re.compile("1号楼")).click()
    expect(worker.locator("main")).to_contain_text("6 户，待完成 6 户")
    no_sideways_scroll(worker)
    building_url = worker.url

    def door(household: Household):
        return worker.locator(f"a.wg-door#h{household.pk}")

    def visit(household: Household, method: str, outcome: str) -> None:
        """Open the household's door on the building page, pick method and outcome."""
        worker.goto(building_url)
        door(household).click()
        expect(worker.get_by_role("heading", level=1)).to_contain_text(f"{household.room}室")
        worker.get_by_role("group", name="方式", exact=True).get_by_text(method, exact=True).click()
        outcomes = worker.get_by_role("group", name="结果", exact=True)
        outcomes.get_by_text(outcome, exact=True).click()
        expect(outcomes.get_by_role("radio", name=outcome, exact=True)).to_be_checked()

    def save(household: Household, outcome: str, state: str) -> None:
        worker.get_by_role("button", name="保存走访记录").click()
        expect(worker.get_by_role("alert")).to_contain_text(
            f"{household.room}室 的走访记录：{outcome}"
        )
        expect(door(household)).to_have_attribute("data-state", state)

    # 101, 张伟's household: answered; now three people live there; he went to Pudong.
    visit(world.h101, "入户", "已排查")
    no_sideways_scroll(worker)
    count = worker.get_by_label("您家现在有几口人居住？")
    expect(count).to_be_visible()
    count.fill("3")
    zhang = worker.get_by_role("group", name="张*", exact=True)
    zhang.get_by_role("group", name="近14天是否离开过本市？").get_by_text("是", exact=True).click()
    trip_from = (today - dt.timedelta(days=5)).isoformat()
    trip_to = (today - dt.timedelta(days=3)).isoformat()
    zhang.get_by_label("地点", exact=True).first.fill(RISK_REGION)
    zhang.get_by_label("到达日期").first.fill(trip_from)
    zhang.get_by_label("离开日期").first.fill(trip_to)
    zhang.get_by_role("group", name="近14天接触史").get_by_text("无", exact=True).click()
    wife = worker.get_by_role("group", name="陈*", exact=True)
    wife.get_by_role("group", name="近14天是否离开过本市？").get_by_text("否", exact=True).click()
    expect(wife.get_by_label("地点", exact=True).first).to_be_hidden()
    wife.get_by_role("group", name="近14天接触史").get_by_text("无", exact=True).click()
    save(world.h101, "已排查", "reached")

    world.h101.refresh_from_db()
    assert world.h101.people_count == 3
    change = ChangeLog.objects.get(
        model="places.household", object_id=str(world.h101.pk), action=ChangeLog.Action.UPDATE
    )
    assert change.after == {"people_count": 3} and change.before == {"people_count": 2}
    assert change.actor == world.users.grid_leader
    answered = Visit.objects.get(household=world.h101)
    trip = {"place": RISK_REGION, "from": trip_from, "to": trip_to}
    assert answered.answers["people_count"] == 3
    assert answered.answers["persons"][0]["travel"] == [trip]

    visit(world.h102, "电话", "无人在家（需再访）")
    save(world.h102, "无人在家（需再访）", "revisit")
    visit(world.h201, "入户", "拒绝配合")
    save(world.h201, "拒绝配合", "refused")
    visit(vacant, "入户", "空置")
    save(vacant, "空置", "vacant")
    visit(moved, "微信", "已搬离")
    save(moved, "已搬离", "moved")
    expect(door(untried)).to_have_attribute("data-state", "not_attempted")
    expect(worker.locator("main")).to_contain_text("6 户，待完成 3 户")
    assert dict(HouseholdStatus.objects.values_list("household", "outcome")) == {
        world.h101.pk: "answered",
        world.h102.pk: "absent",
        world.h201.pk: "refused",
        vacant.pk: "vacant",
        moved.pk: "moved",
    }
    vacant.refresh_from_db()
    assert vacant.vacant
    worker_ctx.close()

    # --- 4. Coverage: the ledger per grid, with its leader, and the building map -----------------
    page.get_by_role("link", name="排查台账（不漏一户）").click()
    expect(page.get_by_role("heading", name="返来人员排查 第一网格")).to_be_visible()
    grid_line = page.locator(f"#coverage-ledger tr[data-grid='{world.grid1.pk}']")
    expect(grid_line).to_contain_text("第一网格")
    expect(grid_line).to_contain_text("赵网格")
    expect(grid_line.get_by_role("link", name="13700000001")).to_be_visible()
    # targeted, not reached, done %, reached, revisit, refused, vacant, moved, not attempted.
    expect(grid_line.locator("td.text-end")).to_have_text(
        ["6", "3", "50.0%", "1", "1", "1", "1", "1", "1"]
    )
    expect(page.locator("#coverage-summary")).to_contain_text("50.0%")
    no_sideways_scroll(page)

    building_line = page.locator(f"#coverage-ledger tr[data-building='{world.b1.pk}']")
    expect(building_line).to_contain_text("钱楼长")
    building_line.get_by_role("link", name="楼栋图").click()
    expect(page).to_have_url(re.compile(rf"/places/buildings/{world.b1.pk}/map/\?status=canvass$"))
    expect(page.get_by_role("link", name="入户排查", exact=True)).to_have_class(
        re.compile("active")
    )

    def cell(household: Household):
        return page.locator(f".wg-cell[data-household='{household.pk}']")

    for household, status, label in (
        (world.h101, "reached", "已排查"),
        (world.h102, "revisit", "需再访"),
        (world.h201, "refused", "拒绝配合"),
        (vacant, "vacant", "空置"),
        (moved, "moved", "已搬离"),
        (untried, "not_attempted", "未走访"),
    ):
        expect(cell(household)).to_have_attribute("data-status", status)
        expect(cell(household)).to_have_attribute("title", re.compile(label))
    expect(cell(world.h101)).to_contain_text("3人")
    no_sideways_scroll(page)

    # --- 5. The flagged person: the commander decides the measure --------------------------------
    page.goto(f"{url}/canvass/{campaign.pk}/")
    page.get_by_role("link", name="排查发现").click()
    flag = Flag.objects.get()
    assert (flag.person, flag.code, flag.proposed) == (
        world.zhang,
        "travel_risk",
        Measure.CENTRAL_QUARANTINE,
    )
    row = page.locator(f"#flag-list tr[data-flag='{flag.pk}']")
    expect(row).to_contain_text("张*")
    expect(row).not_to_contain_text("张伟")
    expect(row).to_contain_text("到过风险地区")
    expect(row).to_contain_text(f"{trip_from}到过{RISK_REGION}（高风险）")
    expect(row).to_contain_text("集中隔离")
    expect(row).to_contain_text("待决定")
    expect(page.locator("#flag-list")).to_contain_text("赵网格")
    no_sideways_scroll(page)
    row.get_by_role("link", name="决定措施").click()
    expect(page.get_by_role("heading", name="决定措施")).to_be_visible()
    page.get_by_label("决定措施").select_option(label="集中隔离")
    page.get_by_role("button", name="保存决定").click()
    expect(page.get_by_role("alert")).to_contain_text("已对 张* 作出决定：集中隔离")
    row = page.locator(f"#flag-list tr[data-flag='{flag.pk}']")
    expect(row.locator("td").last).to_contain_text("集中隔离")
    expect(row).not_to_contain_text("待决定")
    expect(row.get_by_role("link", name="修改决定")).to_be_visible()
    flag.refresh_from_db()
    assert (flag.measure, flag.decided_by) == (Measure.CENTRAL_QUARANTINE, world.users.commander)

    # --- 6. The daily close: frozen figures, the households not reached, the export --------------
    page.get_by_role("link", name="日查日清").click()
    expect(page.locator("#close-list")).to_contain_text("还没有日清记录")
    page.get_by_role("button", name="立即日清").click()
    expect(page.get_by_role("alert")).to_contain_text("今日数字已冻结")
    close = DailyClose.objects.get()
    assert close.day == today
    grids = page.locator("#close-grids tbody tr")
    expect(grids).to_have_count(1)
    expect(grids.first).to_contain_text("第一网格")
    expect(grids.first).to_contain_text("赵网格")
    # targeted, not reached, done %, reached, reached today, visits today, revisit, refused,
    # not attempted.
    expect(grids.first.locator("td.text-end")).to_have_text(
        ["6", "3", "50.0%", "1", "1", "5", "1", "1", "1"]
    )
    left = page.locator(f"section[data-grid='{world.grid1.pk}']")
    expect(left).to_contain_text("赵网格")
    expect(left.locator("tr[data-household]")).to_have_count(3)
    for household, label in ((world.h102, "需再访"), (world.h201, "拒绝配合"), (untried, "未走访")):
        expect(left.locator(f"tr[data-household='{household.pk}']")).to_contain_text(label)
    expect(left).to_contain_text("王*")
    expect(left).not_to_contain_text("王芳")
    no_sideways_scroll(page)

    with page.expect_download() as info:
        page.get_by_role("link", name="导出 Excel").click()
    path = tmp_path / "close.xlsx"
    info.value.save_as(path)
    book = CalamineWorkbook.from_path(str(path))
    figures = book.get_sheet_by_index(0).to_python()
    grid_row = next(r for r in figures if r and r[0] == "第一网格")
    assert grid_row[2:4] == ["赵网格", "13700000001"]
    assert [int(v) for v in grid_row[4:14]] == [6, 1, 1, 5, 1, 1, 1, 1, 1, 3]
    households = book.get_sheet_by_index(1).to_python()
    assert households[0][:4] == ["网格", "楼栋", "单元", "户号"]
    assert sorted((r[3], r[6]) for r in households[1:]) == [
        ("102", "需再访"),
        ("201", "拒绝配合"),
        ("301", "未走访"),
    ]
    cells = {str(c) for r in households for c in r}
    assert "王*" in cells and "王芳" not in cells and "13900000102" not in cells
    assert AccessLog.objects.filter(
        actor=world.users.commander, kind="export", object_id=str(close.pk)
    ).exists()

    # The day's close stays as it was: a second tap does not make another.
    page.get_by_role("link", name="日查日清").click()
    expect(page.get_by_role("button", name="今日已日清")).to_be_disabled()
    assert DailyClose.objects.count() == 1
