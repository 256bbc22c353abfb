"""Shared fixtures of the follow-up tests (imported by the test_followups_* modules): a clock
that moves django.utils.timezone.now, and two home quarantine orders placed on 2022-04-10 —
张伟 in grid 1 followed up by the volunteer, 刘洋 in grid 2 followed up by 孙网格员 (no account)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from unittest.mock import patch
from zoneinfo import ZoneInfo

import pytest

from wangge.accounts.models import RoleAssignment, User
from wangge.accounts.roles import Role
from wangge.control.models import OrderType
from wangge.control.services import place_order

DAY = dt.date(2022, 4, 10)
TZ = ZoneInfo("Asia/Shanghai")


def at(hour: int, minute: int = 0, days: int = 0) -> dt.datetime:
    """An aware time on DAY (+ days) in the site's time zone."""
    return dt.datetime.combine(DAY + dt.timedelta(days=days), dt.time(hour, minute), tzinfo=TZ)


class Clock:
    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, hour: int, minute: int = 0, days: int = 0) -> None:
        self.now = at(hour, minute, days)


@pytest.fixture
def clock():
    """Time stands at 08:00 on DAY until the test moves it."""
    c = Clock(at(8))
    with patch("django.utils.timezone.now", c):
        yield c


@pytest.fixture
def orders(world, clock):
    kind = OrderType.objects.get(code="home_quarantine")
    zhang = place_order(
        world.zhang,
        kind,
        actor=world.users.commander,
        source="manual",
        reason="密接",
        worker=world.users.volunteer,
        worker_name="志愿者小王",
        worker_phone="13600000001",
    )
    liu = place_order(
        world.liu,
        kind,
        actor=world.users.commander,
        source="manual",
        reason="密接",
        worker_name="孙网格员",
        worker_phone="13600000002",
    )
    return SimpleNamespace(zhang=zhang, liu=liu, kind=kind)


@pytest.fixture
def inspector(world):
    user = User.objects.create_user("inspector_f", password="x-Secret-2022")
    RoleAssignment.objects.create(user=user, role=Role.INSPECTOR, area=world.street)
    return user


def today_of(order, label: str):
    """The order's follow-up on the clock's day with this label."""
    from django.utils import timezone

    return order.followups.get(day=timezone.localdate(), label=label)


MORNING, AFTERNOON, SYMPTOMS = "上午体温", "下午体温", "症状询问"
