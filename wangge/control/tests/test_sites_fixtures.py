"""Shared fixtures of the quarantine site tests (no tests here): a site of world.street with
rooms 1号楼 201–203 and 301–303 (201 a double room, 303 out of service), a nurse whose only
access is her place on the site's staff, and helpers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from wangge.accounts.models import RoleAssignment, User
from wangge.accounts.roles import Role
from wangge.control import services_site_setup as site_setup
from wangge.control.models import OrderType


@pytest.fixture
def site(world):
    commander = world.users.commander
    s = site_setup.create_site(
        actor=commander, area=world.street, name="北京路集中隔离酒店", phone="13600000066"
    )
    site_setup.add_rooms(s, actor=commander, building="1号楼", floors=(2, 3), rooms=(1, 3))
    site_setup.update_room(s.rooms.get(number="201"), {"capacity": 2}, actor=commander)
    site_setup.update_room(s.rooms.get(number="303"), {"out_of_service": True}, actor=commander)
    return s


def room(site, number: str, building: str = "1号楼"):
    return site.rooms.get(building=building, number=number)


@pytest.fixture
def nurse(world, site):
    """An account with no role anywhere, on the site's health observation group."""
    user = User.objects.create_user("nurse_bai", password="x-Secret-2022", display_name="白护士")
    site_setup.add_staff(
        site, actor=world.users.commander, group="health", name="白护士", user=user
    )
    return user


@pytest.fixture
def inspector(world):
    """May only look at the street (VIEW)."""
    user = User.objects.create_user("inspector_a", password="x-Secret-2022")
    RoleAssignment.objects.create(user=user, role=Role.INSPECTOR, area=world.street)
    return user


def central():
    return OrderType.objects.get(code="central_quarantine")


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))
