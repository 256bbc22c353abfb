"""A table worker on a phone: three tubes registered by typing ID numbers, the second one while
the network is down (queued in the browser, sent when it is back), a person typed twice into one
tube refused, and a person sampled twice in the round warned about."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD, make_id
from wangge.people.models import Person
from wangge.testing.models import Round, SamplingPoint, SamplingTable, Tube

from .conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def table(world, live_server, page):
    """A round of the street with one table in grid 1; its page open, signed in as commander."""
    rnd = Round.objects.create(number=1, area=world.street, date=dt.date(2022, 4, 10))
    point = SamplingPoint.objects.create(round=rnd, number=1, name="1号采样点", area=world.grid1)
    table = SamplingTable.objects.create(point=point, number=1)
    sign_in(page, live_server, "commander_a", PASSWORD)
    page.goto(f"{live_server.url}/testing/table/{table.pk}/")
    return table


def test_three_tubes_one_offline(world, table, page):
    rnd = table.point.round
    queued = page.locator("#wg-queued")
    count = page.locator("#wg-count")
    msg = page.locator("#wg-msg")
    results = page.locator("#wg-results")
    expect(queued).to_have_text("待上传 0 管")

    # No camera on this machine: the scanner library loads, the page says so, typing works.
    page.locator("[data-camera=barcode]").click()
    expect(page.locator("#wg-barcode-form .alert")).to_contain_text("无法打开摄像头")
    assert page.evaluate("typeof window.Html5Qrcode") == "function"

    def tube(barcode: str) -> None:
        page.fill("#wg-barcode", barcode)
        page.press("#wg-barcode", "Enter")
        expect(page.locator("#wg-current-barcode")).to_have_text(barcode)

    def add(text: str, expected: str) -> None:
        page.fill("#wg-person", text)
        page.press("#wg-person", "Enter")
        expect(count).to_have_text(expected)

    # Tube 1, online: each typed ID number is looked up (masked name shown).
    tube("E2E-001")
    add(world.zhang.id_number, "1/10")
    expect(page.locator("#wg-people")).to_contain_text("张*")
    add(world.wang.id_number, "2/10")
    page.fill("#wg-person", world.zhang.id_number.lower())
    page.press("#wg-person", "Enter")
    expect(msg).to_contain_text("此人已在本管中")
    expect(count).to_have_text("2/10")
    page.click("#wg-close")
    expect(results).to_contain_text("E2E-001")
    expect(queued).to_have_text("待上传 0 管")

    # Tube 2, offline: typed numbers are taken unchecked and the closed tube waits.
    page.context.set_offline(True)
    expect(page.locator("#wg-net")).to_contain_text("离线")
    tube("E2E-002")
    add(world.li.id_number, "1/10")
    expect(msg).to_contain_text("离线录入")
    add(world.liu.id_number, "2/10")
    page.click("#wg-close")
    expect(queued).to_have_text("待上传 1 管")
    assert not Tube.objects.filter(barcode="E2E-002").exists()
    page.context.set_offline(False)
    expect(queued).to_have_text("待上传 0 管", timeout=25_000)
    expect(results).to_contain_text("E2E-002")

    # Tube 3: someone already sampled this round is warned about at scan time.
    tube("E2E-003")
    add(world.zhang_wife.id_number, "1/10")
    add(world.zhang.id_number, "2/10")
    expect(msg).to_contain_text("本轮已在试管 E2E-001 中采样")
    page.click("#wg-close")
    expect(results).to_contain_text("E2E-003")
    expect(results).to_contain_text("本轮已在试管 E2E-001 中采样")
    expect(queued).to_have_text("待上传 0 管")

    tubes = {
        t.barcode: list(t.samples.order_by("position").values_list("person_id", flat=True))
        for t in Tube.objects.filter(round=rnd)
    }
    assert tubes == {
        "E2E-001": [world.zhang.pk, world.wang.pk],
        "E2E-002": [world.li.pk, world.liu.pk],
        "E2E-003": [world.zhang_wife.pk, world.zhang.pk],
    }
    assert all(t.table_id == table.pk for t in Tube.objects.all())


def test_refused_tube_is_kept_for_the_worker_and_a_newcomer_is_added(world, table, page):
    unknown = make_id(88, birth="19880808")

    # Typed offline, refused by the server once online: kept on screen, not retried blindly.
    page.context.set_offline(True)
    page.fill("#wg-barcode", "E2E-100")
    page.press("#wg-barcode", "Enter")
    for number in (world.zhang.id_number, unknown):
        page.fill("#wg-person", number)
        page.press("#wg-person", "Enter")
    expect(page.locator("#wg-count")).to_have_text("2/10")
    page.click("#wg-close")
    page.context.set_offline(False)
    attention = page.locator("#wg-attention")
    expect(attention).to_contain_text("未登记", timeout=25_000)
    expect(page.locator("#wg-attn-count")).to_have_text("需处理 1 管")
    expect(page.locator("#wg-queued")).to_have_text("待上传 0 管")

    # The worker takes it back, drops the unknown person, and adds them on the spot instead.
    attention.get_by_role("button", name="重新编辑").click()
    expect(page.locator("#wg-current-barcode")).to_have_text("E2E-100")
    page.locator("#wg-people li").nth(1).get_by_role("button").click()
    expect(page.locator("#wg-count")).to_have_text("1/10")
    page.fill("#wg-person", unknown)
    page.press("#wg-person", "Enter")
    expect(page.locator("#wg-msg")).to_contain_text("未找到此人")
    page.get_by_role("button", name="现场登记").click()
    expect(page.locator("#wg-new-id")).to_have_value(unknown)
    page.fill("#wg-new-name", "新来者")
    page.fill("#wg-new-hh-q", "102")
    page.click("#wg-new-hh-search")
    expect(page.locator("#wg-new-hh option")).to_have_count(1)
    page.get_by_role("button", name="登记并加入本管").click()
    expect(page.locator("#wg-count")).to_have_text("2/10")
    page.click("#wg-close")
    expect(page.locator("#wg-results")).to_contain_text("E2E-100")
    expect(page.locator("#wg-attention-box")).to_be_hidden()

    tube = Tube.objects.get()
    newcomer = Person.objects.get(id_number=unknown)
    assert newcomer.name == "新来者"
    assert newcomer.residences.get().household == world.h102
    assert list(tube.samples.values_list("person_id", flat=True)) == [world.zhang.pk, newcomer.pk]
