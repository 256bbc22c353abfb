"""The risk-place list (风险地区): a public notice every signed-in user sees (current places by
default, or all; searchable), maintained by users who may change a district or a city (see
services_returnees): add, edit, delete, and import a sheet with its row errors on the page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.imports import ImportFormatError, read_table
from wangge.core.scope import CHANGE, IMPORT
from wangge.people.forms import add_service_errors
from wangge.people.views_registry import ERRORS_SHOWN
from wangge.places.paging import paginate

from .forms_returnees import RiskPlaceForm, RiskPlaceImportForm
from .models import RiskLevel, RiskPlace
from .services_returnees import (
    PLACE_SPEC,
    RiskPlaceImporter,
    can_maintain_places,
    create_risk_place,
    delete_risk_place,
    update_risk_place,
)

FIELDS = ("region", "level", "starts_on", "ends_on", "note")


def current_places(day=None):
    day = day or timezone.localdate()
    return RiskPlace.objects.filter(starts_on__lte=day).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=day)
    )


def _editable(request: HttpRequest, pk: int) -> RiskPlace:
    """A risk place the user may maintain (404 for everyone else)."""
    maintainer = can_maintain_places(request.user)
    places = RiskPlace.objects.all() if maintainer else RiskPlace.objects.none()
    return get_object_or_404(places, pk=pk)


def _require_maintainer(request: HttpRequest, *actions: str) -> None:
    for action in (CHANGE, *actions):
        if not can_maintain_places(request.user, action):
            raise PermissionDenied(_("只有区级及以上的工作人员可以维护风险地区"))


@login_required
def riskplace_list(request: HttpRequest) -> HttpResponse:
    show_all = request.GET.get("all") == "1"
    places = RiskPlace.objects.all() if show_all else current_places()
    q = request.GET.get("q", "").strip()
    if q:
        places = places.filter(Q(region__icontains=q) | Q(note__icontains=q))
    level = request.GET.get("level", "")
    if level in RiskLevel.values:
        places = places.filter(level=level)
    return render(
        request,
        "canvass/riskplaces/riskplace_list.html",
        {
            "page": paginate(request, places),
            "show_all": show_all,
            "q": q,
            "level": level,
            "levels": RiskLevel.choices,
            "today": timezone.localdate(),
            "can_edit": can_maintain_places(request.user),
            "can_import": can_maintain_places(request.user, IMPORT)
            and can_maintain_places(request.user),
        },
    )


@login_required
def riskplace_create(request: HttpRequest) -> HttpResponse:
    _require_maintainer(request)
    form = RiskPlaceForm(request.POST or None, initial={"starts_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            place = create_risk_place(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已添加风险地区：%(place)s") % {"place": place})
            return redirect("canvass:riskplace_list")
    return render(
        request,
        "canvass/riskplaces/riskplace_form.html",
        {"form": form, "title": _("添加风险地区")},
    )


@login_required
def riskplace_edit(request: HttpRequest, pk: int) -> HttpResponse:
    place = _editable(request, pk)
    initial = {f: getattr(place, f) for f in FIELDS}
    form = RiskPlaceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changed = update_risk_place(place, form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if changed:
                messages.success(request, _("已保存风险地区：%(place)s") % {"place": place})
            else:
                messages.info(request, _("没有修改"))
            return redirect("canvass:riskplace_list")
    return render(
        request,
        "canvass/riskplaces/riskplace_form.html",
        {"form": form, "place": place, "title": _("修改风险地区")},
    )


@login_required
def riskplace_delete(request: HttpRequest, pk: int) -> HttpResponse:
    place = _editable(request, pk)
    if request.method == "POST":
        label = str(place)
        delete_risk_place(place, actor=request.user)
        messages.success(request, _("已删除风险地区：%(place)s") % {"place": label})
        return redirect("canvass:riskplace_list")
    return render(request, "canvass/riskplaces/riskplace_confirm_delete.html", {"place": place})


@login_required
def riskplace_import(request: HttpRequest) -> HttpResponse:
    """Upload a sheet of risk places; the report (counts and row errors) is shown at once: the
    list is short, so the import runs in the request."""
    _require_maintainer(request, IMPORT)
    form = RiskPlaceImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = read_table(upload.read(), PLACE_SPEC, upload.name)
            report = RiskPlaceImporter(actor=request.user).run(table)
        except ImportFormatError as exc:
            form.add_error("file", str(exc))
        else:
            form = RiskPlaceImportForm()
    return render(
        request,
        "canvass/riskplaces/riskplace_import.html",
        {
            "form": form,
            "report": report,
            "errors": report.errors[:ERRORS_SHOWN] if report else [],
            "more_errors": max(len(report.errors) - ERRORS_SHOWN, 0) if report else 0,
        },
    )
