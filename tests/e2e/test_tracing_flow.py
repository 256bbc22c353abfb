"""Contact lists on a phone, end to end, as the street's data team works them at night: the CDC
(市疾控, already known from yesterday's list) sends two workbooks, uploaded together, one row of
which names nobody it can tell (no ID, no phone) and is rejected with the reason; the police
(公安分局, a new source typed in) sends one sheet written in traditional characters with full-width
digits, naming some of the same people — one with a swapped ID digit, one with no ID but the same
phone — and people living in the registry. The linkage merges what it is sure of and leaves two
pairs for review: a homophone name with the same birth date on two sheets (同一人) and a homophone
of a registry resident, same birth date, another phone (不是同一人). The merged list then shows one
row per person with the registry household, the sources, who is new since yesterday and who is
already under a measure; it is exported as the CDC's .xlsx; the new people are handed over to
control, where everyone is placed but the one already in quarantine, who is refused."""

from __future__ import annotations

import datetime as dt
import importlib
import re
from unittest import mock

import pytest
import xlsxwriter
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from python_calamine import CalamineWorkbook

from conftest import PASSWORD, make_id
from wangge.accounts.models import RoleAssignment, User
from wangge.accounts.roles import Role
from wangge.control.models import ControlOrder, OrderType
from wangge.control.services import place_order
from wangge.core.models import AccessLog
from wangge.people.models import Person
from wangge.tracing import services_imports
from wangge.tracing.linkage_keys import valid_id
from wangge.tracing.models import Batch, ContactPerson, MatchDecision, MatchPair
from wangge.tracing.services_linkage import link_pending

from .conftest import sign_in
from .test_canvass_flow import no_sideways_scroll
from .test_control_flow import TZ, Clock

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _seeded_measures(db):
    """The rows the data migrations seed (levels, measures, follow-up rules): an earlier
    transactional test has flushed every table, so seed them again the same way."""
    from django.apps import apps

    for name in ("0002_default_levels_and_types", "0004_followup_rules"):
        importlib.import_module(f"wangge.control.migrations.{name}").seed(apps, None)


# --- the sheets ----------------------------------------------------------------------------------

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
CDC_HEADERS = [
    "序号",
    "姓名",
    "性别",
    "身份证号",
    "手机号码",
    "现住址",
    "出生日期",
    "末次接触时间",
    "接触方式",
    "备注",
]
POLICE_HEADERS = ["姓名", "性別", "公民身份號碼", "聯繫電話", "現住址", "出生日期", "與病例關係"]
ZHAO_ID = make_id(20, birth="19900315")  # 赵明: not in the registry
ZHAO_PHONE = "13611110001"
CDC_COLUMNS = [
    "序号",
    "姓名",
    "性别",
    "身份证号",
    "联系电话",
    "现住址",
    "所属网格",
    "名单类型",
    "来源",
    "首次出现日期",
    "是否已管控",
    "备注",
]


def _workbook(path, sheets: dict[str, tuple[str, list[str], list[list]]]):
    """A workbook as the sources write them: per sheet an optional merged title row, the header
    row, then the rows, every cell as text (so 18-digit IDs keep their digits)."""
    book = xlsxwriter.Workbook(str(path))
    for name, (title, headers, rows) in sheets.items():
        sheet = book.add_worksheet(name)
        r = 0
        if title:
            sheet.merge_range(0, 0, 0, len(headers) - 1, title)
            r = 1
        for c, text in enumerate(headers):
            sheet.write_string(r, c, text)
        for values in rows:
            r += 1
            for c, value in enumerate(values):
                if value not in (None, ""):
                    sheet.write_string(r, c, str(value))
    book.close()
    return path


def _swapped(id_number: str) -> str:
    """The ID with two neighbouring digits swapped, so that its check digit fails."""
    for i in range(14, 6, -1):
        bad = id_number[:i] + id_number[i + 1] + id_number[i] + id_number[i + 2 :]
        if bad != id_number and not valid_id(bad):
            return bad
    raise AssertionError(id_number)


def _yesterdays_sheet(world, tmp_path):
    return _workbook(
        tmp_path / "市疾控密接名单-前一日.xlsx",
        {
            "密接名单": (
                "",
                CDC_HEADERS,
                [[1, "李娜", "女", "", world.li.phone, "阳光小区1号楼2单元201", "", "", "", ""]],
            )
        },
    )


def _cdc_sheets(world, tmp_path, today):
    """市疾控: two workbooks of one sheet each (close contacts and an addendum)."""
    contact = (today - dt.timedelta(days=2)).isoformat()
    main = _workbook(
        tmp_path / "市疾控密接名单.xlsx",
        {
            "密接名单": (
                f"{today:%m月%d日}密接人员名单",
                CDC_HEADERS,
                [
                    [1, "张伟", "男", world.zhang.id_number, world.zhang.phone,
                     "阳光小区1号楼1单元101", "", contact, "同一办公室", ""],
                    [2, "赵明", "男", ZHAO_ID, ZHAO_PHONE, "致和小区5号楼3单元502", "",
                     contact, "同车", ""],
                    [3, "刘晓燕", "女", "", "13611112222", "", "1992-06-08", contact,
                     "同一餐厅", "身份证号待补"],
                    [4, "李娜", "女", "", world.li.phone, "阳光小区1号楼2单元201", "",
                     contact, "同一超市", ""],
                    # No ID and no phone: nobody can tell who this is (spreadsheet row 7).
                    [5, "孙丽", "女", "", "", "", "", contact, "同一超市", "电话未接通"],
                ],
            )
        },
    )  # fmt: skip
    addendum = _workbook(
        tmp_path / "市疾控密接补充.xlsx",
        {
            "补充": (
                "",
                CDC_HEADERS,
                [
                    # A homophone of the registry's 张伟, his birth date, another phone.
                    [1, "章玮", "男", "", "13000000000", "", "1980-01-01", contact,
                     "同一楼层", ""],
                    [2, "钱多", "男", "", "13611113333", "江南小区2号楼", "", contact, "同车",
                     ""],
                ],
            )
        },
    )  # fmt: skip
    return main, addendum


def _police_sheet(world, tmp_path):
    """公安分局: one sheet in traditional characters with full-width digits."""
    return _workbook(
        tmp_path / "公安分局排查名单.xlsx",
        {
            "密接人員": (
                "",
                POLICE_HEADERS,
                [
                    # 张伟 with a swapped ID digit, his phone in full-width digits.
                    ["張偉", "男", _swapped(world.zhang.id_number),
                     world.zhang.phone.translate(FULL_WIDTH), "陽光小區1號樓1單元101", "",
                     "同事"],
                    ["趙明", "男", "", ZHAO_PHONE, "", "", "同車"],  # no ID, the same phone
                    # 刘晓燕 typed by ear, the same birth date, another phone.
                    ["劉曉艷", "女", "", "13522223333", "", "1992年6月8日", "同一餐廳"],
                    ["陳靜", "女", world.zhang_wife.id_number.translate(FULL_WIDTH), "", "", "",
                     "家屬"],
                    ["王芳", "女", "", world.wang.phone, "陽光小區1號樓1單元102", "", "鄰居"],
                ],
            )
        },
    )  # fmt: skip


# --- the flow ------------------------------------------------------------------------------------


def test_lists_uploaded_reviewed_exported_and_handed_over(world, live_server, page: Page, tmp_path):
    today = timezone.localdate()
    clock = Clock(dt.datetime.combine(today, dt.time(21, 30), tzinfo=TZ))
    patcher = mock.patch("django.utils.timezone.now", side_effect=clock)
    patcher.start()
    try:
        _flow(world, live_server, page, today, tmp_path)
    finally:
        patcher.stop()


def _data_team_user(world) -> User:
    user = User.objects.create_user(
        username="data_team_a", password=PASSWORD, display_name="数据专班小周"
    )
    RoleAssignment.objects.create(user=user, role=Role.DATA_TEAM, area=world.street)
    return user


def _earlier_state(world, user, today, tmp_path):
    """Yesterday 市疾控 named 李娜 (so she is not new today); 王芳 is in home quarantine."""
    yesterday = today - dt.timedelta(days=1)
    cdc = services_imports.get_or_create_source(world.street, "市疾控", actor=user, kind="close")
    sheet = _yesterdays_sheet(world, tmp_path)
    services_imports.import_file(
        sheet.read_bytes(), sheet.name, source=cdc, kind="close", day=yesterday, actor=user
    )
    link_pending(world.street, actor=user)
    place_order(
        world.wang,
        OrderType.objects.get(code="home_quarantine"),
        actor=world.users.commander,
        source=ControlOrder.Source.MANUAL,
        reason="同楼栋阳性，居家隔离",
        starts_on=today - dt.timedelta(days=3),
    )
    return cdc


def _row(page: Page, person: ContactPerson):
    return page.locator(f"#merged-list [data-person='{person.pk}']")


def _flow(world, live_server, page: Page, today, tmp_path):
    url = live_server.url
    user = _data_team_user(world)
    cdc = _earlier_state(world, user, today, tmp_path)
    cdc_main, cdc_addendum = _cdc_sheets(world, tmp_path, today)
    police = _police_sheet(world, tmp_path)

    # --- 1. 市疾控's two workbooks, uploaded together ----------------------------------------
    sign_in(page, live_server, "data_team_a", PASSWORD)
    page.goto(url + reverse("tracing:upload"))
    no_sideways_scroll(page)
    page.get_by_label("名单文件").set_input_files([str(cdc_main), str(cdc_addendum)])
    page.get_by_label("名单来源").select_option(str(cdc.pk))
    page.get_by_label("名单类型").select_option("close")
    expect(page.get_by_label("名单日期")).to_have_value(today.isoformat())
    page.get_by_role("button", name="上传并导入").click()
    # Two batches: the batch list of the source and the day, with each one's report.
    expect(page).to_have_url(re.compile(r"/batches/\?source="))
    batches = page.locator("#batch-list [data-batch]")
    expect(batches).to_have_count(2)
    main = Batch.objects.get(source=cdc, day=today, sheet_name="密接名单")
    addendum = Batch.objects.get(source=cdc, day=today, sheet_name="补充")
    main_row = page.locator(f"#batch-list [data-batch='{main.pk}']")
    expect(main_row).to_contain_text("读取 5 行，导入 4 行")
    expect(main_row).to_contain_text("拒绝 1 行")
    expect(page.locator(f"#batch-list [data-batch='{addendum.pk}']")).to_contain_text(
        "读取 2 行，导入 2 行"
    )
    expect(page.locator("body")).to_contain_text("待核对 1")  # the linkage's message
    no_sideways_scroll(page)
    # The rejected row, its row number and the reason, on the batch's report.
    main_row.click()
    # Rows read / imported / rejected.
    expect(page.locator("#batch-report .h5")).to_have_text(["5", "4", "1"])
    rejects = page.locator("#rejects tbody tr")
    expect(rejects).to_have_count(1)
    expect(rejects.locator("td").first).to_have_text("7")  # the spreadsheet's row number
    expect(rejects).to_contain_text("身份证号和联系电话都为空，无法确认是谁")
    expect(page.locator("#batch-rows [data-row]")).to_have_count(4)
    no_sideways_scroll(page)

    # --- 2. 公安分局's sheet in traditional characters: a new source typed in --------------------
    page.goto(url + reverse("tracing:upload"))
    page.get_by_label("名单文件").set_input_files(str(police))
    page.get_by_label("名单来源").select_option("")
    page.get_by_label("新来源名称").fill("公安分局")
    page.get_by_label("名单类型").select_option("secondary")
    page.get_by_role("button", name="上传并导入").click()
    # One batch: straight to its report, names simplified, the swapped ID flagged.
    expect(page.locator("h1")).to_contain_text("公安分局")
    expect(page.locator("#batch-report .h5")).to_have_text(["5", "5", "0"])
    assert not page.locator("#rejects").count()
    rows = page.locator("#batch-rows")
    for name in ("张伟", "赵明", "刘晓艳", "陈静", "王芳"):
        expect(rows).to_contain_text(name)
    expect(rows.locator("[data-row='2']")).to_contain_text("身份证号有误")
    expect(page.locator("body")).to_contain_text("待核对 1")
    no_sideways_scroll(page)
    police_batch = Batch.objects.get(source__name="公安分局")
    assert (police_batch.rows_read, police_batch.rows_imported, police_batch.rows_rejected) == (
        5,
        5,
        0,
    )
    assert police_batch.kind == "secondary" and police_batch.status == Batch.Status.LINKED
    # The same people across sources became one each: 张伟 (swapped ID, same phone), 赵明 (no
    # ID, same phone); the registry residents are matched.
    zhang = ContactPerson.objects.get(name="张伟")
    assert zhang.rows_count == 2 and zhang.person == world.zhang
    assert zhang.household == world.h101
    zhao = ContactPerson.objects.get(name="赵明")
    assert zhao.rows_count == 2 and zhao.person is None and zhao.id_number == ZHAO_ID
    assert ContactPerson.objects.get(name="陈静").person == world.zhang_wife
    assert ContactPerson.objects.get(name="李娜").rows_count == 2  # yesterday's and today's
    assert ContactPerson.objects.count() == 9
    assert MatchPair.objects.filter(status="pending").count() == 2

    # --- 3. 待核对: two pairs side by side, one the same person, one not ----------------------
    page.get_by_role("link", name="待核对").first.click()
    expect(page.locator("#review-pending")).to_contain_text("待核对 2 对")
    no_sideways_scroll(page)
    decided = set()
    for _ in range(2):
        pair = page.locator("#review-pair")
        left, right = pair.locator("[data-side='left']"), pair.locator("[data-side='right']")
        expect(left).to_be_visible()
        both = left.inner_text() + right.inner_text()
        if "章玮" in both:
            # The registry's 张伟 and where he lives, beside a homophone with another phone.
            expect(pair).to_contain_text("101室")
            expect(pair).to_contain_text("1980-01-01")
            page.get_by_role("button", name="不是同一人").click()
            expect(page.get_by_role("alert").first).to_contain_text("已确认不是同一人")
            decided.add("distinct")
        else:
            assert "刘晓燕" in both and "刘晓艳" in both, both
            expect(pair).to_contain_text("市疾控")
            expect(pair).to_contain_text("公安分局")
            expect(pair).to_contain_text("1992-06-08")
            page.get_by_role("button", name="同一人", exact=True).click()
            expect(page.get_by_role("alert").first).to_contain_text("已确认为同一人，已合并")
            decided.add("merged")
    assert decided == {"merged", "distinct"}
    expect(page.locator("#review-empty")).to_be_visible()
    expect(page.locator("#review-pending")).to_contain_text("待核对 0 对")
    assert set(MatchPair.objects.values_list("status", flat=True)) == {"merged", "distinct"}
    assert MatchDecision.objects.filter(same=True).count() == 1
    assert MatchDecision.objects.filter(same=False).count() == 1
    liu = ContactPerson.objects.get(name__startswith="刘晓")
    assert liu.rows_count == 2
    assert ContactPerson.objects.get(name="章玮").person is None  # kept apart from 张伟

    # --- 4. The merged list: one row per person -----------------------------------------------
    page.goto(url + reverse("tracing:merged"))
    expect(page.locator("#merged-counts")).to_contain_text(
        "今日名单 8 人，新增 7 人，已管控 1 人，待核对 0 对"
    )
    expect(page.locator("#merged-list [data-person]")).to_have_count(8)
    no_sideways_scroll(page)
    zhang_row = _row(page, zhang)
    expect(zhang_row).to_contain_text("第一网格")
    expect(zhang_row).to_contain_text("1单元 › 101室")  # the registry household
    expect(zhang_row).to_contain_text("市疾控")
    expect(zhang_row).to_contain_text("公安分局")
    expect(zhang_row.locator(".badge", has_text="新增")).to_be_visible()
    expect(zhang_row).not_to_contain_text(world.zhang.id_number)  # masked
    expect(_row(page, zhao)).to_contain_text("未匹配到登记住户")
    expect(_row(page, liu)).to_contain_text("公安分局")
    li = ContactPerson.objects.get(name="李娜")
    expect(_row(page, li)).to_contain_text("1号楼")
    expect(_row(page, li).locator(".badge", has_text="新增")).to_have_count(0)  # seen yesterday
    wang = ContactPerson.objects.get(name="王芳")
    expect(_row(page, wang)).to_contain_text("已管控")

    # --- 5. The CDC's .xlsx ---------------------------------------------------------------------
    with page.expect_download() as download:
        page.click("#merged-export")
    assert download.value.suggested_filename.endswith(".xlsx")
    book = CalamineWorkbook.from_path(str(download.value.path()))
    grid = book.get_sheet_by_index(0).to_python()
    assert today.isoformat() in str(grid[0][0])  # the title
    assert [str(c) for c in grid[1]] == CDC_COLUMNS
    lines = {r[1]: dict(zip(CDC_COLUMNS, r, strict=True)) for r in grid[2:] if r[1]}
    assert len(grid[2:]) == len(lines) == 8  # one row per person
    assert sorted(int(r["序号"]) for r in lines.values()) == list(range(1, 9))
    z = lines["张伟"]
    assert z["身份证号"] == world.zhang.id_number and z["联系电话"] == world.zhang.phone
    assert z["现住址"] == world.h101.address and z["所属网格"] == "第一网格"
    assert z["名单类型"] == "密接" and z["是否已管控"] == "否"
    assert "市疾控" in z["来源"] and "公安分局" in z["来源"]
    assert z["首次出现日期"] == today.isoformat()
    assert lines["陈静"]["名单类型"] == "次密接"
    assert lines["王芳"]["是否已管控"] == "是"
    assert lines["李娜"]["首次出现日期"] == (today - dt.timedelta(days=1)).isoformat()
    assert lines["赵明"]["身份证号"] == ZHAO_ID
    assert AccessLog.objects.filter(kind="export", actor=user, rows=8).exists()

    # --- 6. The new people handed over to control ----------------------------------------------
    new_rows = page.locator("#merged-list [data-person]").filter(
        has=page.locator(".badge", has_text="新增")
    )
    expect(new_rows).to_have_count(7)
    for i in range(new_rows.count()):
        new_rows.nth(i).locator("input[name=person]").check()
    page.click("#handover-selected")
    people = page.locator("#handover-people li")
    expect(people).to_have_count(7)
    expect(people.filter(has_text="赵明")).to_contain_text("尚未登记，将先登记到人员库")
    no_sideways_scroll(page)
    page.click("#handover-confirm")
    expect(page.locator("#result-counts")).to_contain_text("已下达 6 人")
    expect(page.locator("#result-counts")).to_contain_text("未下达 1 人")
    placed = page.locator("#placed")
    for name in ("张伟", "赵明", "章玮", "钱多", "陈静"):
        expect(placed).to_contain_text(name)
    expect(page.locator("#refused")).to_contain_text("王芳")
    expect(page.locator("#refused")).to_contain_text("已在管控中")
    no_sideways_scroll(page)

    orders = {
        o.person.name: o
        for o in ControlOrder.objects.filter(
            source=ControlOrder.Source.CONTACT_LIST
        ).select_related("person", "order_type")
    }
    assert set(orders) == {"张伟", "赵明", liu.name, "章玮", "钱多", "陈静"}
    assert orders["张伟"].person == world.zhang
    assert orders["张伟"].order_type.code == "central_quarantine"  # 密接
    assert orders["陈静"].order_type.code == "home_quarantine"  # 次密接 only
    assert all(o.starts_on == today for o in orders.values())
    # Those not in the registry were added to it first, in the street that received the list.
    zhao_person = Person.objects.get(id_number=ZHAO_ID)
    assert orders["赵明"].person == zhao_person and zhao_person.phone == ZHAO_PHONE
    assert zhao_person.scope_path.startswith(world.street.path)
    handed = ContactPerson.objects.filter(handed_over_at__isnull=False)
    assert set(handed.values_list("name", flat=True)) == set(orders)
    assert ControlOrder.objects.filter(person=world.wang).count() == 1  # still just the one
    # Back on the merged list everyone handed over is under a measure now.
    page.get_by_role("link", name="返回合并名单").click()
    expect(page.locator("#merged-counts")).to_contain_text("已管控 7 人")
