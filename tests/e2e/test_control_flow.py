"""Control measures on phones, end to end: a pool comes back positive in a testing round; the
street commander places its people under home quarantine in one step and prints one PDF with
their notices, commitment forms and door signs; the grid leader does the day's follow-ups on a
phone, one with a fever that lands on the commander's alert list at once; the commander has
that person taken to the quarantine site, where they are checked into a room; on the end date
(the clock moved forward) the other person is on the release list and is released, the door
sign recorded as removed."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import time
from decimal import Decimal
from unittest import mock

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from wangge.control import services_site_setup
from wangge.control.models import (
    Alert,
    ControlOrder,
    FollowUp,
    OrderDocument,
    Stay,
    Transfer,
)
from wangge.control.tests.orders_data import positive_round
from wangge.core.models import AccessLog

from .conftest import sign_in
from .test_canvass_flow import no_sideways_scroll

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _seeded_measures(db):
    """The rows the data migrations seed (levels, measures, follow-up rules): an earlier
    transactional test has flushed every table, so seed them again the same way."""
    from django.apps import apps

    for name in ("0002_default_levels_and_types", "0004_followup_rules"):
        importlib.import_module(f"wangge.control.migrations.{name}").seed(apps, None)


TZ = timezone.get_current_timezone()


class Clock:
    """timezone.now() for the server and the test: a chosen local time that runs on with the
    real clock (so that each step is later than the one before), and can be moved."""

    def __init__(self, start: dt.datetime):
        self.start, self.real = start, time.monotonic()

    def __call__(self) -> dt.datetime:
        return self.start + dt.timedelta(seconds=time.monotonic() - self.real)

    def move_to(self, when: dt.datetime) -> None:
        self.start, self.real = when, time.monotonic()


def _vehicle_and_site(world):
    from wangge.control.services_vehicles import create_vehicle

    commander = world.users.commander
    create_vehicle(
        actor=commander,
        area=world.street,
        plate="吉B12345",
        driver_name="郑师傅",
        driver_phone="13600000088",
        seats=4,
    )
    site = services_site_setup.create_site(
        actor=commander, area=world.street, name="北京路集中隔离酒店", phone="13600000066"
    )
    services_site_setup.add_rooms(
        site, actor=commander, building="1号楼", floors=(2, 2), rooms=(1, 3)
    )
    return site


def test_positive_pool_to_quarantine_follow_ups_transfer_and_release(
    world, live_server, page: Page, browser_context_factory, tmp_path
):
    today = timezone.localdate()
    clock = Clock(dt.datetime.combine(today, dt.time(12, 0), tzinfo=TZ))
    patcher = mock.patch("django.utils.timezone.now", side_effect=clock)
    patcher.start()
    try:
        _flow(world, live_server, page, browser_context_factory, clock, today, tmp_path)
    finally:
        patcher.stop()


def _flow(world, live_server, page, browser_context_factory, clock, today, tmp_path):
    url = live_server.url
    rnd = positive_round(world)  # pool P1: 张伟 and 王芳 positive
    site = _vehicle_and_site(world)

    # --- 1. The commander places the positive pool's people under home quarantine -------------
    sign_in(page, live_server, "commander_a", PASSWORD)
    page.goto(url + reverse("testing:positives", args=[rnd.pk]))
    page.click("#pool-to-orders")
    expect(page.locator("#candidates")).to_contain_text("张伟")
    expect(page.locator("#candidates")).to_contain_text("王芳")
    page.select_option("select[name=worker]", label="grid1_leader")
    no_sideways_scroll(page)
    page.click("#place-all")
    expect(page.locator("#result-counts")).to_contain_text("2")
    orders = {o.person.name: o for o in ControlOrder.objects.select_related("person")}
    assert set(orders) == {"张伟", "王芳"}
    zhang, wang = orders["张伟"], orders["王芳"]
    assert zhang.order_type.code == "home_quarantine" and zhang.source == "positive_tube"
    assert zhang.ends_on == today + dt.timedelta(days=13)
    assert zhang.worker == world.users.grid_leader

    # --- 2. One PDF with notices, commitment forms and door signs for both -------------------
    with page.expect_download() as download:
        page.click("#result-pdf")
    pdf = pypdf.PdfReader(io.BytesIO(download.value.path().read_bytes()))
    assert len(pdf.pages) == 6  # two people × three documents
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "张伟" in text and "王芳" in text and "告知书" in text and "承诺书" in text
    signs = [p.extract_text() for p in pdf.pages if "张*" in p.extract_text()]
    assert signs and "14" in signs[0]  # the door sign: 14 days remaining today
    assert "张伟" not in signs[0]
    assert AccessLog.objects.filter(kind="print", rows=2).exists()
    # The door sign goes up on 张伟's door: recorded on his order's paperwork page.
    page.goto(url + reverse("control:order_documents", args=[zhang.pk]))
    page.locator(
        "form:has(input[name=action][value=serve]):has(input[name=kind][value=door_sign]) button"
    ).click()
    sign = OrderDocument.objects.get(order=zhang, kind="door_sign")
    assert sign.served_at and sign.removed_at is None

    # --- 3. The grid leader does today's follow-ups on a phone; one has a fever ---------------
    leader_ctx = browser_context_factory()
    leader = leader_ctx.new_page()
    sign_in(leader, live_server, "grid1_leader", PASSWORD)
    leader.goto(url + reverse("control:my_followups"))
    no_sideways_scroll(leader)
    for order, temperature in ((zhang, "36.5"), (wang, "38.4")):
        morning = FollowUp.objects.get(order=order, day=today, label="上午体温")
        row = leader.locator(f"[data-followup='{morning.pk}']")
        expect(row).to_contain_text("逾期")  # due by 10:00, it is noon
        row.get_by_role("link", name="记录").click()
        leader.fill("input[name=temperature]", temperature)
        leader.get_by_role("button", name="保存").click()
        leader.wait_for_load_state("networkidle")
    expect(leader.locator("body")).to_contain_text("指挥长")  # told the commander was alerted
    assert FollowUp.objects.filter(order__in=[zhang, wang], done_at__isnull=False).count() == 2
    alert = Alert.objects.get()
    assert alert.person == wang.person and alert.temperature == Decimal("38.4")

    # The commander sees the fever at once.
    page.goto(url + reverse("control:alert_list"))
    expect(page.locator("body")).to_contain_text("38.4")
    expect(page.locator("body")).to_contain_text("王*")
    tab = page.locator("nav.nav-pills .active").bounding_box()  # its tab scrolled into view
    assert tab["x"] >= 0 and tab["x"] + tab["width"] <= 375

    # --- 4. 王芳 is taken to the quarantine site and checked into a room ------------------------
    page.goto(url + reverse("control:transfer_create") + f"?order={wang.pk}")
    page.select_option("select[name=site]", label=site.name)
    page.fill("[name=reason]", "发热，转集中隔离观察")
    page.get_by_role("button", name="提交申请").click()
    transfer = Transfer.objects.get()
    assert transfer.status == Transfer.Status.REQUESTED
    page.goto(url + reverse("control:transfer_board"))
    no_sideways_scroll(page)
    page.get_by_role("link", name="派车").click()
    page.select_option("select[name=vehicle]", index=1)
    page.get_by_role("button", name="确认").click()
    page.goto(url + reverse("control:transfer_board"))
    page.get_by_role("button", name="已接到").click()
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.PICKED_UP and transfer.vehicle.plate == "吉B12345"

    page.goto(url + reverse("control:site_checkin", args=[site.pk]) + f"?transfer={transfer.pk}")
    page.locator(f"[data-transfer='{transfer.pk}']").get_by_role("link", name="王* 入住").click()
    page.select_option("select[name=room]", index=1)
    page.get_by_role("button", name="确认入住").click()
    stay = Stay.objects.get()
    assert stay.person == wang.person and stay.site == site and stay.transfer == transfer
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.HANDED_OVER and transfer.handed_over_at
    page.goto(url + reverse("control:site_detail", args=[site.pk]))
    expect(page.locator("body")).to_contain_text("王*")
    no_sideways_scroll(page)

    # --- 5. On the end date 张伟 is on the release list and is released ------------------------
    clock.move_to(dt.datetime.combine(zhang.ends_on, dt.time(9, 0), tzinfo=TZ))
    sign_in(page, live_server, "commander_a", PASSWORD)  # the session has expired meanwhile
    page.goto(url + reverse("control:release_list"))
    release_list = page.locator("#release-list")
    expect(release_list).to_contain_text("张伟")
    no_sideways_scroll(page)
    page.locator(f"button[name=one][value='{zhang.pk}']").click()
    page.wait_for_load_state("networkidle")
    zhang.refresh_from_db()
    assert zhang.status == ControlOrder.Status.RELEASED and zhang.released_at
    expect(page.locator("#release-list")).not_to_contain_text("张伟")
    # His door sign is recorded as taken down with the release.
    sign.refresh_from_db()
    assert sign.removed_at is not None
    # Nothing is left pending for him: his later follow-ups are gone.
    assert not FollowUp.objects.filter(
        order=zhang, done_at__isnull=True, due_at__gt=timezone.now()
    ).exists()
