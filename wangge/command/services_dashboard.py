"""The commander's dashboard (指挥大屏): one area's figures now from the figure registry
(`figures.for_area`, one query per figure), grouped by section; the "who is left" counts of every
operation with links to their lists; the alert figures that are not zero; and the charts over
the last days from the frozen daily reports (`ReportArea` of the area).

Scope: the dashboard shows an area the user covers (VIEW); `area_for` raises Http404 for any
other. The figures are counted below the area's path, so they are the user's own rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.http import Http404
from django.utils import timezone

from wangge.core.scope import ALL_SCOPE, VIEW, covers, scope_paths
from wangge.places.models import Area

from . import figures as reg
from .models import ReportArea

CHART_DAYS = (7, 14)


def top_area(user, action: str = VIEW) -> Area | None:
    """The highest area the user covers (their own street, community or grid)."""
    paths = scope_paths(user, action)
    if not paths:
        return None
    qs = Area.objects.all() if ALL_SCOPE in paths else Area.objects.filter(path__in=paths)
    return qs.order_by("level", "path").first()


def area_for(user, ref: str, action: str = VIEW) -> Area:
    """The area ?area= names (default: the user's top area); 404 outside the user's scope."""
    if ref:
        if not ref.isdigit():
            raise Http404
        area = Area.objects.filter(pk=int(ref)).select_related("parent").first()
        if area is None or not covers(user, area.path, action):
            raise Http404
        return area
    area = top_area(user, action)
    if area is None:
        raise Http404
    return area


def picker(user, area: Area, action: str = VIEW) -> dict:
    """The area picker: the chain from the user's top area down to `area` (breadcrumbs), the
    streets and communities the user covers (a select), and `area`'s children (drill-down)."""
    ids = [int(p) for p in area.path.strip("/").split("/") if p]
    chain = [a for a in Area.objects.filter(pk__in=ids).order_by("level") if covers(user, a.path)]
    choices = list(
        Area.objects.for_user(user, action).filter(level__lt=Area.Level.GRID).order_by("path")[:300]
    )
    if area.pk not in {a.pk for a in choices}:
        choices.append(area)
    children = list(area.children.order_by("code", "pk"))
    return {"chain": chain, "choices": choices, "children": children}


@dataclass
class Shown:
    """One figure as the dashboard shows it."""

    key: str
    section: str
    label: str
    value: int
    url: str
    left: bool
    alert: bool

    @property
    def alerting(self) -> bool:
        return self.alert and self.value > 0

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "section": self.section,
            "label": self.label,
            "value": self.value,
            "url": self.url,
            "left": self.left,
            "alert": self.alert,
        }


@dataclass
class Section:
    key: str
    heading: str
    figures: list[Shown] = field(default_factory=list)


@dataclass
class Board:
    """The area's figures now."""

    area: Area
    at: dt.datetime
    figures: list[Shown]

    @property
    def sections(self) -> list[Section]:
        by_key = {key: Section(key, str(heading)) for key, heading in reg.SECTIONS.items()}
        for f in self.figures:
            by_key.setdefault(f.section, Section(f.section, f.section)).figures.append(f)
        return [s for s in by_key.values() if s.figures]

    @property
    def left(self) -> list[Shown]:
        return [f for f in self.figures if f.left]

    @property
    def alerts(self) -> list[Shown]:
        return [f for f in self.figures if f.alerting]


def board(area: Area, at: dt.datetime | None = None) -> Board:
    """The figures of `area` at `at` (now), one query per figure."""
    at = at or timezone.now()
    counts = reg.for_area(at, area.path)
    shown = [
        Shown(
            f.key,
            f.section,
            str(f.label),
            counts.get(f.key, 0),
            f.link(at, area),
            f.left,
            f.alert,
        )
        for f in reg.registry()
    ]
    return Board(area, at, shown)


# --- charts from the frozen daily reports -------------------------------------------------------


def frozen_rows(user, area: Area, days: int, today: dt.date | None = None) -> list[ReportArea]:
    """The area's frozen rows of the last `days` days (today included), oldest first."""
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=days - 1)
    return list(
        ReportArea.objects.for_user(user, VIEW)
        .filter(area=area, report__day__gte=since, report__day__lte=today)
        .select_related("report")
        .order_by("report__day")
    )


def charts(rows: list[ReportArea]) -> list[dict]:
    """One ECharts option per section that has figures in the frozen rows: the section's
    figures day by day (lines), with a table of the same numbers."""
    if not rows:
        return []
    days = [f"{r.report.day:%m-%d}" for r in rows]
    known = {f.key: f for f in reg.registry()}
    keys_seen = {k for r in rows for k in r.figures}
    out = []
    for section, heading in reg.SECTIONS.items():
        keys = [f.key for f in reg.registry() if f.section == section and f.key in keys_seen]
        if not keys:
            continue
        series = [
            {
                "name": str(known[k].label),
                "type": "line",
                "smooth": True,
                "data": [int(r.figures.get(k, 0) or 0) for r in rows],
            }
            for k in keys
        ]
        out.append(
            {
                "id": f"chart-{section}",
                "section": section,
                "heading": str(heading),
                "days": days,
                "series": series,
                "option": {
                    "tooltip": {"trigger": "axis"},
                    "legend": {"type": "scroll", "top": 0},
                    "grid": {"left": 40, "right": 16, "top": 36, "bottom": 24},
                    "xAxis": {"type": "category", "data": days},
                    "yAxis": {"type": "value", "minInterval": 1},
                    "series": series,
                },
            }
        )
    return out
