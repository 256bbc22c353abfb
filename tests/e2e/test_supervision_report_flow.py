"""Supervision, disinfection and the 4 p.m. daily report, end to end.

An inspector records on a phone an inspection of a checkpoint: the checklist answered, two
problems marked, two findings with owners and deadlines (A in 2 hours, B in 1 hour). A's owner,
a cadre with an account of his own, rectifies it from his phone with a note and a photo; the
inspector verifies it. The clock passes B's deadline: B is on the overdue list, A is not. A unit
entrance of building 1 becomes a disinfection place (three times a day); a worker logs one
disinfection on a phone; the compliance page shows it, and at the cut-off it is behind, like a
second place never disinfected. With a support request gone overdue, a control order and grid 1's
grid report, the day is frozen at 16:00: the commander's report — street, then drilled down to
grid 1 — shows figures equal to the operations' own lists and to each figure's count at the
cut-off, names grid 2 as not reported, and reads back the same from its .xlsx and PDF. Data
arriving later leaves the frozen report as it was."""

from __future__ import annotations

import datetime as dt
import importlib
import io
from unittest import mock

import pypdf
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect
from python_calamine import CalamineWorkbook

from conftest import PASSWORD
from wangge.accounts.models import RoleAssignment, User
from wangge.accounts.roles import Role
from wangge.checkpoints.models import Checkpoint
from wangge.command import figures as figs
from wangge.command.models import DailyReport
from wangge.command.services_reports import cut_off_at, report_grid
from wangge.control.models import ControlOrder, OrderType
from wangge.control.services import place_order
from wangge.supervision import services_inspections
from wangge.supervision.models import Finding, Inspection
from wangge.supervision.models_disinfection import DisinfectionLog, DisinfectionPlace
from wangge.supervision.services_disinfection import create_place
from wangge.support.models import SupportKind
from wangge.support.services import file_request
from wangge.workforce.models import Worker
from wangge.workforce.services import link_account

from .conftest import sign_in
from .test_canvass_flow import no_sideways_scroll
from .test_control_flow import TZ, Clock

pytestmark = pytest.mark.django_db(transaction=True)

LOCAL = "%Y-%m-%dT%H:%M"  # a datetime-local input's value


@pytest.fixture(autouse=True)
def _seeded_rows(db):
    """The rows the data migrations seed (checklists, order types, request kinds): an earlier
    transactional test has flushed every table, so seed them again the same way."""
    from django.apps import apps

    for module in (
        "wangge.supervision.migrations.0002_default_checklists",
        "wangge.control.migrations.0002_default_levels_and_types",
        "wangge.control.migrations.0004_followup_rules",
        "wangge.support.migrations.0003_default_kinds",
    ):
        importlib.import_module(module).seed(apps, None)


def _png(tmp_path, name: str, colour) -> str:
    path = tmp_path / name
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def _figures(page: Page) -> dict[str, int]:
    """The report page's figures, {key: value}, in the page's order."""
    out = {}
    for cell in page.locator("#report-figures li[data-figure]").all():
        out[cell.get_attribute("data-figure")] = int(cell.locator("xpath=./span").last.inner_text())
    return out


def test_inspection_findings_disinfection_and_the_frozen_daily_report(
    world, live_server, page: Page, browser_context_factory, tmp_path
):
    today = timezone.localdate()
    clock = Clock(dt.datetime.combine(today, dt.time(8, 20), tzinfo=TZ))
    patcher = mock.patch("django.utils.timezone.now", side_effect=clock)
    patcher.start()
    try:
        _flow(world, live_server, page, browser_context_factory, clock, today, tmp_path)
    finally:
        patcher.stop()


def _flow(world, live_server, page, browser_context_factory, clock, today, tmp_path):
    url = live_server.url
    admin, commander = world.users.admin, world.users.commander
    inspector = User.objects.create_user("inspector_a", password=PASSWORD, display_name="督查甲")
    RoleAssignment.objects.create(user=inspector, role=Role.INSPECTOR, area=world.street)
    gate = Checkpoint.objects.create(name="阳光小区北门卡口", kind="estate_gate", area=world.grid1)
    cadre = Worker.objects.create(
        name="李干部", phone="13600000041", kind=Worker.Kind.CADRE, area=world.grid1
    )
    link_account(cadre, actor=admin, role=Role.CADRE, username="li_cadre", password=PASSWORD)
    sprayer = Worker.objects.create(
        name="孙消杀", phone="13600000042", kind=Worker.Kind.VOLUNTEER, area=world.grid1
    )
    link_account(sprayer, actor=admin, role=Role.VOLUNTEER, username="sun_xs", password=PASSWORD)

    # --- 1. The inspector records the inspection on a phone, with finding A -------------------
    sign_in(page, live_server, "inspector_a", PASSWORD)
    page.goto(url + reverse("supervision:inspection_create") + f"?checkpoint={gate.pk}")
    expect(page.locator("h1")).to_contain_text("卡口")
    checks = page.locator("#checklist li")
    expect(checks).to_have_count(5)
    for i in range(5):
        answer = "有问题" if i < 2 else "合格"
        checks.nth(i).locator("label", has_text=answer).click()
    page.get_by_label("督查说明").fill("北门值守检查")
    page.locator("#first-finding summary").click()
    first = page.locator("#first-finding")
    first.locator("select[name='f-item']").select_option(label="值守人员在岗，佩戴防护用品")
    first.get_by_label("问题描述").fill("值守人员未佩戴口罩")
    first.get_by_label("较重").check()
    first.locator("input[type=file]").set_input_files(_png(tmp_path, "found.png", (200, 30, 30)))
    first.locator("select[name='f-owner_worker']").select_option(str(cadre.pk))
    first.get_by_label("整改时限").fill((clock() + dt.timedelta(hours=2)).strftime(LOCAL))
    no_sideways_scroll(page)
    page.get_by_role("button", name="保存督查记录").click()
    expect(page.locator("#inspection-findings [data-finding]")).to_have_count(1)
    inspection = Inspection.objects.get()
    assert inspection.checkpoint == gate and inspection.area == world.grid1
    assert inspection.inspector == inspector
    assert sorted(inspection.checks.values()) == ["ok"] * 3 + ["problem"] * 2
    a = Finding.objects.get()
    assert a.owner_worker == cadre and a.owner_name == "李干部" and a.severity == "major"
    assert a.photo and a.status == Finding.Status.OPEN

    # ... and finding B on the inspection's page, owned by someone without an account.
    page.locator("#add-finding summary").click()
    add = page.locator("#add-finding")
    add.locator("select[name=item]").select_option(label="逐人查验出入证、扫码、测温")
    add.get_by_label("问题描述").fill("未逐人测温")
    add.get_by_label("或填写责任人姓名").fill("吴队长")
    add.get_by_label("责任人电话").fill("13600000043")
    add.get_by_label("整改时限").fill((clock() + dt.timedelta(hours=1)).strftime(LOCAL))
    no_sideways_scroll(page)
    add.get_by_role("button", name="保存问题").click()
    expect(page.locator("#inspection-findings [data-finding]")).to_have_count(2)
    b = Finding.objects.exclude(pk=a.pk).get()
    assert b.owner_worker is None and b.owner_name == "吴队长"
    assert b.deadline < a.deadline

    # --- 2. A's owner rectifies it from his phone; the inspector verifies it ------------------
    owner_page = browser_context_factory().new_page()
    sign_in(owner_page, live_server, "li_cadre", PASSWORD)
    owner_page.goto(url + reverse("supervision:finding_list") + "?status=open")
    owner_page.locator(f"#finding-list [data-finding='{a.pk}']").click()
    expect(owner_page.locator("#finding-photo")).to_be_visible()
    rectify = owner_page.locator("#rectify-form")
    rectify.get_by_label("整改情况").fill("已为值守人员配发口罩，现场整改完毕")
    rectify.locator("input[type=file]").set_input_files(_png(tmp_path, "fixed.png", (30, 140, 60)))
    no_sideways_scroll(owner_page)
    rectify.get_by_role("button", name="已整改，提交复查").click()
    expect(owner_page.locator("#rectification-photo")).to_be_visible()
    a.refresh_from_db()
    assert a.status == Finding.Status.RECTIFIED and a.rectification_photo
    assert a.rectified_by == cadre.user
    photo = owner_page.request.get(
        url + reverse("supervision:finding_photo", args=[a.pk, "rectification"])
    )
    assert photo.status == 200 and photo.headers["content-type"].startswith("image/")
    assert Image.open(io.BytesIO(photo.body())).size == (40, 30)

    page.goto(url + reverse("supervision:finding_detail", args=[a.pk]))
    verify = page.locator("#verify-form")
    verify.get_by_label("复查通过").check()
    verify.get_by_label("复查意见").fill("复查合格")
    verify.get_by_role("button", name="提交复查结果").click()
    expect(page.locator("#finding-facts")).to_contain_text("复查通过")
    a.refresh_from_db()
    assert a.status == Finding.Status.VERIFIED and a.verified_by == inspector

    # --- 3. Past B's deadline: B is overdue, A is not -----------------------------------------
    clock.move_to(timezone.localtime(b.deadline) + dt.timedelta(minutes=15))
    page.goto(url + reverse("supervision:finding_list") + "?status=overdue")
    overdue = page.locator("#finding-list [data-finding]")
    expect(overdue).to_have_count(1)
    expect(page.locator(f"#finding-list [data-finding='{b.pk}']")).to_contain_text("已超期")
    expect(page.locator(f"#finding-list [data-finding='{a.pk}']")).to_have_count(0)
    expect(page.locator("#finding-summary")).to_contain_text(
        "督查 1 次，发现问题 2 个，已整改 1 个，整改率 50%，超期未整改 1 个"
    )
    no_sideways_scroll(page)

    # --- 4. A disinfection place, one disinfection logged on a phone, the compliance page -----
    clock.move_to(dt.datetime.combine(today, dt.time(10, 0), tzinfo=TZ))
    page = browser_context_factory().new_page()  # the commander's phone from here on
    sign_in(page, live_server, "commander_a", PASSWORD)
    page.goto(url + reverse("supervision:place_create"))
    form = page.locator("#place-form")
    form.get_by_label("点位名称").fill("1号楼1单元门口")
    form.get_by_label("类型").select_option("unit_entrance")
    form.get_by_label("楼栋", exact=True).select_option(str(world.b1.pk))
    form.get_by_label("单元", exact=True).select_option(str(world.u11.pk))
    form.get_by_label("每日消杀次数").fill("3")
    no_sideways_scroll(page)
    form.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_contain_text("1号楼1单元门口")
    entrance = DisinfectionPlace.objects.get()
    assert entrance.area == world.grid1 and entrance.unit == world.u11
    assert entrance.times_per_day == 3 and entrance.kind == "unit_entrance"
    lift = create_place(
        world.grid2, actor=commander, name="2号楼电梯", kind="lift", building=world.b2
    )

    sprayer_page = browser_context_factory().new_page()
    sign_in(sprayer_page, live_server, "sun_xs", PASSWORD)
    sprayer_page.goto(url + reverse("supervision:log_create") + f"?place={entrance.pk}")
    expect(sprayer_page.locator("#log-place")).to_have_text("1号楼1单元门口")
    log_form = sprayer_page.locator("#log-form")
    log_form.get_by_label("消毒剂").fill("含氯消毒剂")
    log_form.get_by_label("浓度").fill("500mg/L")
    no_sideways_scroll(sprayer_page)
    log_form.get_by_role("button", name="提交").click()
    expect(sprayer_page.locator("body")).to_contain_text("已登记消杀：1号楼1单元门口")
    log = DisinfectionLog.objects.get()
    assert log.place == entrance and log.done_by == "孙消杀" and log.created_by == sprayer.user
    sprayer_page.goto(url + reverse("supervision:compliance"))
    row = sprayer_page.locator(f"#compliance-places [data-place='{entrance.pk}']")
    expect(row).to_contain_text("1 / 0 / 3")  # done / expected by 10:00 / a day
    expect(row).to_have_attribute("data-status", "on_track")
    no_sideways_scroll(sprayer_page)

    # --- 5. Other operations' rows, so that the report has figures -----------------------------
    medicine = SupportKind.objects.get(code="medicine")
    late, _created = file_request(
        world.h101, kind=medicine, actor=commander, source="worker", medicine_name="硝苯地平缓释片"
    )
    file_request(
        world.h2_101,
        kind=SupportKind.objects.get(code="groceries"),
        actor=commander,
        source="worker",
        text="大米",
    )
    order = place_order(
        world.li,
        OrderType.objects.get(code="home_quarantine"),
        actor=commander,
        source="manual",
        reason="密接",
    )
    assert order.status == ControlOrder.Status.ACTIVE
    report_grid(world.grid1, actor=world.users.grid_leader, note="网格数据已核实")

    # --- 6. At the cut-off the day is frozen; the report equals the operations' lists ---------
    cut = cut_off_at(today)
    assert timezone.localtime(cut).time() == dt.time(16, 0)
    clock.move_to(cut)
    call_command("command", "freeze-due")
    report = DailyReport.objects.get(day=today)
    assert report.as_of == cut and report.made_by is None

    page.goto(url + reverse("command:report_list"))
    page.get_by_role("link", name="查看今日报告").click()
    expect(page.locator("h1")).to_contain_text("北京路街道")
    street = _figures(page)
    assert street == {f.key: f.count(cut, world.street.path) for f in figs.registry()}
    summary = page.locator("#report-summary").inner_text()
    assert summary.startswith("截至16时，北京路街道")
    missing = page.locator("#report-missing")
    expect(missing).to_contain_text("第二网格")
    expect(missing).not_to_contain_text("第一网格")
    assert street["disinfection.behind"] == 2 and street["supervision.overdue"] == 1
    assert street["support.overdue"] == 1 and street["supervision.findings"] == 2
    assert street["supervision.inspections"] == 1 and street["disinfection.logs"] == 1
    no_sideways_scroll(page)

    # Drill down: the street → its community → grid 1.
    page.locator(f"#report-children tr[data-area='{world.community.pk}'] a").click()
    expect(page.locator("h1")).to_contain_text("兴华社区")
    page.locator(f"#report-children tr[data-area='{world.grid1.pk}'] a").click()
    expect(page.locator("h1")).to_contain_text("第一网格")
    grid = _figures(page)
    assert grid == {f.key: f.count(cut, world.grid1.path) for f in figs.registry()}
    expect(page.locator("#report-missing")).to_contain_text("各单位均已按时报送")
    grid_summary = page.locator("#report-summary").inner_text()
    no_sideways_scroll(page)
    report_page = page.url

    # The operations' own lists, at the cut-off, count the same.
    for area, figures in ((world.street, street), (world.grid1, grid)):
        page.goto(url + reverse("supervision:finding_list") + f"?status=overdue&area={area.pk}")
        found = page.locator("#finding-list [data-finding]")
        expect(found).to_have_count(figures["supervision.overdue"])
        page.goto(url + reverse("supervision:compliance") + f"?area={area.pk}")
        behind = page.locator("#compliance-places [data-status='behind']")
        expect(behind).to_have_count(figures["disinfection.behind"])
        page.goto(url + reverse("support:left") + f"?area={area.pk}")
        expect(page.locator("#left-items [data-request]")).to_have_count(figures["support.overdue"])
    page.goto(url + reverse("supervision:compliance"))
    for place, text in ((entrance, "1 / 2 / 3"), (lift, "0 / 1 / 2")):
        row = page.locator(f"#compliance-places [data-place='{place.pk}']")
        expect(row).to_have_attribute("data-status", "behind")
        expect(row).to_contain_text(text)
    page.goto(url + reverse("support:left"))
    expect(page.locator(f"#left-items [data-request='{late.pk}']")).to_have_count(1)

    # --- 7. The .xlsx and the PDF of grid 1's report read back the same ------------------------
    page.goto(report_page)
    with page.expect_download() as info:
        page.get_by_role("link", name="Excel").click()
    path = tmp_path / "report.xlsx"
    info.value.save_as(path)
    book = CalamineWorkbook.from_path(str(path))
    sheet = book.get_sheet_by_index(0).to_python()
    assert sheet[0][0] == f"第一网格 {today.isoformat()} 每日报告"
    assert sheet[2][0] == grid_summary
    assert [int(r[2]) for r in sheet[4:]] == list(grid.values())
    assert [r[1] for r in sheet[4:]] == [str(figs.by_key()[key].label) for key in grid]

    page.goto(url + reverse("command:report_detail", args=[today.isoformat()]))
    expect(page.locator("h1")).to_contain_text("北京路街道")
    with page.expect_download() as info:
        page.get_by_role("link", name="Excel").click()
    info.value.save_as(path)
    book = CalamineWorkbook.from_path(str(path))
    sheet = book.get_sheet_by_index(0).to_python()
    assert [int(r[2]) for r in sheet[4:]] == list(street.values())
    children = book.get_sheet_by_index(1).to_python()
    assert [r[0] for r in children[1:]] == ["兴华社区"]
    assert [r[1] for r in book.get_sheet_by_index(2).to_python()[1:]] == ["第二网格"]
    # The PDF opens in a new tab, to print; its file is fetched there with the tab's session
    # (the browser's own PDF viewer keeps the body of the navigation to itself).
    pdf_url = url + reverse("command:report_pdf", args=[today.isoformat()])
    with page.expect_popup() as popup:
        page.get_by_role("link", name="打印 PDF").click()
    tab = popup.value
    tab.wait_for_load_state()
    assert tab.url == pdf_url + f"?area={world.street.pk}"
    response = tab.request.get(tab.url)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert "inline" in response.headers["content-disposition"]
    pdf = pypdf.PdfReader(io.BytesIO(response.body()))
    text = "".join("".join(p.extract_text().split()) for p in pdf.pages)
    first_words = "".join(summary.split("；")[0].split())  # 截至16时，北京路街道：…
    assert "北京路街道" in text and first_words in text

    # --- 8. Later data leaves the frozen report as it was --------------------------------------
    clock.move_to(cut + dt.timedelta(minutes=5))
    file_request(
        world.h102, kind=medicine, actor=commander, source="worker", medicine_name="胰岛素"
    )
    services_inspections.add_finding(
        inspection,
        actor=inspector,
        description="登记台账缺页",
        owner_name="吴队长",
        deadline=clock() + dt.timedelta(minutes=30),
    )
    clock.move_to(cut + dt.timedelta(hours=2, minutes=30))
    overdue_now = figs.by_key()["support.overdue"].count(clock(), world.grid1.path)
    assert overdue_now == grid["support.overdue"] + 1
    assert figs.by_key()["supervision.overdue"].count(clock(), world.grid1.path) == 2
    assert figs.by_key()["supervision.findings"].count(clock(), world.grid1.path) == 3
    call_command("command", "freeze-due")
    assert DailyReport.objects.get(day=today).frozen_at == report.frozen_at
    sign_in(page, live_server, "commander_a", PASSWORD)  # the morning's session has expired
    page.goto(report_page)
    assert _figures(page) == grid
    assert page.locator("#report-summary").inner_text() == grid_summary
    page.goto(url + reverse("command:report_detail", args=[today.isoformat()]))
    assert _figures(page) == street
    assert page.locator("#report-summary").inner_text() == summary
