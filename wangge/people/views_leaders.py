"""The five leaders (五长) and command zone leaders: list, assign, edit.

Leader names and phones are posted in every building (五长信息公示到楼栋), so they are shown
unmasked; the list is still limited to the user's scope.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from wangge.core.normalize import normalize_name, to_halfwidth
from wangge.core.scope import CHANGE, VIEW, scope_paths
from wangge.places.models import Area

from . import services
from .forms import LeaderForm, add_service_errors
from .models import LeaderAssignment
from .place_choice import place_value
from .views import paginate, require_change


def _leaders(user):
    return LeaderAssignment.objects.for_user(user, VIEW).select_related(
        "area", "building__estate", "building__area", "unit__building__estate", "command_zone"
    )


@login_required
def leader_list(request: HttpRequest) -> HttpResponse:
    qs = _leaders(request.user)
    role = request.GET.get("role") or ""
    query = to_halfwidth(request.GET.get("q") or "").strip()
    if role in LeaderAssignment.Role.values:
        qs = qs.filter(role=role)
    if query:
        cond = Q(name__contains=normalize_name(query))
        if query.isdigit() and len(query) >= 4:
            cond |= Q(phone__endswith=query)
        qs = qs.filter(cond)
    qs = qs.order_by("scope_path", "role", "id")
    return render(
        request,
        "people/leader_list.html",
        {
            "page": paginate(request, qs),
            "roles": LeaderAssignment.Role.choices,
            "role": role,
            "query": query,
            "can_change": bool(scope_paths(request.user, CHANGE)),
        },
    )


def _within(request: HttpRequest, default: Area | None = None) -> Area | None:
    """The area below which buildings and units are listed (?within=<area id>), if in scope."""
    ref = request.GET.get("within") or ""
    areas = Area.objects.for_user(request.user, CHANGE)
    if ref.isdigit():
        return areas.filter(pk=int(ref)).first()
    if default is not None and areas.filter(pk=default.pk).exists():
        return default
    return None


def _render_form(request, form, leader=None):
    field = form.fields["place"]
    return render(
        request,
        "people/leader_form.html",
        {
            "form": form,
            "leader": leader,
            "lists_buildings": field.lists_buildings(),
            "within": field.within,
            "areas": list(field.querysets["a"]) if not field.lists_buildings() else [],
        },
    )


@login_required
def leader_create(request: HttpRequest) -> HttpResponse:
    if not scope_paths(request.user, CHANGE):
        raise PermissionDenied(_("您没有设置负责人的权限"))
    initial = {}
    if request.GET.get("place"):
        initial["place"] = request.GET["place"]
    form = LeaderForm(
        request.POST or None, user=request.user, within=_within(request), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            leader = services.assign_leader(
                actor=request.user, **form.leader_data(), **form.cleaned_data["place"].as_kwargs()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(f"{reverse('people:leader_list')}?role={leader.role}")
    return _render_form(request, form)


@login_required
def leader_edit(request: HttpRequest, pk: int) -> HttpResponse:
    leader = get_object_or_404(_leaders(request.user), pk=pk)
    require_change(request.user, leader)
    place_obj = leader.unit or leader.building or leader.command_zone or leader.area
    initial = {
        "role": leader.role,
        "name": leader.name,
        "phone": leader.phone,
        "label": leader.label,
        "organisation": leader.organisation,
        "active": leader.active,
        "place": place_value(place_obj) if place_obj else "",
    }
    default_within = leader.area if (leader.building_id or leader.unit_id) else None
    form = LeaderForm(
        request.POST or None,
        user=request.user,
        within=_within(request, default_within),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        place = form.cleaned_data["place"]
        try:
            services.update_leader(
                leader,
                form.leader_data(),
                actor=request.user,
                **{k: getattr(place, k) for k in ("area", "building", "unit", "command_zone")},
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("people:leader_list")
    return _render_form(request, form, leader)
