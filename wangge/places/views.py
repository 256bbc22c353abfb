"""Pages for the chain: area tree, area (with its dashboard), estate, building list and detail.

Every object comes through `Model.objects.for_user(...)`: out of scope is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from wangge.core.scope import CHANGE, EXPORT, MANAGE, VIEW, covers
from wangge.people.models import LeaderAssignment

from .badges import attach as attach_badges
from .crumbs import area_crumbs, building_crumbs, estate_crumbs
from .dashboard import area_dashboard, building_dashboard
from .filters import BuildingFilterForm
from .models import Area, Building, Estate, Unit
from .paging import paginate
from .queries import annotate_building_counts, breakdown, scope_roots, sort_leaders


@dataclass
class TreeNode:
    label: str
    kind: str
    url: str | None
    expand_url: str | None = None
    households: int | None = None
    people: int | None = None


def _tree_url(**params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("places:area_tree") + (f"?{query}" if query else "")


def _building_node(b: Building) -> TreeNode:
    return TreeNode(b.label, _("楼栋"), reverse("places:building_detail", args=[b.pk]))


def _root_nodes(user) -> list[TreeNode]:
    nodes = []
    for node in scope_roots(user):
        if isinstance(node, Area):
            nodes.append(
                TreeNode(
                    node.name,
                    node.get_level_display(),
                    reverse("places:area_detail", args=[node.pk]),
                    _tree_url(area=node.pk),
                )
            )
        elif isinstance(node, Building):
            nodes.append(_building_node(node))
        else:
            nodes.append(
                TreeNode(
                    str(node), _("单元"), reverse("places:household_list") + f"?unit={node.pk}"
                )
            )
    return nodes


def _area_children(user, area: Area) -> list[TreeNode]:
    counts = breakdown(user, area.path)
    if area.level < Area.Level.GRID:
        nodes = []
        for child in Area.objects.for_user(user, VIEW).filter(parent=area):
            c = counts.get(f"{child.pk}/")
            nodes.append(
                TreeNode(
                    child.name,
                    child.get_level_display(),
                    reverse("places:area_detail", args=[child.pk]),
                    _tree_url(area=child.pk),
                    c.households,
                    c.people,
                )
            )
        return nodes
    # A grid: its buildings grouped by estate (street → community → grid → estate → building).
    buildings = list(
        Building.objects.for_user(user, VIEW).filter(area=area).select_related("estate")
    )
    estates: dict[int, Estate] = {b.estate_id: b.estate for b in buildings if b.estate_id}
    nodes = []
    for estate in sorted(estates.values(), key=lambda e: e.name):
        url = (
            reverse("places:estate_detail", args=[estate.pk])
            if covers(user, estate.scope_path, VIEW)
            else None
        )
        n = sum(1 for b in buildings if b.estate_id == estate.pk)
        node = TreeNode(estate.name, _("小区"), url, _tree_url(grid=area.pk, estate=estate.pk))
        mine = [counts.get(f"b{b.pk}/") for b in buildings if b.estate_id == estate.pk]
        node.households = sum(c.households for c in mine)
        node.people = sum(c.people for c in mine)
        node.kind = _("小区 · %(n)s栋") % {"n": n}
        nodes.append(node)
    for b in buildings:
        if not b.estate_id:
            node = _building_node(b)
            c = counts.get(f"b{b.pk}/")
            node.households, node.people = c.households, c.people
            nodes.append(node)
    return nodes


def _estate_buildings(user, grid: Area, estate_id: int) -> list[TreeNode]:
    buildings = annotate_building_counts(
        Building.objects.for_user(user, VIEW).filter(area=grid, estate_id=estate_id)
    )
    nodes = []
    for b in buildings:
        node = _building_node(b)
        node.households, node.people = b.n_households, b.n_people
        nodes.append(node)
    return nodes


@login_required
def area_tree(request):
    """The drill-down tree. ?area=<id> or ?grid=<id>&estate=<id> opens one node; an htmx request
    gets only the node's children (the same template's partial)."""
    user = request.user
    title, crumbs = _("区域"), []
    if (grid_id := request.GET.get("grid", "")).isdigit() and (
        estate_id := request.GET.get("estate", "")
    ).isdigit():
        grid = get_object_or_404(Area.objects.for_user(user, VIEW), pk=grid_id)
        nodes = _estate_buildings(user, grid, int(estate_id))
        crumbs = area_crumbs(user, grid, include_self=False)
        title = grid.name
    elif (area_id := request.GET.get("area", "")).isdigit():
        area = get_object_or_404(Area.objects.for_user(user, VIEW), pk=area_id)
        nodes = _area_children(user, area)
        crumbs, title = area_crumbs(user, area, include_self=False), area.name
    else:
        nodes = _root_nodes(user)
    template = "places/_tree_nodes.html" if request.htmx else "places/area_tree.html"
    response = render(
        request,
        template,
        {"nodes": nodes, "title": title, "crumbs": crumbs, "is_root": not request.GET},
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


def area_context(user, area: Area) -> dict:
    """Everything the area page shows (also used by the home page for a single root)."""
    ctx = area_dashboard(user, area)
    ctx.update(
        area=area,
        leaders=sort_leaders(LeaderAssignment.objects.filter(area=area, active=True)),
        crumbs=area_crumbs(user, area),
        can_change=covers(user, area.path, CHANGE),
        can_manage=covers(user, area.path, MANAGE),
        can_export=covers(user, area.path, EXPORT),
        is_grid=area.level == Area.Level.GRID,
        estates=[],
    )
    if area.level >= Area.Level.COMMUNITY:
        ctx["estates"] = (
            Estate.objects.for_user(user, VIEW)
            .within(area.path)
            .annotate(n_buildings=Count("buildings"))
        )
    return ctx


@login_required
def area_detail(request, pk: int):
    area = get_object_or_404(Area.objects.for_user(request.user, VIEW), pk=pk)
    return render(request, "places/area_detail.html", area_context(request.user, area))


@login_required
def estate_detail(request, pk: int):
    estate = get_object_or_404(
        Estate.objects.for_user(request.user, VIEW).select_related("area"), pk=pk
    )
    buildings = attach_badges(
        annotate_building_counts(
            Building.objects.for_user(request.user, VIEW)
            .filter(estate=estate)
            .select_related("area")
        )
    )
    attach_badges([estate])
    return render(
        request,
        "places/estate_detail.html",
        {
            "estate": estate,
            "buildings": buildings,
            "crumbs": estate_crumbs(request.user, estate),
            "can_change": covers(request.user, estate.scope_path, CHANGE),
        },
    )


@login_required
def building_list(request):
    form = BuildingFilterForm(request.GET or None, user=request.user)
    qs = Building.objects.for_user(request.user, VIEW).select_related("estate", "area")
    qs = form.filter(qs) if form.is_bound else qs
    page = paginate(request, annotate_building_counts(qs))
    page.object_list = attach_badges(page.object_list)
    return render(request, "places/building_list.html", {"form": form, "page": page})


@login_required
def building_detail(request, pk: int):
    user = request.user
    building = get_object_or_404(
        Building.objects.for_user(user, VIEW).select_related("estate", "area"), pk=pk
    )
    ctx = building_dashboard(user, building)
    units = attach_badges(Unit.objects.for_user(user, VIEW).filter(building=building))
    attach_badges([building])
    # Leaders' names and phones are public notice data (五长公示): shown unmasked.
    leaders = sort_leaders(
        LeaderAssignment.objects.filter(Q(area=building.area) | Q(building=building), active=True)
    )
    unit_leaders: dict[int, list] = {}
    for leader in LeaderAssignment.objects.filter(active=True, unit__building=building):
        unit_leaders.setdefault(leader.unit_id, []).append(leader)
    for unit in units:
        unit.leader_list = unit_leaders.get(unit.pk, [])
    ctx.update(
        building=building,
        units=units,
        leaders=leaders,
        crumbs=building_crumbs(user, building),
        can_change=covers(user, building.scope_path, CHANGE),
        can_export=covers(user, building.area.path, EXPORT),
    )
    return render(request, "places/building_detail.html", ctx)
