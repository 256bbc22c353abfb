"""The daily returnee report (返来人员日报): per grid, with its grid leader, the arrivals of each
day of a period, the period's arrivals by origin level (high, medium, low, none) and the
cumulative person-checks (累计排查人次): the arrivals plus the people checked by the canvass
visits that answered in the same area and period (the persons listed in a visit's answers, or
one per visit without such a list).

Bounded queries whatever the size of the area: one grouped query for the arrivals, one for the
visits, one for the grids and one for their leaders.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import NotSupportedError
from django.db.models import Count, F, Func, IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.exports import XlsxColumn
from wangge.core.scope import VIEW
from wangge.people.leaders import leaders
from wangge.places.models import Area

from .forms_returnees import NO_LEVEL
from .models import Arrival, Outcome, RiskLevel, Visit

LEVELS = {
    RiskLevel.HIGH: gettext_lazy("高风险"),
    RiskLevel.MEDIUM: gettext_lazy("中风险"),
    RiskLevel.LOW: gettext_lazy("低风险"),
    NO_LEVEL: gettext_lazy("非风险地区"),
}


class PersonsAnswered(Func):
    """The length of a visit's answers["persons"] when it is a list, else NULL."""

    output_field = IntegerField()
    arity = 1

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError("PersonsAnswered needs SQLite or PostgreSQL")

    def as_sqlite(self, compiler, connection, **extra):
        template = (
            "(CASE WHEN json_type(%(expressions)s, '$.persons') = 'array' "
            "THEN json_array_length(%(expressions)s, '$.persons') END)"
        )
        return super().as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        template = (
            "(CASE WHEN jsonb_typeof(%(expressions)s -> 'persons') = 'array' "
            "THEN jsonb_array_length(%(expressions)s -> 'persons') END)"
        )
        return super().as_sql(compiler, connection, template=template, **extra)


@dataclass
class Line:
    """One grid of the report (or the total)."""

    label: str
    community: str = ""
    leader_name: str = ""
    leader_phone: str = ""
    grid_id: int | None = None
    days: list[int] = field(default_factory=list)
    levels: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    arrivals: int = 0
    visits: int = 0
    visit_persons: int = 0

    @property
    def checks(self) -> int:
        return self.arrivals + self.visit_persons

    def level_counts(self) -> list[int]:
        return [self.levels[k] for k in LEVELS]


@dataclass
class Report:
    start: dt.date
    end: dt.date
    days: list[dt.date]
    lines: list[Line]
    total: Line


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return lo, hi


def build_report(
    user, start: dt.date, end: dt.date, *, prefix: str = "", action: str = VIEW
) -> Report:
    """The report of the days `start`..`end` over what `user` may see below `prefix`."""
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    index = {d: i for i, d in enumerate(days)}
    arrivals = Arrival.objects.for_user(user, action).filter(arrived_on__range=(start, end))
    lo, hi = _bounds(start, end)
    visits = Visit.objects.for_user(user, action).filter(
        outcome=Outcome.ANSWERED, visited_at__gte=lo, visited_at__lt=hi
    )
    grids = Area.objects.for_user(user, action).filter(level=Area.Level.GRID)
    if prefix:
        arrivals, visits, grids = (
            arrivals.within(prefix),
            visits.within(prefix),
            grids.within(prefix),
        )
    arrival_rows = (
        arrivals.values("area_id", "arrived_on", "origin_level").annotate(n=Count("pk")).order_by()
    )
    visit_rows = (
        visits.values(grid=F("household__building__area_id"))
        .annotate(
            n=Count("pk"),
            persons=Sum(Coalesce(NullIf(PersonsAnswered("answers"), Value(0)), Value(1))),
        )
        .order_by()
    )
    by_grid: dict[int, Line] = {}

    def line(grid_id: int) -> Line:
        if grid_id not in by_grid:
            by_grid[grid_id] = Line("", grid_id=grid_id, days=[0] * len(days))
        return by_grid[grid_id]

    for row in arrival_rows:
        target = line(row["area_id"])
        target.days[index[row["arrived_on"]]] += row["n"]
        target.levels[row["origin_level"] or NO_LEVEL] += row["n"]
        target.arrivals += row["n"]
    for row in visit_rows:
        target = line(row["grid"])
        target.visits += row["n"]
        target.visit_persons += row["persons"] or 0
    areas = (
        Area.objects.filter(Q(pk__in=list(by_grid)) | Q(pk__in=grids.values("pk")))
        .select_related("parent")
        .order_by("path")
    )
    lines = []
    for area in areas:
        target = line(area.pk)
        target.label = area.name
        target.community = area.parent.name if area.parent_id else ""
        lines.append(target)
    chiefs = leaders("grid", area_id__in=[x.grid_id for x in lines])
    total = Line(_("合计"), days=[0] * len(days))
    for target in lines:
        target.leader_name, target.leader_phone = chiefs.get(target.grid_id, ("", ""))
        total.days = [a + b for a, b in zip(total.days, target.days, strict=True)]
        for key, n in target.levels.items():
            total.levels[key] += n
        total.arrivals += target.arrivals
        total.visits += target.visits
        total.visit_persons += target.visit_persons
    return Report(start, end, days, lines, total)


def day_label(day: dt.date) -> str:
    return _("%(month)d月%(day)d日") % {"month": day.month, "day": day.day}


def export_columns(report: Report) -> list[XlsxColumn]:
    return [
        XlsxColumn(_("社区"), 14),
        XlsxColumn(_("网格"), 14),
        XlsxColumn(_("网格长"), 10),
        XlsxColumn(_("网格长电话"), 14, text=True),
        *[XlsxColumn(day_label(d), 8) for d in report.days],
        *[XlsxColumn(str(label), 9) for label in LEVELS.values()],
        XlsxColumn(_("返来人员合计"), 12),
        XlsxColumn(_("入户排查人次"), 12),
        XlsxColumn(_("累计排查人次"), 12),
    ]


def export_rows(report: Report):
    for target in [*report.lines, report.total]:
        yield [
            target.community,
            target.label,
            target.leader_name,
            target.leader_phone,
            *target.days,
            *target.level_counts(),
            target.arrivals,
            target.visit_persons,
            target.checks,
        ]
