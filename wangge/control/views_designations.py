"""Risk designation pages (风险区域划定): the list of current designations in the user's scope
(or the whole history), designating an estate, building or unit, and lifting a designation.

Designations the user may not change are 404, as are places outside their scope named in the
address (``?unit=<pk>`` from a place's page)."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.scope import CHANGE, VIEW, covers, scope_paths
from wangge.people.forms import add_service_errors
from wangge.places.models import Building, Estate, Unit
from wangge.places.paging import paginate

from . import services
from .forms_designations import PLACE_FIELDS, DesignationForm, LiftForm
from .models import DesignationLevel, RiskDesignation
from .services_settings import may_configure

PLACE_MODELS = {"estate": Estate, "building": Building, "unit": Unit}
PLACE_KEY = {model: name for name, model in PLACE_MODELS.items()}
COLOUR = re.compile(r"^#[0-9a-fA-F]{3,8}$")
DEFAULT_COLOUR = "#dee2e6"
RELATED = (
    "level",
    "estate",
    "building__estate",
    "unit__building__estate",
    "created_by",
    "lifted_by",
)


@login_required
def designation_list(request: HttpRequest) -> HttpResponse:
    show_all = request.GET.get("all") == "1"
    base = RiskDesignation.objects if show_all else services.current_designations()
    designations = base.for_user(request.user, VIEW).select_related(*RELATED)
    levels = list(DesignationLevel.objects.all())
    level = request.GET.get("level", "")
    if level in {lv.code for lv in levels}:
        designations = designations.filter(level__code=level)
    else:
        level = ""
    page = paginate(request, designations)
    now = timezone.now()
    page.object_list = rows = list(page.object_list)
    for d in rows:
        d.badge_colour = d.level.colour if COLOUR.match(d.level.colour) else DEFAULT_COLOUR
        d.is_lifted = d.ends_at is not None and d.ends_at <= now
        d.not_started = d.starts_at > now
        d.can_lift = d.ends_at is None and covers(request.user, d.scope_path, CHANGE)
    return render(
        request,
        "control/designation_list.html",
        {
            "page": page,
            "show_all": show_all,
            "level": level,
            "levels": levels,
            "can_create": bool(scope_paths(request.user, CHANGE)),
            "can_configure": may_configure(request.user),
        },
    )


def _preset(request: HttpRequest) -> dict:
    """The place named in the address (?estate= / ?building= / ?unit=), 404 outside scope."""
    for name, model in PLACE_MODELS.items():
        value = request.GET.get(name)
        if value:
            if not value.isdigit():
                raise Http404
            get_object_or_404(model.objects.for_user(request.user, CHANGE), pk=value)
            return {name: int(value)}
    return {}


PICK_LIMIT = 30


def _search_places(user, q: str) -> dict[str, list]:
    """Estates, buildings and units the user may designate matching `q` ("阳光 3" finds the
    estates named 阳光…, their buildings numbered 3…, and those buildings' units)."""
    words = q.split()
    names = [w for w in words if not w.isdigit()]
    numbers = [w for w in words if w.isdigit()]
    estates = Estate.objects.for_user(user, CHANGE)
    buildings = Building.objects.for_user(user, CHANGE).select_related("estate")
    for name in names:
        estates = estates.filter(name__icontains=name)
        buildings = buildings.filter(Q(estate__name__icontains=name) | Q(name__icontains=name))
    if numbers:
        buildings = buildings.filter(number__in=numbers[:1])
        estates = estates.none() if not names else estates
    found_buildings = list(buildings.order_by("estate__name", "sort_key", "number")[:PICK_LIMIT])
    units = []
    if numbers and len(found_buildings) <= 3:
        units = list(
            Unit.objects.for_user(user, CHANGE)
            .filter(building__in=found_buildings)
            .select_related("building__estate")
            .order_by("building_id", "sort_key")
        )
    return {
        "estates": list(estates.order_by("name")[:PICK_LIMIT]),
        "buildings": found_buildings,
        "units": units,
    }


def _chosen_place(form: DesignationForm):
    """The place the form carries (from the address or the posted hidden fields), for display."""
    for name in PLACE_FIELDS:
        value = form[name].value()
        if value not in (None, ""):
            try:
                return form.fields[name].queryset.filter(pk=int(value)).first()
            except (TypeError, ValueError):
                return None
    return None


@login_required
def designation_create(request: HttpRequest) -> HttpResponse:
    if not scope_paths(request.user, CHANGE):
        raise Http404
    preset = _preset(request)
    if request.method != "POST" and not preset:
        q = request.GET.get("q", "").strip()[:50]
        return render(
            request,
            "control/designation_pick.html",
            {"q": q, "found": _search_places(request.user, q) if q else None},
        )
    form = DesignationForm(request.POST or None, user=request.user, initial=preset)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            designation = services.designate(
                data["place"],
                data["level"],
                actor=request.user,
                reason=data["reason"],
                starts_at=data["starts_at"],
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已将%(place)s划定为%(level)s")
                % {"place": designation.place, "level": designation.level},
            )
            return redirect("control:designation_list")
    place = _chosen_place(form)
    current = None
    if place is not None:
        current = (
            services.current_designations()
            .filter(**{PLACE_KEY[type(place)]: place})
            .select_related("level")
            .first()
        )
    return render(
        request,
        "control/designation_form.html",
        {"form": form, "place": place, "current": current},
    )


@login_required
def designation_lift(request: HttpRequest, pk: int) -> HttpResponse:
    designation = get_object_or_404(
        RiskDesignation.objects.for_user(request.user, CHANGE).select_related(*RELATED), pk=pk
    )
    form = LiftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.lift(
                designation,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                at=form.cleaned_data["at"],
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            add_service_errors(form, exc, {"lift_reason": "reason", "ends_at": "at"})
        else:
            messages.success(
                request,
                _("已解除%(place)s的%(level)s")
                % {"place": designation.place, "level": designation.level},
            )
            return redirect("control:designation_list")
    return render(
        request,
        "control/designation_lift.html",
        {"form": form, "designation": designation, "lifted": designation.ends_at is not None},
    )
