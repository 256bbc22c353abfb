"""A round's progress: samples per hour at each sampling point (from the scan time, else the
tube's closing time) and sampled against expected per grid — as tables and as ECharts options
(drawn by wangge/charts.js; without JavaScript the tables carry the same numbers)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import Coalesce, TruncHour
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.scope import VIEW

from .models import Round, Sample, SamplingPoint
from .whoisleft import Board

DOOR = 0  # the "point" of tubes taken by door-to-door teams


@dataclass
class PointRow:
    label: str
    per_hour: list[int]  # aligned with Progress.hours
    total: int


@dataclass
class Progress:
    hours: list[str]  # "07:00", …
    points: list[PointRow]


def point_progress(rnd: Round, user) -> Progress:
    """Samples per point and hour, in the user's scope: two queries."""
    rows = (
        Sample.objects.for_user(user, VIEW)
        .filter(round=rnd)
        .annotate(hour=TruncHour(Coalesce("scanned_at", "tube__closed_at")))
        .values("tube__point_id", "hour")
        .annotate(n=Count("pk"))
    )
    counts: dict[int, dict] = defaultdict(dict)
    hours = set()
    for row in rows:
        hour = timezone.localtime(row["hour"]) if timezone.is_aware(row["hour"]) else row["hour"]
        hours.add(hour)
        counts[row["tube__point_id"] or DOOR][hour] = row["n"]
    ordered = sorted(hours)
    names = dict(SamplingPoint.objects.filter(round=rnd).values_list("pk", "name"))
    points = []
    for point_id in sorted(counts, key=lambda p: (p == DOOR, names.get(p, ""), p)):
        label = names.get(point_id) or _("上门采样")
        per_hour = [counts[point_id].get(h, 0) for h in ordered]
        points.append(PointRow(label, per_hour, sum(per_hour)))
    return Progress([h.strftime("%H:%M") for h in ordered], points)


def _axis_label(n: int) -> dict:
    return {"rotate": 40 if n > 3 else 0, "interval": 0, "width": 80, "overflow": "truncate"}


def charts(progress: Progress, board: Board) -> dict:
    """ECharts options: samples per hour per point (lines), sampled vs expected per grid."""
    out = {}
    if progress.points:
        out["points"] = {
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0, "type": "scroll"},
            "grid": {"left": 8, "right": 8, "bottom": 8, "top": 32, "containLabel": True},
            "xAxis": {"type": "category", "data": progress.hours},
            "yAxis": {"type": "value", "minInterval": 1, "name": _("人/小时")},
            "series": [
                {"name": p.label, "type": "bar", "stack": "all", "data": p.per_hour}
                for p in progress.points
            ],
        }
    if board.grids:
        out["grids"] = {
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0},
            "grid": {"left": 8, "right": 8, "bottom": 8, "top": 32, "containLabel": True},
            "xAxis": {
                "type": "category",
                "data": [g.label for g in board.grids],
                "axisLabel": _axis_label(len(board.grids)),
            },
            "yAxis": {"type": "value", "minInterval": 1},
            "series": [
                {
                    "name": _("应检"),
                    "type": "bar",
                    "data": [g.counts.expected for g in board.grids],
                },
                {"name": _("已检"), "type": "bar", "data": [g.counts.sampled for g in board.grids]},
            ],
        }
    return out
