"""Fixtures of the control tests: `orders`, what the paperwork tests print and record (a test
module may define its own `orders`)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from wangge.control.models import OrderType
from wangge.control.services import place_order


@pytest.fixture
def orders(world):
    """张伟 under home quarantine since two days ago (a named worker), 刘洋 (grid 2) under
    central quarantine from today, and 吴敏 of the other street under home quarantine."""
    today = timezone.localdate()
    zhang = place_order(
        world.zhang,
        OrderType.objects.get(code="home_quarantine"),
        actor=world.users.commander,
        source="contact_list",
        reason="密接",
        starts_on=today - dt.timedelta(days=2),
        worker_name="马社工",
        worker_phone="13611112222",
    )
    liu = place_order(
        world.liu,
        OrderType.objects.get(code="central_quarantine"),
        actor=world.users.commander,
        source="positive_tube",
        reason="混管阳性",
    )
    other = place_order(
        world.other_person,
        OrderType.objects.get(code="home_quarantine"),
        actor=world.users.outsider,
        source="manual",
        reason="外街道",
    )
    return zhang, liu, other
