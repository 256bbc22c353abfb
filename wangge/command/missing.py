"""Units that had not reported by the cut-off (未报送): grids without their grid report
(网格日报) of the day, and active quarantine sites without their morning report
(control.SiteReport) of the day, each with the person to call."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils.translation import gettext_lazy

from wangge.control.models_sites import Site, SiteReport, SiteStaff
from wangge.core.scope import ancestor_paths
from wangge.people.leaders import leaders
from wangge.people.models import LeaderAssignment
from wangge.places.models import Area

from .models import GridReport

GRID, SITE = "grid", "site"
KINDS = {GRID: gettext_lazy("网格日报"), SITE: gettext_lazy("隔离点日报")}


def kind_label(kind: str) -> str:
    return str(KINDS.get(kind, kind))


def _grids(day: dt.date, at: dt.datetime, prefix: str) -> list[dict]:
    grids = Area.objects.filter(level=Area.Level.GRID).select_related("parent")
    if prefix:
        grids = grids.filter(path__startswith=prefix)
    reported = set(
        GridReport.objects.filter(day=day, reported_at__lte=at).values_list("area_id", flat=True)
    )
    left = [g for g in grids.order_by("path") if g.pk not in reported]
    who = leaders(LeaderAssignment.Role.GRID, area_id__in=[g.pk for g in left])
    return [
        {
            "kind": GRID,
            "name": g.name,
            "parent": g.parent.name if g.parent_id else "",
            "path": g.path,
            "leader": who.get(g.pk, ("", ""))[0],
            "phone": who.get(g.pk, ("", ""))[1],
        }
        for g in left
    ]


def _sites(day: dt.date, at: dt.datetime, prefix: str) -> list[dict]:
    sites = Site.objects.filter(active=True).select_related("area")
    if prefix:
        sites = sites.within(prefix)
    reported = set(
        SiteReport.objects.filter(day=day, generated_at__lte=at).values_list("site_id", flat=True)
    )
    left = [s for s in sites.order_by("scope_path", "name") if s.pk not in reported]
    staff: dict[int, tuple[str, str]] = {}
    rows = SiteStaff.objects.filter(
        site_id__in=[s.pk for s in left], active=True, group=SiteStaff.Group.INFORMATION
    ).order_by("site_id", "pk")
    for member in rows:
        staff.setdefault(member.site_id, (member.name, member.phone))
    return [
        {
            "kind": SITE,
            "name": s.name,
            "parent": s.area.name,
            "path": s.scope_path,
            "leader": staff.get(s.pk, ("", ""))[0],
            "phone": staff.get(s.pk, ("", ""))[1] or s.phone,
        }
        for s in left
    ]


def missing(day: dt.date, at: dt.datetime, prefix: str = "") -> list[dict]:
    """Units below `prefix` ("" everything) not reported for `day` by `at`; each
    {"kind", "name", "parent", "path", "leader", "phone"}, grids first."""
    return _grids(day, at, prefix) + _sites(day, at, prefix)


def by_area(units: list[dict]) -> dict[str, list[dict]]:
    """{area path: the units at or below it} for every area above each unit."""
    out: dict[str, list[dict]] = defaultdict(list)
    for unit in units:
        path = unit["path"].split("b")[0]
        for above in [*ancestor_paths(path), path]:
            out[above].append(unit)
    return out
