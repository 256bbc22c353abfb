"""The "不漏一户" ledger of a campaign on the web: per grid (community, grid leader and phone),
building (building leader, a link to its map coloured by the campaign) and unit, every count
linking to the households behind it; those households paginated, exported (.xlsx/.csv, masked,
logged) and printed per grid for the grid workers.

Who opens a campaign: campaigns in the user's scope and those made above it (a grid leader
opens the community's campaign and sees their own grid's part of it). Everything personal is
scoped by the households' own paths; a place outside the user's scope is a 404.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.audit import record_access
from wangge.core.exports import csv_response, xlsx_response
from wangge.core.scope import EXPORT, RECORD, VIEW, covers, scope_paths
from wangge.core.scope import split_path as split_scope_path
from wangge.places.crumbs import Crumb
from wangge.places.models import Area, Building, Unit
from wangge.places.paging import paginate

from .coverage import (
    NOT_REACHED,
    STATES,
    Counts,
    export_line,
    grid_leaders_of,
    household_rows,
    household_values,
    ledger,
    make_rows,
    not_reached_columns,
    unit_counts,
)
from .models import Campaign
from .queries import visible_campaigns

PRINT_MAX = 5000  # rows on one print list; more must be narrowed to a grid or a building
PATH_RE = re.compile(r"^(/\d+)+/(b\d+/(u\d+/)?)?$")
# The lists behind the ledger's columns: every state, plus all targeted and all not reached.
LISTS = {
    "targeted": gettext_lazy("全部应排查住户"),
    **STATES,
    "not_reached": gettext_lazy("未排查到"),
}
EXPORT_FIELDS = "householder_masked,phone_masked,address,state"


# --- who opens what ---------------------------------------------------------------------------


def sees_place(user, path: str) -> bool:
    """The place is in the user's scope, or above it (their part of it is shown)."""
    return covers(user, path, VIEW) or any(p.startswith(path) for p in scope_paths(user, VIEW))


def visible_campaign(user, pk: int) -> Campaign:
    """A campaign the user has a part in (404 otherwise)."""
    return get_object_or_404(visible_campaigns(user).select_related("area"), pk=pk)


def campaign_crumbs(campaign: Campaign, here: str) -> list[Crumb]:
    """入户排查 › the campaign › this page."""
    try:
        url = reverse("canvass:campaign_detail", args=[campaign.pk])
    except NoReverseMatch:
        url = reverse("canvass:coverage", args=[campaign.pk])
    return [
        Crumb(_("入户排查"), reverse("canvass:campaign_list")),
        Crumb(campaign.name, url),
        Crumb(here, None),
    ]


# --- the drill-down place and the list asked for ---------------------------------------------


@dataclass
class Place:
    """?area=: a grid (or any area), a building or a unit; `path` is its scope path."""

    path: str
    area: Area
    building: Building | None = None
    unit: Unit | None = None

    @property
    def label(self) -> str:
        parts = [self.area.name]
        if self.building is not None:
            parts.append(str(self.building))
        if self.unit is not None:
            parts.append(_("%(unit)s单元") % {"unit": self.unit.number})
        return " / ".join(parts)


def _unit_id(path: str) -> int | None:
    i = path.find("u")
    return int(path[i + 1 : -1]) if i >= 0 else None


def place_of(request: HttpRequest) -> Place | None:
    """The place named by ?area= (an area id or a grid/building/unit path); 404 when it does
    not exist or is not the user's."""
    value = request.GET.get("area", "").strip()
    if not value:
        return None
    if value.isdigit():
        area = get_object_or_404(Area, pk=int(value))
        place = Place(area.path, area)
    elif PATH_RE.match(value):
        grid_path, building_id = split_scope_path(value)
        area = get_object_or_404(Area, path=grid_path)
        place = Place(value, area)
        if building_id is not None:
            buildings = Building.objects.select_related("estate")
            place.building = get_object_or_404(buildings, pk=building_id, area=area)
            unit_id = _unit_id(value)
            if unit_id is not None:
                place.unit = get_object_or_404(Unit, pk=unit_id, building=place.building)
    else:
        raise Http404
    if not sees_place(request.user, place.path):
        raise Http404
    return place


def list_states(key: str) -> tuple[str, ...] | None:
    """The ledger states of one list (?state=), None for an unknown one."""
    if key == "not_reached":
        return NOT_REACHED
    if key == "targeted":
        return tuple(STATES)
    if key in STATES:
        return (key,)
    return None


def _state(request: HttpRequest) -> tuple[str, tuple[str, ...] | None]:
    key = request.GET.get("state") or "not_reached"
    return key, list_states(key)


def _list_title(campaign: Campaign, place: Place | None, key: str) -> str:
    return " ".join(x for x in (campaign.name, place.label if place else "", str(LISTS[key])) if x)


def _back_to_list(campaign: Campaign, place: Place | None) -> HttpResponse:
    url = reverse("canvass:coverage_list", args=[campaign.pk])
    return redirect(f"{url}?area={place.path}" if place else url)


# --- pages ------------------------------------------------------------------------------------


@login_required
def coverage(request: HttpRequest, pk: int) -> HttpResponse:
    """The ledger per grid with the leaders; ?expand=1 shows every grid's buildings, ?area=
    drills down to a grid, building or unit (with units). Every count links to its list."""
    user = request.user
    campaign = visible_campaign(user, pk)
    place = place_of(request)
    board = ledger(campaign, user, place.path if place else "", units=place is not None)
    expand = request.GET.get("expand") == "1"
    ctx = {
        "campaign": campaign,
        "board": board,
        "place": place,
        "expand": expand,
        "show_buildings": place is not None or expand or len(board.grids) == 1,
        "show_units": place is not None,
        "can_export": bool(scope_paths(user, EXPORT)),
        "crumbs": campaign_crumbs(campaign, _("不漏一户台账")),
        "tab": "coverage",
    }
    return render(request, "canvass/coverage/ledger.html", ctx)


@login_required
def coverage_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The households behind one count (?state=, ?area=), masked and paginated, each with a
    link to record a visit."""
    user = request.user
    campaign = visible_campaign(user, pk)
    place = place_of(request)
    prefix = place.path if place else ""
    key, states = _state(request)
    if states is None:
        messages.warning(request, _("没有这种排查状态，已显示未排查到的住户。"))
        key, states = "not_reached", NOT_REACHED
    page = paginate(request, household_values(campaign, user, states, prefix))
    values = list(page.object_list)
    rows = list(make_rows(values, grid_leaders_of(v[2] for v in values)))
    total = Counts()
    for counts in unit_counts(campaign, user, prefix).values():
        total.add(counts)
    tabs = [(k, label, getattr(total, k)) for k, label in LISTS.items()]
    ctx = {
        "campaign": campaign,
        "place": place,
        "key": key,
        "tabs": tabs,
        "title": LISTS[key],
        "page": page,
        "rows": rows,
        "can_export": bool(scope_paths(user, EXPORT)),
        "can_record": campaign.is_open and bool(scope_paths(user, RECORD)),
        "crumbs": campaign_crumbs(campaign, str(LISTS[key])),
        "tab": "coverage",
    }
    return render(request, "canvass/coverage/households.html", ctx)


@login_required
def coverage_export(request: HttpRequest, pk: int) -> HttpResponse:
    """One list (default: not reached) of the campaign, or of a place, as .xlsx (?format=xlsx)
    or .csv (?format=csv): householders and phones masked; logged with the number of rows."""
    user = request.user
    campaign = visible_campaign(user, pk)
    if not scope_paths(user, EXPORT):
        raise PermissionDenied(_("您没有导出名单的权限"))
    place = place_of(request)
    key, states = _state(request)
    fmt = request.GET.get("format") or "xlsx"
    if states is None or fmt not in ("xlsx", "csv"):
        messages.error(request, _("导出条件不正确：请选择排查状态，并导出为 xlsx 或 csv。"))
        return _back_to_list(campaign, place)
    prefix = place.path if place else ""
    rows = household_rows(campaign, user, states, prefix, action=EXPORT)
    title = _list_title(campaign, place, key)
    filename = f"{title}.{fmt}".replace(" ", "-")
    if fmt == "csv":
        lines = [export_line(r) for r in rows]
        columns = [c.label for c in not_reached_columns()]
        response, count = csv_response(filename, columns=columns, rows=lines), len(lines)
    else:
        response, count = xlsx_response(
            filename,
            columns=not_reached_columns(),
            rows=(export_line(r) for r in rows),
            title=title,
            sheet_name=str(LISTS[key]),
        )
    record_access(
        user,
        "export",
        title,
        fields=EXPORT_FIELDS,
        rows=count,
        scope_path=prefix or campaign.area.path,
        object_id=str(campaign.pk),
    )
    return response


@login_required
def coverage_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The not-reached list (or ?state=) on A4, one section per grid headed by the grid
    leader's name and phone, for posting or handing to the grid workers; masked, logged."""
    user = request.user
    campaign = visible_campaign(user, pk)
    place = place_of(request)
    key, states = _state(request)
    if states is None:
        messages.error(request, _("没有这种排查状态。"))
        return _back_to_list(campaign, place)
    prefix = place.path if place else ""
    total = household_values(campaign, user, states, prefix).count()
    rows = list(household_rows(campaign, user, states, prefix)) if total <= PRINT_MAX else []
    title = _list_title(campaign, place, key)
    if rows:
        record_access(
            user,
            "print",
            title,
            fields=EXPORT_FIELDS,
            rows=len(rows),
            scope_path=prefix or campaign.area.path,
            object_id=str(campaign.pk),
        )
    grids = [
        (grid, leader, phone, list(group))
        for (grid, leader, phone), group in groupby(
            rows, key=lambda r: (r.grid, r.leader_name, r.leader_phone)
        )
    ]
    ctx = {
        "campaign": campaign,
        "place": place,
        "key": key,
        "title": title,
        "grids": grids,
        "total": total,
        "too_many": total > PRINT_MAX,
        "print_max": PRINT_MAX,
        "now": timezone.localtime(),
    }
    return render(request, "canvass/coverage/print.html", ctx)
