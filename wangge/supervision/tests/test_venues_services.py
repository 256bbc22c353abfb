"""Venues services: registering with the first state, validation, state changes with dates and
their history, scope, the querysets the report uses and the summary's figures."""

from __future__ import annotations

import datetime as dt
from unittest.mock import patch

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wangge.core.models import ChangeLog
from wangge.supervision import services_venues as svc
from wangge.supervision.models_venues import Venue, VenueState

from .fixtures_venues import DAY, T0, gym, supermarket, sweep


@pytest.fixture
def clock():
    with patch("django.utils.timezone.now", return_value=T0):
        yield T0


def test_register_writes_the_first_state_and_normalises(world, clock):
    boss = world.users.commander
    v = supermarket(world.grid1, boss, owner_phone="１３６ 1234 5678", name="  欧亚超市 ")
    assert v.name == "欧亚超市"
    assert v.owner_phone == "13612345678"
    assert (v.state, v.state_since) == (Venue.State.OPEN_UNDER_RULES, DAY)
    assert v.scope_path == world.grid1.path
    first = v.states.get()
    assert (first.state, first.since, first.changed_by) == ("open_rules", DAY, boss)
    assert ChangeLog.objects.filter(model="supervision.venue", object_id=str(v.pk)).exists()
    g = gym(world.grid1, boss)
    assert g.state == Venue.State.CLOSED  # gathering venues start closed


def test_register_refuses_bad_input(world, clock):
    boss = world.users.commander
    with pytest.raises(ValidationError) as e:
        supermarket(world.grid1, boss, name=" ", owner_phone="12345")
    assert set(e.value.message_dict) == {"name", "owner_phone"}
    with pytest.raises(ValidationError) as e:
        supermarket(world.grid1, boss, since=DAY + dt.timedelta(days=1))
    assert "不能晚于今天" in e.value.message_dict["since"][0]
    with pytest.raises(ValidationError):
        supermarket(world.grid1, boss, kind="castle")
    with pytest.raises(ValidationError):
        supermarket(world.grid1, boss, state="reopened")
    assert not Venue.objects.exists()


def test_register_needs_change_over_the_area(world, clock):
    with pytest.raises(PermissionDenied):
        supermarket(world.grid1, world.users.outsider)
    with pytest.raises(PermissionDenied):
        supermarket(world.grid1, world.users.volunteer)  # no CHANGE
    with pytest.raises(PermissionDenied):
        supermarket(world.grid2, world.users.grid_leader)  # another grid
    assert supermarket(world.grid1, world.users.grid_leader).pk


def test_change_state_keeps_history_and_checks_dates(world, clock):
    boss = world.users.commander
    v = gym(world.grid1, boss, since=DAY - dt.timedelta(days=5))
    with pytest.raises(ValidationError) as e:
        svc.change_state(v, actor=boss, state="closed", since=DAY)
    assert "已是" in e.value.message_dict["state"][0]
    with pytest.raises(ValidationError) as e:
        svc.change_state(v, actor=boss, state="reopened", since=DAY + dt.timedelta(days=1))
    assert "不能晚于今天" in e.value.message_dict["since"][0]
    with pytest.raises(ValidationError) as e:
        svc.change_state(v, actor=boss, state="reopened", since=DAY - dt.timedelta(days=6))
    assert "不能早于上一状态" in e.value.message_dict["since"][0]
    row = svc.change_state(v, actor=boss, state="reopened", since=DAY, note="  通知恢复 ")
    v.refresh_from_db()
    assert (v.state, v.state_since) == ("reopened", DAY)
    assert (row.note, row.changed_by) == ("通知恢复", boss)
    assert list(v.states.values_list("state", flat=True)) == ["reopened", "closed"]
    # only a closed venue reopens
    s = supermarket(world.grid1, boss)
    with pytest.raises(ValidationError) as e:
        svc.change_state(s, actor=boss, state="reopened", since=DAY)
    assert "只有关停" in e.value.message_dict["state"][0]
    with pytest.raises(PermissionDenied):
        svc.change_state(s, actor=world.users.outsider, state="closed", since=DAY)


def test_update_venue(world, clock):
    boss = world.users.commander
    v = supermarket(world.grid1, boss)
    assert svc.update_venue(v, {"area": world.grid2, "owner_phone": "0432 8888 6666"}, actor=boss)
    v.refresh_from_db()
    assert (v.scope_path, v.owner_phone) == (world.grid2.path, "0432-88886666")
    assert VenueState.objects.get(venue=v).scope_path == world.grid2.path
    with pytest.raises(PermissionDenied):
        svc.update_venue(v, {"area": world.grid1}, actor=world.users.grid_leader)
    svc.update_venue(v, {"active": False}, actor=boss)
    with pytest.raises(ValidationError):
        svc.change_state(v, actor=boss, state="closed", since=DAY)


def test_querysets(world, clock):
    boss = world.users.commander
    s = supermarket(world.grid1, boss)
    g = gym(world.grid1, boss)
    pharmacy = supermarket(world.grid2, boss, name="大药房", kind="pharmacy")
    svc.update_venue(pharmacy, {"active": False}, actor=boss)
    assert set(svc.supply_venues()) == {s}
    assert set(svc.venues_in("closed")) == {g}
    a = sweep(s, shift="day")
    b = sweep(g, shift="night", at=T0 + dt.timedelta(hours=12))
    sweep(g, at=T0 - dt.timedelta(days=1))
    from wangge.supervision.models import Inspection

    Inspection.objects.create(
        area=world.grid1, target_type="checkpoint", target_name="卡口", inspected_at=T0
    )
    assert set(svc.sweeps_on(DAY)) == {a, b}
    assert set(svc.sweeps_on(DAY, "night")) == {b}


def test_summary_figures(world, clock):
    boss = world.users.commander
    s1 = supermarket(world.grid1, boss, since=DAY - dt.timedelta(days=10))
    s2 = supermarket(world.grid2, boss, name="大润发", since=DAY - dt.timedelta(days=10))
    svc.change_state(s2, actor=boss, state="closed", since=DAY - dt.timedelta(days=2))
    g1 = gym(world.grid1, boss, since=DAY - dt.timedelta(days=10))
    svc.change_state(g1, actor=boss, state="reopened", since=DAY)
    gym(world.grid2, boss, name="棋牌室", kind="entertainment", since=DAY - dt.timedelta(days=3))
    sweep(s1, findings=2, open_findings=1)
    sweep(g1, shift="night", findings=1)
    sweep(s2, at=T0 - dt.timedelta(days=5), findings=3)  # before the period

    out = svc.summary(boss, DAY - dt.timedelta(days=1), DAY)
    assert (out.supply, out.supply_open, out.closed, out.reopened) == (2, 1, 2, 1)
    assert (out.day_sweeps, out.night_sweeps, out.findings, out.open_findings) == (1, 1, 3, 1)
    assert out.sentence == (
        "管理超市 2 家（限流开放 1 家），关停场所 2 家，恢复营业 1 家；"
        "日间巡查 1 次、夜间巡查 1 次，发现问题 3 个"
    )
    # states as they stood at the end of the period (g1 reopened only today; the entertainment
    # venue registered three days ago did not exist yet)
    before = svc.summary(boss, DAY - dt.timedelta(days=4), DAY - dt.timedelta(days=4))
    assert (before.supply, before.supply_open, before.closed, before.reopened) == (2, 2, 1, 0)
    grid1 = svc.summary(boss, DAY, DAY, world.grid1.path)
    assert (grid1.supply, grid1.closed, grid1.reopened, grid1.findings) == (1, 0, 1, 3)
    assert svc.summary(world.users.outsider, DAY, DAY).supply == 0
    assert svc.summary(world.users.grid_leader, DAY, DAY).supply == 1
