"""The five-leaders notice (五长信息公示): one A4 page per building, in bulk for a grid or a
community. Leader names and phones are public notice data; residents' data is not printed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from wangge.core.scope import VIEW
from wangge.people.models import LeaderAssignment

from .models import Area, Building, Unit
from .queries import sort_leaders

Role = LeaderAssignment.Role


@dataclass
class NoticePage:
    building: Building
    chain: list[Area]  # street, community, grid (whichever exist above the building)
    street: list[LeaderAssignment]
    road: list[LeaderAssignment]
    grid: list[LeaderAssignment]
    building_leaders: list[LeaderAssignment]
    units: list[tuple[Unit, list[LeaderAssignment]]]


def _path_ids(path: str) -> list[int]:
    return [int(p) for p in path.strip("/").split("/") if p.isdigit()]


def notice_pages(buildings: list[Building]) -> list[NoticePage]:
    """The notice of each building, in four queries for any number of buildings."""
    if not buildings:
        return []
    ids = [b.pk for b in buildings]
    area_ids = {i for b in buildings for i in _path_ids(b.area.path)}
    areas = {a.pk: a for a in Area.objects.filter(pk__in=area_ids)}
    units: dict[int, list[Unit]] = defaultdict(list)
    for unit in Unit.objects.filter(building_id__in=ids):
        units[unit.building_id].append(unit)
    by_area: dict[tuple[int, str], list] = defaultdict(list)
    by_building: dict[int, list] = defaultdict(list)
    by_unit: dict[int, list] = defaultdict(list)
    leaders = LeaderAssignment.objects.filter(
        Q(
            area_id__in=area_ids,
            role__in=[Role.STREET, Role.ROAD, Role.GRID],
            building__isnull=True,
            unit__isnull=True,
        )
        | Q(building_id__in=ids, unit__isnull=True)
        | Q(unit__building_id__in=ids),
        active=True,
    )
    for leader in sort_leaders(leaders):
        if leader.unit_id:
            by_unit[leader.unit_id].append(leader)
        elif leader.building_id:
            by_building[leader.building_id].append(leader)
        else:
            by_area[(leader.area_id, leader.role)].append(leader)
    pages = []
    for b in buildings:
        chain_ids = _path_ids(b.area.path)
        chain = [areas[i] for i in chain_ids if i in areas and areas[i].level >= Area.Level.STREET]

        def above(role: str, chain_ids=chain_ids) -> list:
            return [x for i in chain_ids for x in by_area.get((i, role), [])]

        pages.append(
            NoticePage(
                building=b,
                chain=chain,
                street=above(Role.STREET),
                road=above(Role.ROAD),
                grid=above(Role.GRID),
                building_leaders=by_building.get(b.pk, []),
                units=[(u, by_unit.get(u.pk, [])) for u in units.get(b.pk, [])],
            )
        )
    return pages


def _render(request, pages: list[NoticePage], back_url: str, title: str):
    return render(
        request,
        "places/leaders_notice.html",
        {
            "pages": pages,
            "today": timezone.localdate(),
            "back_url": back_url,
            "title": title,
        },
    )


@login_required
def leaders_notice(request, pk: int):
    building = get_object_or_404(
        Building.objects.for_user(request.user, VIEW).select_related("estate", "area"), pk=pk
    )
    return _render(
        request,
        notice_pages([building]),
        reverse("places:building_detail", args=[building.pk]),
        str(building),
    )


@login_required
def leaders_notice_grid(request, pk: int):
    """Every in-scope building of a grid (or of a community, a street…), one page each."""
    area = get_object_or_404(Area.objects.for_user(request.user, VIEW), pk=pk)
    buildings = list(
        Building.objects.for_user(request.user, VIEW)
        .within(area.path)
        .select_related("estate", "area")
        .order_by("area__path", "estate__name", "sort_key", "number")
    )
    return _render(
        request, notice_pages(buildings), reverse("places:area_detail", args=[area.pk]), area.name
    )
