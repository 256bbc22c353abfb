"""Closed-loop freight pages (闭环货运): vehicles inside, overdue and gone today, registering one
at a gate (whoever may record there) and its exit at any gate the user records at."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from wangge.core.mask import mask_phone
from wangge.core.scope import RECORD, VIEW, scope_paths
from wangge.people.forms import add_service_errors

from . import services_freight as freight_svc
from .forms_board import FreightExitForm, FreightForm
from .models import Checkpoint, FreightVehicle
from .services_gate import gate_checkpoint


def vehicle_rows(rows, now):
    rows = list(rows)
    for v in rows:
        v.phone_masked = mask_phone(v.driver_phone)
        v.due = freight_svc.due_at(v)
        v.late = freight_svc.is_overdue(v, now)
    return rows


FREIGHT_TABS = {
    "inside": gettext_lazy("区内"),
    "overdue": gettext_lazy("超时未出"),
    "left": gettext_lazy("今日已出"),
}


@login_required
def freight_list(request: HttpRequest) -> HttpResponse:
    user, now = request.user, timezone.now()
    status = request.GET.get("status", "inside")
    if status not in FREIGHT_TABS:
        status = "inside"
    qs = FreightVehicle.objects.for_user(user, VIEW)
    if status == "left":
        rows = vehicle_rows(freight_svc.left_on(qs, timezone.localdate(now)), now)
    else:
        rows = vehicle_rows(freight_svc.inside(qs), now)
        if status == "overdue":
            rows = sorted((v for v in rows if v.late), key=lambda v: v.due)
    may = scope_paths(user, RECORD)
    for v in rows:
        v.can_exit = bool(may) and v.exited_at is None
    gates = Checkpoint.objects.for_user(user, RECORD).filter(active=True) if may else []
    return render(
        request,
        "checkpoints/board/freight_list.html",
        {
            "status": status,
            "tabs": [(k, str(label)) for k, label in FREIGHT_TABS.items()],
            "rows": rows,
            "gates": gates,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def freight_create(request: HttpRequest, pk: int) -> HttpResponse:
    cp = gate_checkpoint(request.user, pk)
    form = FreightForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            vehicle, _created = freight_svc.register_freight(cp, actor=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("车辆 %(p)s 已登记进入") % {"p": vehicle.plate})
            return redirect("checkpoints:freight_list")
    return render(request, "checkpoints/board/freight_form.html", {"checkpoint": cp, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def freight_exit(request: HttpRequest, pk: int) -> HttpResponse:
    vehicle = get_object_or_404(
        FreightVehicle.objects.for_user(request.user, VIEW).select_related("checkpoint_in"), pk=pk
    )
    gates = Checkpoint.objects.for_user(request.user, RECORD).filter(active=True)
    if not gates.exists():
        raise PermissionDenied
    initial = {
        "checkpoint": vehicle.checkpoint_in
        if gates.filter(pk=vehicle.checkpoint_in_id).exists()
        else None
    }
    form = FreightExitForm(request.POST or None, checkpoints=gates, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            freight_svc.freight_exit(
                vehicle, actor=request.user, checkpoint=form.cleaned_data["checkpoint"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("车辆 %(p)s 已出场") % {"p": vehicle.plate})
            return redirect(reverse("checkpoints:freight_list") + "?status=left")
    vehicle.phone_masked = mask_phone(vehicle.driver_phone)
    vehicle.due = freight_svc.due_at(vehicle)
    vehicle.late = freight_svc.is_overdue(vehicle)
    return render(
        request, "checkpoints/board/freight_exit.html", {"vehicle": vehicle, "form": form}
    )
