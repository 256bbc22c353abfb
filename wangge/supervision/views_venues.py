"""场所管理 (venues) pages: the register (filters, search, owners' phones masked, .xlsx export
logged), registering and editing a venue, one venue with its state history and its sweeps
(巡查, with their findings) — its owner's phone shown in full and the view logged —, changing
its state (POST), and the summary over a period and an area (printable).

Venues are read through `for_user(user, VIEW)`: outside it, a 404. Writing needs CHANGE over
the venue's area (403 on a venue the user only sees)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from wangge.core.audit import record_access
from wangge.core.exports import XlsxColumn, xlsx_response
from wangge.core.mask import mask_phone
from wangge.core.normalize import clean_text
from wangge.core.scope import CHANGE, EXPORT, INSPECT, VIEW, covers, scope_paths
from wangge.people.forms import add_service_errors
from wangge.places.paging import paginate

from . import services_venues as svc
from .forms_venues import StateForm, SummaryForm, VenueFilterForm, VenueForm
from .models_venues import Venue

AREA_REFUSED = gettext_lazy("所选区域不存在或不在您的管辖范围内")


# --- the register -----------------------------------------------------------------------------


def filter_venues(qs, form: VenueFilterForm):
    if not form.is_valid():
        return qs.none()
    data = form.cleaned_data
    kind, state = data["kind"], data["state"]
    if kind == "supply":
        qs = qs.filter(kind__in=Venue.SUPPLY_KINDS)
    elif kind == "gathering":
        qs = qs.exclude(kind__in=Venue.SUPPLY_KINDS)
    elif kind:
        qs = qs.filter(kind=kind)
    if state == "inactive":
        qs = qs.filter(active=False)
    else:
        qs = qs.filter(active=True)
        if state:
            qs = qs.filter(state=state)
    if data["area"] is not None:
        qs = qs.within(data["area"].path)
    text = clean_text(data["q"])
    if text:
        match = Q(name__contains=text) | Q(address__contains=text) | Q(owner_name__contains=text)
        if text.isascii() and text.isdigit() and len(text) >= 4:
            match |= Q(owner_phone__endswith=text)
        qs = qs.filter(match)
    return qs


def _visible(user, action: str = VIEW):
    return Venue.objects.for_user(user, action).select_related("area")


@login_required
@require_GET
def venue_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = VenueFilterForm(request.GET, user=user)
    page = paginate(request, filter_venues(_visible(user), form))
    rows = list(page.object_list)
    for v in rows:
        v.masked_phone = mask_phone(v.owner_phone)
    return render(
        request,
        "supervision/venues/venue_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "can_create": bool(scope_paths(user, CHANGE)),
            "can_export": bool(scope_paths(user, EXPORT)),
        },
    )


def export_columns() -> list[XlsxColumn]:
    return [
        XlsxColumn(_("编号"), 8),
        XlsxColumn(_("场所名称"), 24),
        XlsxColumn(_("类型"), 10),
        XlsxColumn(_("所属区域"), 14),
        XlsxColumn(_("地址"), 30),
        XlsxColumn(_("负责人"), 10),
        XlsxColumn(_("负责人电话"), 15, text=True),
        XlsxColumn(_("状态"), 10),
        XlsxColumn(_("状态起始日期"), 12),
        XlsxColumn(_("在册"), 6),
    ]


@login_required
@require_GET
def venue_export(request: HttpRequest) -> HttpResponse:
    """The filtered register as .xlsx with the owners' phones in full: logged."""
    user = request.user
    paths = scope_paths(user, EXPORT)
    if not paths:
        raise Http404
    form = VenueFilterForm(request.GET, user=user)
    qs = filter_venues(_visible(user, EXPORT), form).order_by("scope_path", "name", "pk")
    title = _("场所台账")
    rows = (
        [
            v.pk,
            v.name,
            v.get_kind_display(),
            v.area.name,
            v.address,
            v.owner_name,
            v.owner_phone,
            v.get_state_display(),
            v.state_since.isoformat(),
            _("是") if v.active else _("否"),
        ]
        for v in qs.iterator(chunk_size=500)
    )
    response, count = xlsx_response(
        f"{title}.xlsx", columns=export_columns(), rows=rows, title=title, sheet_name=title
    )
    area = form.cleaned_data.get("area") if form.is_valid() else None
    record_access(
        user,
        "export",
        title,
        fields="owner_name,owner_phone,address",
        rows=count,
        scope_path=area.path if area else paths[0],
    )
    return response


# --- registering and editing ------------------------------------------------------------------


@login_required
def venue_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not scope_paths(user, CHANGE):
        raise PermissionDenied(_("您没有登记场所的权限"))
    initial = {}
    if (kind := request.GET.get("kind", "")) in Venue.Kind.values:
        initial["kind"] = kind
    form = VenueForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            venue = svc.register_venue(
                data.pop("area"),
                actor=user,
                state=data.pop("state") or None,
                since=data.pop("since"),
                **data,
            )
        except PermissionDenied:
            form.add_error("area", AREA_REFUSED)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已登记场所：%(name)s") % {"name": venue.name})
            return redirect("supervision:venue_detail", pk=venue.pk)
    return render(request, "supervision/venues/venue_form.html", {"form": form, "venue": None})


def _venue(request: HttpRequest, pk: int, action: str = VIEW) -> Venue:
    venue = get_object_or_404(_visible(request.user), pk=pk)
    if action != VIEW and not covers(request.user, venue.scope_path, action):
        raise PermissionDenied(_("您没有管理该场所的权限"))
    return venue


@login_required
def venue_edit(request: HttpRequest, pk: int) -> HttpResponse:
    venue = _venue(request, pk, CHANGE)
    initial = {name: getattr(venue, name) for name in svc.EDITABLE}
    form = VenueForm(request.POST or None, user=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            svc.update_venue(venue, form.cleaned_data, actor=request.user)
        except PermissionDenied:
            form.add_error("area", AREA_REFUSED)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("supervision:venue_detail", pk=venue.pk)
    return render(request, "supervision/venues/venue_form.html", {"form": form, "venue": venue})


# --- one venue --------------------------------------------------------------------------------


def _detail(request: HttpRequest, venue: Venue, form: StateForm | None = None, status=200):
    user = request.user
    record_access(user, "view", venue, fields="owner_name,owner_phone,address")
    return render(
        request,
        "supervision/venues/venue_detail.html",
        {
            "v": venue,
            "history": venue.states.select_related("changed_by"),
            "sweeps": svc.sweeps_of(venue, user)[:50],
            "sweep_type": svc.sweep_type(venue),
            "can_change": covers(user, venue.scope_path, CHANGE),
            "can_inspect": covers(user, venue.scope_path, INSPECT),
            "form": form or StateForm(),
        },
        status=status,
    )


@login_required
@require_GET
def venue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _venue(request, pk))


@login_required
@require_POST
def venue_state(request: HttpRequest, pk: int) -> HttpResponse:
    venue = _venue(request, pk, CHANGE)
    form = StateForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            svc.change_state(
                venue,
                actor=request.user,
                state=data["state"],
                since=data["since"],
                note=data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已将状态改为：%(state)s") % {"state": Venue.State(data["state"]).label},
            )
            return redirect("supervision:venue_detail", pk=venue.pk)
    return _detail(request, _venue(request, pk), form, status=422)


# --- the summary ------------------------------------------------------------------------------


@login_required
@require_GET
def venue_summary(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not scope_paths(user, VIEW):
        raise Http404
    form = SummaryForm(request.GET, user=user)
    result = None
    if form.is_valid():
        area = form.cleaned_data["area"]
        result = svc.summary(
            user, form.cleaned_data["since"], form.cleaned_data["until"], area.path if area else ""
        )
    return render(
        request,
        "supervision/venues/venue_summary.html",
        {"form": form, "s": result, "area": form.cleaned_data.get("area") if result else None},
    )
