"""Living support and the workforce on phones, end to end.

A sealed household asks for medicine from its own page (no login): the request is priority
because the building is sealed; the commander assigns it to a grid worker on the dispatch board;
it is accepted, taken out and delivered with a photo; the household confirms it on its page. Two
grocery requests of the same building become one delivery route for one worker. A volunteer
signs up from a recruitment post's public page, is approved, gets a shift at a sampling table,
checks in and out on a phone (the clock moved to the end of the shift), and their hours appear
on the hours page."""

from __future__ import annotations

import datetime as dt
import importlib
import io
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from wangge.accounts.roles import Role
from wangge.control.models import DesignationLevel
from wangge.control.services import designate
from wangge.core.qr import household_token
from wangge.support.models import DeliveryRoute, SupportKind, SupportRequest
from wangge.support.services import file_request
from wangge.workforce.models import Assignment, Post, Recruitment, Shift, SignUp, Worker
from wangge.workforce.services import link_account
from wangge.workforce.services_hours import fmt_hours
from wangge.workforce.services_recruitment import recruitment_token

from .conftest import sign_in
from .test_canvass_flow import no_sideways_scroll
from .test_control_flow import TZ, Clock

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _seeded_rows(db):
    """The rows the data migrations seed (risk levels, request kinds): an earlier transactional
    test has flushed every table, so seed them again the same way."""
    from django.apps import apps

    importlib.import_module("wangge.control.migrations.0002_default_levels_and_types").seed(
        apps, None
    )
    importlib.import_module("wangge.support.migrations.0003_default_kinds").seed(apps, None)


def _photo(tmp_path):
    path = tmp_path / "delivered.png"
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 140, 60)).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


def test_medicine_loop_grocery_route_and_a_volunteers_hours(
    world, live_server, page: Page, browser_context_factory, tmp_path
):
    today = timezone.localdate()
    clock = Clock(dt.datetime.combine(today, dt.time(7, 50), tzinfo=TZ))
    patcher = mock.patch("django.utils.timezone.now", side_effect=clock)
    patcher.start()
    try:
        _flow(world, live_server, page, browser_context_factory, clock, today, tmp_path)
    finally:
        patcher.stop()


def _flow(world, live_server, page, browser_context_factory, clock, today, tmp_path):
    url = live_server.url
    commander = world.users.commander
    designate(
        world.b1,
        DesignationLevel.objects.get(code="sealed"),
        actor=commander,
        reason="密接楼栋",
    )
    grid_worker = Worker.objects.create(
        name="李网格员", phone="13600000011", kind=Worker.Kind.GRID, area=world.grid1
    )

    # --- 1. The sealed household asks for medicine from its own page (no login) -------------
    household_page = browser_context_factory().new_page()
    token = household_token(world.h101)
    household_page.goto(url + reverse("support:public_household", args=[token]))
    expect(household_page.locator("#my-requests")).to_contain_text("还没有提交过诉求")
    household_page.get_by_label("药品", exact=True).check()
    household_page.get_by_label("药品名称").fill("硝苯地平缓释片")
    household_page.get_by_label("需要处方").check()
    household_page.get_by_label("诉求内容").fill("家中老人降压药只剩一天")
    no_sideways_scroll(household_page)
    household_page.get_by_role("button", name="提交").click()
    expect(household_page.locator("#my-requests")).to_contain_text("药品")
    req = SupportRequest.objects.get(household=world.h101)
    assert req.kind.code == "medicine" and req.priority and "sealed" in req.priority_reasons
    assert req.due_at - req.created_at <= dt.timedelta(hours=2)

    # --- 2. The commander assigns it on the dispatch board to the grid worker ---------------
    sign_in(page, live_server, "commander_a", PASSWORD)
    page.goto(url + reverse("support:board") + "?show=new")
    row = page.locator(f"li[data-request='{req.pk}']")
    expect(row).to_contain_text("优先")
    row.locator("select[name=worker]").select_option(str(grid_worker.pk))
    row.get_by_role("button", name="分派").click()
    req.refresh_from_db()
    assert req.status == SupportRequest.Status.ASSIGNED and req.worker == grid_worker

    # --- 3. Accepted, taken out, delivered with a photo --------------------------------------
    page.goto(url + reverse("support:request_detail", args=[req.pk]))
    expect(page.locator("#request-priority")).to_be_visible()
    page.get_by_role("button", name="接单").click()
    page.get_by_role("button", name="出发配送").click()
    page.locator("#deliver-form").get_by_label("送达人").fill("李网格员")
    page.locator("#deliver-form input[type=file]").set_input_files(str(_photo(tmp_path)))
    page.get_by_role("button", name="已送达").click()
    expect(page.locator("#request-photo")).to_be_visible()
    req.refresh_from_db()
    assert req.status == SupportRequest.Status.DELIVERED and req.delivery_photo
    photo = page.request.get(url + reverse("support:request_photo", args=[req.pk]))
    assert photo.status == 200 and photo.headers["content-type"].startswith("image/")

    # --- 4. The household confirms it on its page --------------------------------------------
    household_page.reload()
    household_page.get_by_role("button", name="确认已收到").click()
    expect(household_page.locator(f"[data-request='{req.pk}']")).to_contain_text("已确认")
    req.refresh_from_db()
    assert req.status == SupportRequest.Status.CONFIRMED and req.confirmed_at

    # --- 5. Two grocery requests of building 1 become one route for one worker --------------
    groceries = SupportKind.objects.get(code="groceries")
    for household in (world.h101, world.h102):
        file_request(household, kind=groceries, actor=commander, source="worker", text="大米、青菜")
    page.goto(url + reverse("support:route_list"))
    group = page.locator("#route-buildings form").filter(
        has=page.locator(f"input[name=building][value='{world.b1.pk}']")
    )
    group.locator("select[name=worker]").select_option(str(grid_worker.pk))
    group.get_by_role("button", name="生成路线").click()
    route = DeliveryRoute.objects.get()
    assert route.worker == grid_worker
    assert set(route.requests.values_list("household_id", flat=True)) == {
        world.h101.pk,
        world.h102.pk,
    }
    page.goto(url + reverse("support:route_detail", args=[route.pk]))
    expect(page.locator("main")).to_contain_text("101")
    expect(page.locator("main")).to_contain_text("102")
    no_sideways_scroll(page)

    # --- 6. A volunteer signs up from a recruitment post and is approved --------------------
    post = Post.objects.create(
        name="1号采样台", kind=Post.Kind.SAMPLING, area=world.grid1, headcount=1
    )
    start = dt.datetime.combine(today, dt.time(8), tzinfo=TZ)
    shift = Shift.objects.create(
        post=post, starts_at=start, ends_at=start + dt.timedelta(hours=6), needed=1
    )
    rec = Recruitment.objects.create(
        title="今天核酸采样严重缺人",
        area=world.grid1,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=12),
        needed=3,
        created_by=commander,
    )
    rec.posts.add(post)
    volunteer_page = browser_context_factory().new_page()
    volunteer_page.goto(url + reverse("workforce:public_signup", args=[recruitment_token(rec)]))
    expect(volunteer_page.locator("h1")).to_contain_text("今天核酸采样严重缺人")
    volunteer_page.get_by_label("姓名").fill("周志愿")
    volunteer_page.get_by_label("手机号").fill("136 0000 0022")
    volunteer_page.get_by_label("登记扫码").check()
    volunteer_page.get_by_label("本人承诺", exact=False).check()
    volunteer_page.get_by_role("button", name="提交报名").click()
    signup = SignUp.objects.get()
    assert signup.phone == "13600000022" and signup.status == SignUp.Status.PENDING

    page.goto(url + reverse("workforce:recruitment_detail", args=[rec.pk]))
    page.get_by_role("button", name="通过", exact=True).click()
    signup.refresh_from_db()
    volunteer = signup.worker
    assert signup.status == SignUp.Status.APPROVED and volunteer.kind == Worker.Kind.VOLUNTEER
    link_account(
        volunteer,
        actor=world.users.admin,
        role=Role.VOLUNTEER,
        username="zhou_vol",
        password=PASSWORD,
    )

    # --- 7. The volunteer gets the sampling table's shift; the roster is published ----------
    page.goto(url + reverse("workforce:shift_detail", args=[shift.pk]))
    page.locator("form").filter(
        has=page.locator(f"input[name=worker][value='{volunteer.pk}']")
    ).get_by_role("button", name="安排").click()
    expect(page.locator("#staffed")).to_have_text("1/1")
    page.goto(url + reverse("workforce:roster") + f"?day={today:%Y-%m-%d}")
    page.get_by_role("button", name="发布草稿班次").click()
    shift.refresh_from_db()
    assert shift.published_at is not None

    # --- 8. On a phone the volunteer checks in, and out at the end of the shift --------------
    sign_in(volunteer_page, live_server, "zhou_vol", PASSWORD)
    volunteer_page.goto(url + reverse("workforce:mine"))
    card = volunteer_page.locator("[data-assignment]")
    expect(card).to_contain_text("1号采样台")
    no_sideways_scroll(volunteer_page)
    card.get_by_role("button", name="到岗签到").click()
    clock.move_to(start + dt.timedelta(hours=6, minutes=2))
    volunteer_page.goto(url + reverse("workforce:mine"))
    volunteer_page.locator("[data-assignment]").get_by_role("button", name="签退离岗").click()
    assignment = Assignment.objects.get(shift=shift, worker=volunteer)
    assert assignment.checked_in_at and assignment.checked_out_at
    assert 6 <= assignment.hours < 6.5

    # --- 9. The volunteer's hours appear on the hours page ----------------------------------
    page.goto(url + reverse("workforce:hours"))
    line = page.locator(f"#hours-table tr[data-worker='{volunteer.pk}']")
    expect(line).to_contain_text("周志愿")
    expect(line).to_contain_text(fmt_hours(assignment.hours))
