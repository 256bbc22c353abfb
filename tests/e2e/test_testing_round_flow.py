"""A street commander on a phone runs a round of mass testing for one grid, end to end: plan the
round (point, table), accept the proposed call-down schedule, register three tubes at the table
(the second while the network is down, then synced), import the lab's sheet with one positive
pool and one bad row, and see the retest list, the building map's colours and who is left."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD, make_id
from wangge.people.models import Person, Residence
from wangge.people.tests.sheets import write_xlsx
from wangge.testing.models import Round, Tube

from .conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _resident(household, name: str, seq: int) -> Person:
    person = Person.objects.create(
        name=name,
        id_number=make_id(seq),
        phone=f"1380000{seq:04d}",
        scope_path=household.scope_path,
    )
    Residence.objects.create(person=person, household=household, relation="member")
    return person


def test_round_from_plan_to_who_is_left(world, live_server, page, tmp_path):
    # Grid 1 gets a few more residents so that tubes hold 2–3 people each and someone is left.
    wang_son = _resident(world.h102, "王小明", 21)
    li_son = _resident(world.h201, "李明", 22)
    li_brother = _resident(world.h201, "李强", 23)
    url = live_server.url

    sign_in(page, live_server, "commander_a", PASSWORD)

    # Plan: a round for grid 1, pooled 10 to a tube, from the rounds list.
    today = timezone.localdate()
    page.goto(url + reverse("testing:round_list"))
    page.get_by_role("link", name="新建轮次").click()
    page.select_option("select[name=area]", str(world.grid1.pk))
    page.fill("input[name=date]", today.isoformat())
    page.fill("input[name=start_time]", "08:00")
    page.fill("input[name=end_time]", "12:00")
    page.select_option("select[name=target]", "all")
    page.select_option("select[name=pool_size]", "10")
    page.get_by_role("button", name="保存").click()
    expect(page).to_have_url(re.compile(r"/testing/rounds/\d+/$"))
    rnd = Round.objects.get()
    assert page.url.endswith(reverse("testing:round_detail", args=[rnd.pk]))
    assert (rnd.area, rnd.pool_size) == (world.grid1, 10)

    # A sampling point at the estate's north gate, with one table.
    page.get_by_role("link", name="新增采样点").click()
    page.fill("input[name=location]", "阳光小区北门")
    page.fill("input[name=leader_name]", "周点长")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("main")).to_contain_text("1号采样点")
    page.get_by_role("link", name="加台").click()
    page.fill("input[name=leader_name]", "吴台长")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("main")).to_contain_text("1号台")

    # Propose the schedule and keep it: both units of building 1 get a slot at the point.
    page.get_by_role("button", name="生成排班").click()
    expect(page.locator("main")).to_contain_text("已生成排班：2 个单元")
    schedule = page.locator("main table").last
    expect(schedule).to_contain_text("1号楼 1单元")
    expect(schedule).to_contain_text("1号楼 2单元")
    page.get_by_role("link", name="下楼通知").first.click()
    call_down = page.locator(f"#text-{world.grid1.pk}")
    expect(call_down).to_have_value(
        re.compile(r"1号楼1单元 \d\d:\d\d–\d\d:\d\d 请到1号采样点（阳光小区北门）做核酸")
    )
    expect(call_down).to_have_value(re.compile("1号楼2单元 .*请到1号采样点"))
    assert rnd.slots.count() == 2

    # The table page, reached from the round's page.
    page.goto(url + reverse("testing:round_detail", args=[rnd.pk]))
    page.get_by_role("link", name="采样登记").first.click()
    queued = page.locator("#wg-queued")
    count = page.locator("#wg-count")
    results = page.locator("#wg-results")
    expect(queued).to_have_text("待上传 0 管")

    def tube(barcode: str, people: list[Person]) -> None:
        page.fill("#wg-barcode", barcode)
        page.press("#wg-barcode", "Enter")
        expect(page.locator("#wg-current-barcode")).to_have_text(barcode)
        for n, person in enumerate(people, start=1):
            page.fill("#wg-person", person.id_number)
            page.press("#wg-person", "Enter")
            expect(count).to_have_text(f"{n}/10")
        page.click("#wg-close")

    tube("E2E-R1", [world.zhang, world.zhang_wife])
    expect(results).to_contain_text("E2E-R1")

    page.context.set_offline(True)
    expect(page.locator("#wg-net")).to_contain_text("离线")
    tube("E2E-R2", [world.wang, wang_son])
    expect(queued).to_have_text("待上传 1 管")
    assert not Tube.objects.filter(barcode="E2E-R2").exists()
    page.context.set_offline(False)
    expect(queued).to_have_text("待上传 0 管", timeout=25_000)
    expect(results).to_contain_text("E2E-R2")

    tube("E2E-R3", [world.li, li_son])
    expect(results).to_contain_text("E2E-R3")
    expect(queued).to_have_text("待上传 0 管")
    tubes = {
        t.barcode: set(t.samples.values_list("person_id", flat=True))
        for t in Tube.objects.filter(round=rnd)
    }
    assert tubes == {
        "E2E-R1": {world.zhang.pk, world.zhang_wife.pk},
        "E2E-R2": {world.wang.pk, wang_son.pk},
        "E2E-R3": {world.li.pk, li_son.pk},
    }

    # The lab's sheet: tube 1 positive, tubes 2–3 negative, and a barcode the round never had.
    at = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    sheet = write_xlsx(
        tmp_path / "检测结果.xlsx",
        [
            ["试管条码", "检测结果", "检测时间"],
            ["E2E-R1", "阳性", at],
            ["E2E-R2", "阴性", at],
            ["E2E-R3", "阴性", at],
            ["E2E-X99", "阴性", at],
        ],
    )
    page.goto(url + reverse("testing:round_detail", args=[rnd.pk]))
    page.get_by_role("link", name="检测结果导入与录入").click()
    page.set_input_files("input[name=file]", str(sheet))
    page.get_by_role("button", name="上传并导入").click()
    expect(page.locator("[data-count=read]")).to_have_text("4")
    expect(page.locator("[data-count=imported]")).to_have_text("3")
    expect(page.locator("[data-count=updated]")).to_have_text("0")
    expect(page.locator("[data-count=rejected]")).to_have_text("1")
    errors = page.locator("main table").last
    expect(errors).to_contain_text("E2E-X99")
    expect(errors).to_contain_text("本轮检测中没有该试管条码")
    results_by_tube = dict(Tube.objects.filter(round=rnd).values_list("barcode", "result"))
    assert results_by_tube == {"E2E-R1": "positive", "E2E-R2": "negative", "E2E-R3": "negative"}

    # The grid is told about the positive pool; its notice leads to the retest list, which
    # holds the pool's two people and nobody else.
    page.get_by_role("link", name="阳性与复核名单").click()
    notice = page.get_by_role("alert").filter(has_text="E2E-R1")
    expect(notice).to_contain_text("涉及本网格 2 人")
    notice.get_by_role("link", name="查看单管复核名单").click()
    retests = page.locator("main table tbody")
    for person in (world.zhang, world.zhang_wife):
        expect(retests.locator(f"tr[data-person='{person.pk}']")).to_contain_text(person.name)
        expect(retests.locator(f"tr[data-person='{person.pk}']")).to_contain_text("E2E-R1")
    expect(retests.locator("tr[data-person]")).to_have_count(2)

    # The building map coloured by the round: the pool's household waits for its retest, the
    # negative households differ (all sampled / someone left).
    page.goto(url + reverse("places:building_map", args=[world.b1.pk]))
    page.get_by_role("link", name="核酸检测").click()
    expect(page).to_have_url(re.compile(r"\?status=testing$"))

    def cell(household):
        return page.locator(f".wg-cell[data-household='{household.pk}']")

    expect(cell(world.h101)).to_have_attribute("data-status", "retest")
    expect(cell(world.h102)).to_have_attribute("data-status", "all")
    expect(cell(world.h201)).to_have_attribute("data-status", "some")
    expect(cell(world.h101)).to_have_attribute("title", re.compile("待单管复核"))

    # Who is left: grid 1's line names its leader; drilling down lists the one not sampled.
    page.goto(url + reverse("testing:missing", args=[rnd.pk]))
    grid_line = page.locator(f"#who-is-left tr[data-grid='{world.grid1.pk}']")
    expect(grid_line).to_contain_text("赵网格")
    grid_line.get_by_role("link", name="第一网格").click()
    people = page.locator("main table").last.locator("tbody")
    expect(people.locator(f"tr[data-person='{li_brother.pk}']")).to_contain_text("李强")
    expect(people.locator("tr[data-person]")).to_have_count(1)
    expect(people).not_to_contain_text("李娜")
