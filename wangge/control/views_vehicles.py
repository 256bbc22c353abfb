"""Vehicle pages (转运车辆): the roster of vehicles with what each is doing now and their
on-call switches, putting a vehicle on the roster and editing it. Vehicles are seen in the
user's scope or above it (the street's) and changed with CHANGE over their area."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wangge.core.scope import CHANGE, VIEW, covers, scope_paths
from wangge.core.services import field_errors

from .forms_transfers import VehicleForm
from .models_transfers import Vehicle
from .services_transfers_access import ON_ROAD, visible_transfers
from .services_vehicles import busy_vehicle_ids, create_vehicle, set_on_call, update_vehicle


def _vehicles(user) -> QuerySet[Vehicle]:
    return Vehicle.objects.touching(user, VIEW).select_related("area")


@login_required
@require_GET
def vehicle_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    vehicles = list(_vehicles(user))
    on_road = {
        t.vehicle_id: t
        for t in visible_transfers(user)
        .filter(status__in=ON_ROAD, vehicle_id__in=[v.pk for v in vehicles])
        .select_related("site")
    }
    busy = busy_vehicle_ids()
    rows = [
        (v, v.pk in busy, on_road.get(v.pk), covers(user, v.scope_path, CHANGE)) for v in vehicles
    ]
    return render(
        request,
        "control/transfers/vehicle_list.html",
        {
            "rows": rows,
            "on_call": sum(1 for v in vehicles if v.on_call),
            "free": sum(1 for v in vehicles if v.on_call and v.pk not in busy),
            "can_create": bool(scope_paths(user, CHANGE)),
        },
    )


@login_required
def vehicle_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not scope_paths(user, CHANGE):
        raise PermissionDenied(_("您没有登记车辆的权限"))
    form = VehicleForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            vehicle = create_vehicle(actor=user, **form.cleaned_data)
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            form.add_service_errors(field_errors(exc))
        else:
            messages.success(request, _("已登记车辆 %(plate)s") % {"plate": vehicle.plate})
            return redirect("control:vehicle_list")
    return render(request, "control/transfers/vehicle_form.html", {"form": form, "vehicle": None})


def _writable_vehicle(request: HttpRequest, pk: int) -> Vehicle:
    vehicle = get_object_or_404(_vehicles(request.user), pk=pk)
    if not covers(request.user, vehicle.scope_path, CHANGE):
        raise PermissionDenied(_("您不能修改该车辆"))
    return vehicle


@login_required
def vehicle_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    vehicle = _writable_vehicle(request, pk)
    fields = ("area", "plate", "kind", "seats", "driver_name", "driver_phone", "on_call", "note")
    initial = {name: getattr(vehicle, name) for name in fields}
    form = VehicleForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            update_vehicle(vehicle, form.cleaned_data, actor=user)
        except ValidationError as exc:
            form.add_service_errors(field_errors(exc))
        else:
            messages.success(request, _("已保存车辆 %(plate)s") % {"plate": vehicle.plate})
            return redirect("control:vehicle_list")
    return render(
        request, "control/transfers/vehicle_form.html", {"form": form, "vehicle": vehicle}
    )


@login_required
@require_POST
def vehicle_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a vehicle on call or take it off (POST on_call=1|0)."""
    vehicle = _writable_vehicle(request, pk)
    on_call = request.POST.get("on_call") == "1"
    set_on_call(vehicle, on_call, actor=request.user)
    if on_call:
        messages.success(request, _("%(plate)s 已待命") % {"plate": vehicle.plate})
    else:
        messages.success(request, _("%(plate)s 已撤出待命") % {"plate": vehicle.plate})
    return redirect("control:vehicle_list")
