"""群发名单: call lists for a grid's WeChat group (?area=grid, or ?building=pk; ?what=testing,
canvass, support, no_smartphone) — the households still to do as copyable text, names masked,
with a 复制 button — and the residents without a smartphone to phone or visit. Viewing a list
is logged; the phones of the no-smartphone list are shown only to users covering them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from wangge.core.audit import record_access
from wangge.core.scope import VIEW, covers, scope_paths
from wangge.places.models import Area, Building

from . import calls as svc


def _pk(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        raise Http404
    return int(value)


def resolve_place(request: HttpRequest):
    """(area, building, prefix, choices): the place the list is for, from ?building= or ?area=,
    404 outside the user's scope; without either, the user's only grid (or building), else
    (None, None, None, [grids or buildings to choose from])."""
    user = request.user
    building_pk, area_pk = _pk(request, "building"), _pk(request, "area")
    if building_pk is not None:
        qs = Building.objects.for_user(user, VIEW).select_related("area", "estate")
        building = get_object_or_404(qs, pk=building_pk)
        return building.area, building, building.scope_path, []
    if area_pk is not None:
        area = get_object_or_404(Area, pk=area_pk)
        if not covers(user, area.path, VIEW):
            raise Http404
        return area, None, area.path, []
    grids = list(Area.objects.for_user(user, VIEW).filter(level=Area.Level.GRID)[:200])
    if len(grids) == 1:
        return grids[0], None, grids[0].path, []
    if grids:
        return None, None, None, grids
    buildings = list(Building.objects.for_user(user, VIEW).select_related("area", "estate")[:200])
    if len(buildings) == 1:
        return buildings[0].area, buildings[0], buildings[0].scope_path, []
    return None, None, None, buildings


def what_param(request: HttpRequest) -> str:
    what = request.GET.get("what", "") or "testing"
    if what not in svc.WHATS:
        raise Http404
    return what


def log_view(user, calls: svc.CallList, prefix: str) -> None:
    if not calls.lines:
        return
    shown = [line for line in calls.lines if line.show_phone]
    record_access(
        user,
        "view",
        _("群发名单：%(label)s") % {"label": calls.label},
        fields="name,phone" if shown else "name_masked,room",
        rows=len(calls.lines),
        scope_path=prefix,
    )


@login_required
@require_GET
def calls(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not scope_paths(user, VIEW):
        raise Http404
    what = what_param(request)
    area, building, prefix, choices = resolve_place(request)
    context = {
        "what": what,
        "whats": svc.WHATS,
        "area": area,
        "building": building,
        "choices": choices,
        "calls": None,
    }
    if prefix is not None:
        call_list = svc.call_list(what, user, prefix)
        log_view(user, call_list, prefix)
        place = building.label if building else area.name
        heading = _("【%(place)s】%(label)s名单") % {"place": place, "label": call_list.label}
        context.update(calls=call_list, text=call_list.text(heading), place=place)
    return render(request, "command/residents/calls.html", context)
