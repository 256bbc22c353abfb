"""Helpers of the dashboard tests: a fixed registry of figures (so the tests do not depend on
what the figure modules hold at the moment), a frozen report row, a clock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.command import figures as reg
from wangge.command.figures import Figure
from wangge.command.models import DailyReport, ReportArea
from wangge.support.services_board import column_querysets

NOW = dt.datetime(2030, 3, 4, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _col(key):
    return lambda at: column_querysets(at)[key]


FIGURES = (
    Figure("support.new", "support", _("诉求待分派"), _col("new"), url="support:board", left=True),
    Figure(
        "support.overdue",
        "support",
        _("诉求超时未办"),
        _col("overdue"),
        url="support:left",
        query=lambda at: "x=1",
        left=True,
        alert=True,
    ),
    Figure("support.in_progress", "support", _("诉求办理中"), _col("in_progress")),
)


@pytest.fixture(name="fixed_registry")
def fixed_registry_fixture(monkeypatch):
    monkeypatch.setattr(reg, "registry", lambda: FIGURES)
    return FIGURES


@pytest.fixture(name="clock")
def clock_fixture(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


def freeze_row(area, day: dt.date, figures: dict) -> ReportArea:
    at = dt.datetime.combine(day, dt.time(16), tzinfo=NOW.tzinfo)
    report, _created = DailyReport.objects.get_or_create(
        day=day, defaults={"cut_off_at": at, "as_of": at, "frozen_at": at}
    )
    return ReportArea.objects.create(
        report=report, area=area, level=area.level, figures=figures, missing=[]
    )
