"""A commander on a phone: sign in → drill down to a building → building map → a household →
import a registry sheet with bad rows → the report → export."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from conftest import PASSWORD
from wangge.core.models import AccessLog
from wangge.people.models import Person
from wangge.people.tests.sheets import bad_check, id18, write_xlsx

from .conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_commander_browses_imports_and_exports(world, live_server, page, tmp_path):
    sign_in(page, live_server, "commander_a", PASSWORD)
    expect(page.locator("h1, h2").first).to_contain_text("北京路街道")

    # Drill down: street → community → grid → building.
    page.get_by_role("link", name="兴华社区").first.click()
    page.get_by_role("link", name="第一网格").first.click()
    expect(page).to_have_url(re.compile(rf"/places/areas/{world.grid1.pk}/"))
    page.goto(f"{live_server.url}/places/buildings/{world.b1.pk}/")
    page.get_by_role("link", name="楼栋图").first.click()

    # The building map: one cell per household, with its people count.
    cells = page.locator(".wg-cell")
    expect(cells).to_have_count(3)
    cell = page.locator(f".wg-cell[data-household='{world.h101.pk}']")
    expect(cell).to_contain_text("101")
    cell.click()
    expect(page.locator("body")).to_contain_text("张伟")
    # Phones are masked until revealed; revealing is logged.
    expect(page.locator("body")).not_to_contain_text("13900000101")
    page.get_by_role("button", name=re.compile("显示完整")).first.click()
    expect(page.locator("body")).to_contain_text("13900000101")
    assert AccessLog.objects.filter(actor=world.users.commander).exists()

    # Import a sheet for grid 1 with two good rows and two bad ones.
    header = [
        "楼号",
        "单元",
        "楼层",
        "户号",
        "户主姓名",
        "现居人数",
        "联系电话",
        "姓名",
        "身份证号",
        "与户主关系",
    ]
    rows = [
        header,
        ["1", "1", 5, "501", "马丽", 2, "13911115011", "马丽", id18(501), "户主"],
        ["1", "1", 5, "501", "马丽", 2, "13911115011", "马强", id18(502), "配偶"],
        ["1", "1", 5, "502", "牛刚", 1, "13911115021", "牛刚", bad_check(id18(503)), "户主"],
        ["1", "1", 6, "601", "", 1, "12345", "", "", ""],
    ]
    sheet = write_xlsx(tmp_path / "登记表.xlsx", rows, title="北京路街道第一网格住户登记表")
    page.goto(f"{live_server.url}/registry/")
    page.set_input_files("input[name=file]", str(sheet))
    page.select_option("select[name=area]", str(world.grid1.pk))
    page.get_by_role("button", name=re.compile("上传并导入")).click()

    expect(page.locator("[data-count=read]")).to_have_text("4")
    expect(page.locator("[data-count=imported]")).to_have_text("2")
    expect(page.locator("[data-count=rejected]")).to_have_text("2")
    table = page.locator("table").last
    expect(table).to_contain_text("校验位")
    expect(table).to_contain_text("身份证号")
    assert set(
        Person.objects.filter(name__in=["马丽", "马强", "牛刚"]).values_list("name", flat=True)
    ) == {"马丽", "马强"}

    # Export the grid: the file holds the imported people, unmasked, and the export is logged.
    page.goto(f"{live_server.url}/registry/")
    page.select_option("#export-area", str(world.grid1.pk))
    with page.expect_download() as info:
        page.locator("#export button[type=submit]").click()
    path = tmp_path / "export.xlsx"
    info.value.save_as(path)
    book = CalamineWorkbook.from_path(str(path))
    cells = [c for row in book.get_sheet_by_index(0).to_python() for c in row]
    assert "马强" in cells and id18(502) in cells and "刘洋" not in cells
    assert AccessLog.objects.filter(actor=world.users.commander, kind="export").exists()


def test_outsider_sees_nothing_of_the_street(world, live_server, page):
    sign_in(page, live_server, "outsider", PASSWORD)
    expect(page.locator("body")).to_contain_text("另一街道")
    for url in (
        f"/places/buildings/{world.b1.pk}/map/",
        f"/places/households/{world.h101.pk}/",
        f"/people/{world.zhang.pk}/",
    ):
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == 404, url
    page.goto(f"{live_server.url}/people/?q=张伟")
    expect(page.locator("main")).not_to_contain_text("张伟")
