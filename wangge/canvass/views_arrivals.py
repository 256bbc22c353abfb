"""Arrivals on the web: the list (scoped, masked; filters by date, grid, building, origin level
and source; the stairwell posters of a building's units), registering an arrival (a household
picked grid → building → unit → room or found by a search, else an address in a grid), one
arrival in full (logged), the stairwell poster of a unit and the daily returnee report with its
.xlsx export (logged)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from wangge.core.audit import record_access
from wangge.core.exports import xlsx_response
from wangge.core.normalize import NormalizationError, clean_text, normalize_room
from wangge.core.qr import qr_svg, unit_token
from wangge.core.scope import EXPORT, RECORD, VIEW, covers, scope_paths
from wangge.people.forms import add_service_errors
from wangge.places.models import Area, Building, Household, Unit
from wangge.places.paging import paginate

from .arrival_report import LEVELS, build_report, day_label, export_columns, export_rows
from .forms_returnees import NO_LEVEL, ArrivalFilterForm, ArrivalForm, ReportForm
from .models import Arrival, Flag
from .services_returnees import register_arrival

SEARCH_LIMIT = 10


def _id(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        raise Http404
    return int(value)


def _filtered(request: HttpRequest, form: ArrivalFilterForm, qs):
    if not form.is_valid():
        return qs
    data = form.cleaned_data
    if data["date_from"]:
        qs = qs.filter(arrived_on__gte=data["date_from"])
    if data["date_to"]:
        qs = qs.filter(arrived_on__lte=data["date_to"])
    if data["level"] == NO_LEVEL:
        qs = qs.filter(origin_level="")
    elif data["level"]:
        qs = qs.filter(origin_level=data["level"])
    if data["source"]:
        qs = qs.filter(source=data["source"])
    q = clean_text(data["q"])
    if q:
        match = Q(name__contains=q) | Q(origin__contains=q)
        if q.isascii() and q.isalnum():
            tail = q.upper()
            match |= Q(phone__endswith=tail) | Q(id_number__endswith=tail)
        qs = qs.filter(match)
    return qs


@login_required
def arrival_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ArrivalFilterForm(request.GET or None)
    grid = building = None
    if (building_id := _id(request, "building")) is not None:
        buildings = Building.objects.for_user(user, VIEW).select_related("area", "estate")
        building = get_object_or_404(buildings, pk=building_id)
        grid = building.area
    elif (grid_id := _id(request, "grid")) is not None:
        grids = Area.objects.for_user(user, VIEW).filter(level=Area.Level.GRID)
        grid = get_object_or_404(grids, pk=grid_id)
    qs = Arrival.objects.for_user(user, VIEW)
    if building is not None:
        qs = qs.within(building.scope_path)
    elif grid is not None:
        qs = qs.filter(area=grid)
    qs = _filtered(request, form, qs).select_related(
        "area", "household__building", "household__unit", "risk_place"
    )
    page = paginate(request, qs)
    buildings = units = []
    if building is not None:
        units = Unit.objects.for_user(user, VIEW).filter(building=building)
    elif grid is not None:
        buildings = Building.objects.for_user(user, VIEW).filter(area=grid).select_related("estate")
    return render(
        request,
        "canvass/arrivals/arrival_list.html",
        {
            "form": form,
            "page": page,
            "grid": grid,
            "building": building,
            "grids": Area.objects.for_user(user, VIEW).filter(level=Area.Level.GRID),
            "buildings": buildings,
            "units": units,
            "can_record": bool(scope_paths(user, RECORD)),
        },
    )


def _household_search(user, text: str) -> list[Household]:
    text = clean_text(text)
    if not text:
        return []
    match = Q(householder_name__contains=text) | Q(room=text)
    try:
        match |= Q(room=normalize_room(text))
    except NormalizationError:
        pass
    if text.isdigit() and len(text) >= 4:
        match |= Q(phone__endswith=text)
    return list(
        Household.objects.for_user(user, RECORD)
        .filter(match)
        .select_related("building__estate", "unit")[:SEARCH_LIMIT]
    )


@login_required
def arrival_create(request: HttpRequest) -> HttpResponse:
    """Register an arrival. ?household= opens the form on that household (from the search,
    ?hq=); the place lists are re-drawn by htmx as grid, building and unit are chosen."""
    user = request.user
    if not scope_paths(user, RECORD):
        raise PermissionDenied(_("您没有登记返来人员的权限"))
    initial: dict = {}
    if (household_id := _id(request, "household")) is not None:
        households = Household.objects.for_user(user, RECORD).select_related("building")
        household = get_object_or_404(households, pk=household_id)
        initial = {
            "grid": household.building.area_id,
            "building": household.building_id,
            "unit": household.unit_id,
            "household": household.pk,
        }
    else:
        initial = {k: request.GET[k] for k in ("grid", "building", "unit") if request.GET.get(k)}
    form = ArrivalForm(
        request.POST if request.method == "POST" else None, user=user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            arrival, created = register_arrival(
                actor=user,
                source=data["source"],
                client_uuid=data["client_uuid"],
                household=data["household"],
                area=data["grid"],
                address=data["address"] if not data["household"] else "",
                **form.person_data(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied:
            form.add_error("grid", _("只能登记到您负责的住户；不在您负责楼栋的，请联系网格员登记"))
        else:
            if created:
                messages.success(request, _("已登记：%(name)s") % {"name": arrival.name})
            return redirect("canvass:arrival_detail", pk=arrival.pk)
    context = {
        "form": form,
        "hq": request.GET.get("hq", ""),
        "found": _household_search(user, request.GET.get("hq", "")),
    }
    if request.htmx and request.method == "GET":
        response = render(request, "canvass/arrivals/_place_fields.html", context)
    else:
        response = render(request, "canvass/arrivals/arrival_form.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def arrival_detail(request: HttpRequest, pk: int) -> HttpResponse:
    arrivals = Arrival.objects.for_user(request.user, VIEW).select_related(
        "area__parent",
        "household__building__estate",
        "household__unit",
        "risk_place",
        "person",
        "recorded_by",
    )
    arrival = get_object_or_404(arrivals, pk=pk)
    record_access(request.user, "view", arrival, fields="name,id_number,phone,address")
    person = arrival.person
    return render(
        request,
        "canvass/arrivals/arrival_detail.html",
        {
            "arrival": arrival,
            "flags": Flag.objects.filter(arrival=arrival).select_related("decided_by"),
            "person_visible": person is not None and covers(request.user, person.scope_path),
        },
    )


@login_required
@require_GET
def arrival_poster(request: HttpRequest, unit_pk: int) -> HttpResponse:
    """A printable stairwell poster: the unit and the QR code of its public arrival form."""
    units = Unit.objects.for_user(request.user, VIEW).select_related("building__estate")
    unit = get_object_or_404(units, pk=unit_pk)
    url = request.build_absolute_uri(reverse("canvass:arrival_public", args=[unit_token(unit)]))
    return render(
        request,
        "canvass/arrivals/arrival_poster.html",
        {"unit": unit, "building": unit.building, "url": url, "qr": qr_svg(url, scale=8)},
    )


def _report_area(request: HttpRequest) -> Area | None:
    area_id = _id(request, "area")
    if area_id is None:
        return None
    return get_object_or_404(Area.objects.for_user(request.user, VIEW), pk=area_id)


@login_required
def arrival_report(request: HttpRequest) -> HttpResponse:
    area = _report_area(request)
    form = ReportForm(request.GET or None)
    start, end = form.period()
    report = build_report(request.user, start, end, prefix=area.path if area else "")
    return render(
        request,
        "canvass/arrivals/arrival_report.html",
        {
            "form": form,
            "area": area,
            "areas": Area.objects.for_user(request.user, VIEW).filter(
                level__lte=Area.Level.COMMUNITY
            ),
            "report": report,
            "day_labels": [day_label(d) for d in report.days],
            "levels": LEVELS,
            "can_export": bool(scope_paths(request.user, EXPORT)),
        },
    )


@login_required
def arrival_report_export(request: HttpRequest) -> HttpResponse:
    if not scope_paths(request.user, EXPORT):
        raise PermissionDenied(_("您没有导出报表的权限"))
    area = _report_area(request)
    form = ReportForm(request.GET or None)
    start, end = form.period()
    prefix = area.path if area else ""
    report = build_report(request.user, start, end, prefix=prefix, action=EXPORT)
    title = _("返来人员日报 %(start)s至%(end)s") % {"start": start, "end": end}
    if area is not None:
        title = f"{area.name} {title}"
    response, count = xlsx_response(
        f"{title}.xlsx".replace(" ", "-"),
        columns=export_columns(report),
        rows=export_rows(report),
        title=title,
        sheet_name=_("返来人员日报"),
    )
    record_access(
        request.user,
        "export",
        title,
        fields="grid,grid_leader,leader_phone,arrival_counts",
        rows=count,
        scope_path=prefix,
    )
    return response
