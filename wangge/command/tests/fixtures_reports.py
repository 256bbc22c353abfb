"""Helpers of the reports tests: a clock, a fixed registry of the support figures (so most tests
do not depend on what the other figure modules hold at the moment), support requests, a
quarantine site, and a report of world.street alone (the scope tests)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from wangge.command import figures as reg
from wangge.command.figures_support import FIGURES as SUPPORT_FIGURES
from wangge.command.models import DailyReport, ReportArea
from wangge.control.models_sites import Site, SiteStaff
from wangge.support.models import SupportKind, SupportRequest

DAY = dt.date(2030, 3, 4)


def local(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


CUT = local(16)


@pytest.fixture
def clock(monkeypatch):
    """timezone.now() is 14:00 of DAY; clock(datetime) moves it."""

    def set_to(when: dt.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: when)

    set_to(local(14))
    return set_to


@pytest.fixture
def support_only(monkeypatch):
    monkeypatch.setattr(reg, "registry", lambda: tuple(SUPPORT_FIGURES))
    return SUPPORT_FIGURES


def request_for(household, *, status="new", due_in=60, **fields) -> SupportRequest:
    return SupportRequest.objects.create(
        household=household,
        kind=SupportKind.objects.get(code="groceries"),
        source=SupportRequest.Source.WORKER,
        due_at=timezone.now() + dt.timedelta(minutes=due_in),
        status=status,
        **fields,
    )


def make_site(area, name="江城宾馆隔离点") -> Site:
    site = Site.objects.create(name=name, area=area, phone="043288880000")
    SiteStaff.objects.create(
        site=site, group=SiteStaff.Group.INFORMATION, name="郑信息", phone="13655550001"
    )
    return site


def street_report(world, day: dt.date, figures: dict | None = None) -> DailyReport:
    """A frozen report of world.street's chain only, as a street's own server makes it."""
    at = dt.datetime.combine(day, dt.time(16), tzinfo=timezone.get_current_timezone())
    report = DailyReport.objects.create(day=day, cut_off_at=at, as_of=at, frozen_at=at)
    figures = figures if figures is not None else {"support.new": 2, "support.overdue": 1}
    missing = [
        {
            "kind": "grid",
            "name": "第二网格",
            "parent": "兴华社区",
            "path": world.grid2.path,
            "leader": "",
            "phone": "",
        }
    ]
    for area in (world.street, world.community, world.grid1, world.grid2):
        ReportArea.objects.create(
            report=report,
            area=area,
            level=area.level,
            figures=figures,
            missing=[m for m in missing if m["path"].startswith(area.path)],
        )
    return report


def district_commander(world):
    """A commander of the whole district: keeps what every street shares (the cut-off)."""
    from wangge.accounts.models import RoleAssignment, User
    from wangge.accounts.roles import Role

    user = User.objects.create_user("district_commander", password="x-Secret-2022")
    RoleAssignment.objects.create(user=user, role=Role.COMMANDER, area=world.district)
    return user
