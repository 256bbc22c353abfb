"""在岗与报送 (are people at their posts, has every unit reported): for inspectors to follow up.

- posts under-staffed now and in the next hours, and people on a running shift who have not
  checked in: `wangge.workforce.services_left.understaffed` / `absent` (the roster's own lists);
- units that have not reported today: grids without their grid report (`command.GridReport`)
  and active quarantine sites (`control.Site`) without the day's site report
  (`control.SiteReport`), each with the person to call: the reports part's list
  (`command.missing.missing(day, at, prefix)`, the same as in the daily report).

Scope: `prefix` is an area the caller has checked the user covers; the roster lists are scoped
to the user as well.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.exports import XlsxColumn
from wangge.core.scope import VIEW
from wangge.places.models import Area
from wangge.workforce import services_left

from .missing import kind_label
from .missing import missing as reports_missing

HORIZON_HOURS = 12


def missing(day: dt.date, at: dt.datetime, prefix: str = "") -> list[dict]:
    """The units not reported for `day` by `at` below `prefix` (the reports part's list)."""
    return reports_missing(day, at, prefix)


@dataclass
class Unit:
    kind: str
    name: str
    parent: str
    path: str
    leader: str
    phone: str

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    def line(self) -> list:
        return [
            _("未报送"),
            self.name,
            self.kind_label,
            self.parent,
            "",
            _("今日未报送"),
            "",
            self.leader,
            self.phone,
        ]


@dataclass
class Attendance:
    at: dt.datetime
    gaps: list
    absent: list
    units: list[Unit]

    @property
    def gaps_running(self) -> int:
        return sum(1 for g in self.gaps if g.running)

    @property
    def total(self) -> int:
        return len(self.gaps) + len(self.absent) + len(self.units)


def attendance(
    user,
    area: Area,
    *,
    now: dt.datetime | None = None,
    horizon_hours: int = HORIZON_HOURS,
    action: str = VIEW,
) -> Attendance:
    now = now or timezone.now()
    prefix = area.path
    gaps = services_left.understaffed(
        user, now=now, horizon_hours=horizon_hours, prefix=prefix, action=action
    )
    away = services_left.absent(user, now=now, prefix=prefix, action=action)
    units = [
        Unit(
            u.get("kind", ""),
            u.get("name", ""),
            u.get("parent", ""),
            u.get("path", ""),
            u.get("leader", ""),
            u.get("phone", ""),
        )
        for u in missing(timezone.localdate(now), now, prefix)
    ]
    return Attendance(now, gaps, away, units)


def columns() -> list[XlsxColumn]:
    return services_left.left_columns()


def lines(data: Attendance):
    """The rows of the .xlsx: gaps, absences, then the units not reported (phones as in the
    roster's own export: a worker's masked, the leaders' in full)."""
    for g in data.gaps:
        yield g.line()
    for a in data.absent:
        yield a.line()
    for u in data.units:
        yield u.line()
