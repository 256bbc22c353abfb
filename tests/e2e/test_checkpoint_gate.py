"""The estate gate on a phone, end to end: passes issued for 阳光小区; one person of a
household goes out, the second of the same household is refused the same day, a sealed
household is refused, a dialysis patient of the sealed household goes through the green
channel; the network goes, two more passes are decided on the phone (signatures checked
locally) and queued; back online, the queue syncs and each is recorded once."""

from __future__ import annotations

import datetime as dt
import importlib
import time
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from wangge.checkpoints import passes
from wangge.checkpoints.models import Checkpoint, Passage, PassPolicy
from wangge.control.models import DesignationLevel
from wangge.control.services import designate

from .conftest import sign_in
from .test_canvass_flow import no_sideways_scroll
from .test_control_flow import Clock

pytestmark = pytest.mark.django_db(transaction=True)
TZ = timezone.get_current_timezone()


@pytest.fixture(autouse=True)
def _seeded_measures(db):
    """The risk levels the data migrations seed (a sealed household needs them): an earlier
    transactional test has flushed every table, so seed them again the same way."""
    from django.apps import apps

    importlib.import_module("wangge.control.migrations.0002_default_levels_and_types").seed(
        apps, None
    )


def test_gate_online_green_channel_offline_and_sync(world, live_server, page: Page):
    today = timezone.localdate()
    clock = Clock(dt.datetime.combine(today, dt.time(12, 0), tzinfo=TZ))
    patcher = mock.patch("django.utils.timezone.now", side_effect=clock)
    patcher.start()
    try:
        _flow(world, live_server, page, today)
    finally:
        patcher.stop()


def _code(page: Page, token: str) -> None:
    page.fill("#gate-code", token)
    page.click("#gate-check")


def _flow(world, live_server, page: Page, today):
    commander = world.users.commander
    gate = Checkpoint.objects.create(
        name="阳光小区东门", kind=Checkpoint.Kind.ESTATE_GATE, area=world.community
    )
    gate.estates.add(world.estate)
    PassPolicy.objects.create(estate=world.estate, persons=1, period_days=1, starts_on=today)
    issued, _ = passes.issue(
        list(passes.estate_households(world.estate)),
        actor=commander,
        valid_until=today + dt.timedelta(days=7),
    )
    token = {card.household_id: passes.token(card) for card in issued}
    designate(
        world.u12, DesignationLevel.objects.get(code="sealed"), actor=commander, reason="阳性"
    )

    # As on a phone reaching a street office's server over plain http (no secure context):
    # the browser has no WebCrypto, and the offline check must not need it.
    page.context.add_init_script("Object.defineProperty(crypto, 'subtle', {get: () => undefined})")
    sign_in(page, live_server, "commander_a", PASSWORD)
    page.goto(live_server.url + reverse("checkpoints:gate", args=[gate.pk]))
    assert page.evaluate("crypto.subtle === undefined")
    page.wait_for_selector("body[data-gate-ready]")
    no_sideways_scroll(page)
    answer = page.locator("#gate-answer")

    # --- 1. One person of 101 goes out; the second of the household is refused -------------
    _code(page, token[world.h101.pk])
    expect(answer.locator(".wg-allowed")).to_contain_text("放行")
    expect(answer).to_contain_text("1号楼1单元101室")
    _code(page, token[world.h101.pk])
    expect(answer.locator(".wg-refused")).to_contain_text("不予放行")
    expect(answer).to_contain_text("每户每天1人")

    # --- 2. The sealed household is refused; its dialysis patient goes by the green channel --
    _code(page, token[world.h201.pk])
    expect(answer.locator(".wg-refused")).to_contain_text("封控")
    page.fill("#gate-code", token[world.h201.pk])
    page.click("#gate-green")
    page.click("label[for=green-dialysis]")
    page.fill("#gate-green-escort", "家属 13800000099")
    page.fill("#gate-green-reason", "市医院透析")
    page.click("#gate-green-panel button[type=submit]")
    expect(answer.locator(".wg-green")).to_contain_text("绿色通道")
    expect(answer).to_contain_text("血液透析")
    green = Passage.objects.get(outcome="green")
    assert green.household == world.h201 and green.green == "dialysis"
    assert green.escort == "家属 13800000099"
    assert Passage.objects.filter(outcome="refused").count() == 2

    # --- 3. Offline: two passes decided on the phone and queued ------------------------------
    page.context.set_offline(True)
    expect(page.locator("#gate-net")).to_have_text("离线")
    _code(page, token[world.h102.pk])
    expect(answer.locator(".wg-allowed")).to_contain_text("放行")
    expect(answer).to_contain_text("离线判断")
    _code(page, token[world.h2_101.pk])
    expect(answer.locator(".wg-allowed")).to_contain_text("离线判断")
    expect(page.locator("#gate-queued")).to_have_text("待同步 2")
    # The same household again while offline: its quota is counted on the phone.
    _code(page, token[world.h102.pk])
    expect(answer.locator(".wg-refused")).to_contain_text("每户每天1人")
    # An ID number cannot be checked offline (and nothing is queued for it).
    _code(page, world.zhang.id_number)
    expect(answer).to_contain_text("无法核验")
    expect(page.locator("#gate-queued")).to_have_text("待同步 3")
    assert not Passage.objects.filter(offline=True).exists()

    # --- 4. Back online: the queue syncs once --------------------------------------------------
    posts = []
    page.on(
        "request",
        lambda r: posts.append(r.url) if r.method == "POST" and "/passages" in r.url else None,
    )
    page.context.set_offline(False)
    expect(page.locator("#gate-queued")).to_be_hidden(timeout=20_000)
    expect(page.locator("#gate-net")).to_have_text("在线")
    time.sleep(1)
    offline = Passage.objects.filter(offline=True)
    assert offline.count() == 3
    allowed = offline.filter(outcome="allowed")
    assert {p.household_id for p in allowed} == {world.h102.pk, world.h2_101.pk}
    assert allowed.count() == 2
    assert offline.filter(outcome="refused", household=world.h102).count() == 1
    assert len(posts) == 3  # each queued passage posted once
    # A reload does not send anything again.
    page.reload()
    page.wait_for_selector("body[data-gate-ready]")
    time.sleep(1)
    assert Passage.objects.filter(offline=True).count() == 3 and len(posts) == 3
