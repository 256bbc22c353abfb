"""The responsible leader of each grid or building, and the per-grid helpers of the "who is
left" lists of every operation (counts per grid, each grid with its leader)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, QuerySet

from wangge.core.scope import VIEW, split_path
from wangge.places.models import Area

from .models import LeaderAssignment


def leaders(role: str, **ids) -> dict[int, tuple[str, str]]:
    """{area/building id: (name, phone)} of the first active leader with `role`; one query.
    `ids` is area_id__in=[…] or building_id__in=[…]."""
    ((key, values),) = ids.items()
    column = key.removesuffix("__in")
    out: dict[int, tuple[str, str]] = {}
    rows = (
        LeaderAssignment.objects.filter(role=role, active=True, unit__isnull=True, **ids)
        .order_by(column, "id")
        .values_list(column, "name", "phone")
    )
    for obj_id, name, phone in rows:
        out.setdefault(obj_id, (name, phone))
    return out


def within(qs: QuerySet, user, prefix: str = "", action: str = VIEW) -> QuerySet:
    """`qs` in `user`'s scope (None: everything, for the command line), below `prefix`."""
    qs = qs.for_user(user, action) if user is not None else qs
    return qs.within(prefix) if prefix else qs


def per_grid(qs: QuerySet, column: str = "pk") -> dict[str, int]:
    """{grid path: number of distinct `column`} of a scoped queryset."""
    out: dict[str, int] = defaultdict(int)
    for row in qs.order_by().values("scope_path").annotate(n=Count(column, distinct=True)):
        out[split_path(row["scope_path"])[0]] += row["n"]
    return out


def grids_with_leaders(
    paths: Iterable[str],
) -> tuple[dict[str, Area], dict[int, tuple[str, str]]]:
    """({grid path: Area}, {area id: (grid leader's name, phone)}) of grid paths; two queries."""
    areas = {a.path: a for a in Area.objects.filter(path__in=set(paths)).select_related("parent")}
    grid_leaders = leaders(LeaderAssignment.Role.GRID, area_id__in=[a.pk for a in areas.values()])
    return areas, grid_leaders
