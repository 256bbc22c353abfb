"""One stay at a central quarantine site (集中隔离点): the person's file, diet, needs, parcels
and readings (the ID number only after a logged reveal), editing the file, checkout on release,
and the parcels families bring (logged, disinfected, delivered). Stays and parcels outside what
the user sees (services_site_access.stays_for / parcels_for) are a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.core.audit import record_access
from wangge.core.mask import mask_name
from wangge.core.scope import CHANGE, RECORD, VIEW, covers
from wangge.people.forms import add_service_errors

from . import services_followups
from . import services_site_access as site_access
from . import services_stays as stay_services
from .forms_sites import CheckOutForm, ParcelForm, StayForm
from .models import ControlOrder
from .models_followups import FollowUp, Symptom
from .models_sites import Stay
from .views_site_common import annotate_stay, rights

STAY_RELATED = ("site__area", "room", "person", "order__order_type", "transfer")


def _stay(request: HttpRequest, pk: int, action: str = VIEW) -> Stay:
    stays = site_access.stays_for(request.user, VIEW).select_related(*STAY_RELATED)
    stay = get_object_or_404(stays, pk=pk)
    if action != VIEW and not site_access.may(request.user, stay.site, action):
        raise PermissionDenied(_("您没有该操作的权限"))
    return stay


# --- stays ------------------------------------------------------------------------------------


def _stay_context(request: HttpRequest, stay: Stay, revealed: bool = False) -> dict:
    user = request.user
    today = timezone.localdate()
    annotate_stay(stay, today)
    followups = []
    alerts = []
    if stay.order_id:
        followups = list(
            FollowUp.objects.filter(order_id=stay.order_id, day__lte=today)
            .filter(Q(done_at__isnull=False) | Q(day=today))
            .order_by("-due_at")[:60]
        )
        alerts = list(stay.order.alerts.order_by("-created_at")[:20])
    now = timezone.now()
    for f in followups:
        f.overdue = f.done_at is None and f.due_at < now
        f.fever = f.temperature is not None and f.temperature >= services_followups.FEVER_AT
        f.symptom_labels = "、".join(
            str(Symptom(c).label) for c in f.symptoms or [] if c in Symptom.values
        )
    return {
        "site": stay.site,
        "stay": stay,
        "person": stay.person,
        "revealed": revealed,
        "parcels": list(stay.parcels.select_related("received_by")),
        "followups": followups,
        "alerts": alerts,
        "order_visible": stay.order_id is not None and covers(user, stay.order.scope_path, VIEW),
        "person_visible": covers(user, stay.person.scope_path, VIEW),
        **rights(user, stay.site),
    }


@login_required
def stay_detail(request: HttpRequest, pk: int) -> HttpResponse:
    stay = _stay(request, pk)
    record_access(
        request.user, "view", stay, fields="name,diet,medical_needs,temperature,file_note"
    )
    return render(request, "control/sites/stay_detail.html", _stay_context(request, stay))


@login_required
@require_POST
def stay_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """The full ID number and phone of the person staying; logged."""
    stay = _stay(request, pk)
    record_access(
        request.user, "view", stay.person, fields="id_number,phone", scope_path=stay.scope_path
    )
    return render(
        request, "control/sites/stay_detail.html", _stay_context(request, stay, revealed=True)
    )


@login_required
def stay_edit(request: HttpRequest, pk: int) -> HttpResponse:
    stay = _stay(request, pk, RECORD)
    initial = {
        "arrived_from": stay.arrived_from,
        "file_note": stay.file_note,
        "diet": stay.diet,
        "diet_note": stay.diet_note,
        "medical_needs": stay.medical_needs,
    }
    form = StayForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            stay_services.update_stay(stay, form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("control:stay_detail", pk=stay.pk)
    return render(
        request,
        "control/sites/stay_form.html",
        {"form": form, "stay": stay, "site": stay.site, "masked": mask_name(stay.person.name)},
    )


@login_required
def stay_checkout(request: HttpRequest, pk: int) -> HttpResponse:
    stay = _stay(request, pk, RECORD)
    form = CheckOutForm(request.POST or None)
    if request.method == "POST" and stay.checked_out_at is None and form.is_valid():
        try:
            stay_services.check_out(
                stay,
                actor=request.user,
                note=form.cleaned_data["note"],
                at=form.cleaned_data["checked_out_at"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s 已离开，%(room)s 已空出")
                % {"name": mask_name(stay.person.name), "room": stay.room},
            )
            return redirect("control:site_detail", pk=stay.site_id)
    order = stay.order
    return render(
        request,
        "control/sites/stay_checkout.html",
        {
            "form": form,
            "stay": stay,
            "site": stay.site,
            "masked": mask_name(stay.person.name),
            "order": order,
            "order_active": order is not None and order.status == ControlOrder.Status.ACTIVE,
            "can_release": order is not None and covers(request.user, order.scope_path, CHANGE),
        },
    )


# --- parcels ----------------------------------------------------------------------------------


@login_required
def parcel_add(request: HttpRequest, pk: int) -> HttpResponse:
    stay = _stay(request, pk, RECORD)
    form = ParcelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            stay_services.receive_parcel(
                stay,
                actor=request.user,
                description=data["description"],
                sender=data["sender"],
                sender_phone=data["sender_phone"],
                disinfected=data["disinfected"],
                at=data["received_at"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, {"received_at": "received_at"})
        else:
            messages.success(request, _("已登记包裹"))
            return redirect("control:stay_detail", pk=stay.pk)
    return render(
        request,
        "control/sites/parcel_form.html",
        {"form": form, "stay": stay, "site": stay.site, "masked": mask_name(stay.person.name)},
    )


@login_required
@require_POST
def parcel_mark(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a parcel disinfected or delivered (POST mark=disinfected|delivered)."""
    parcel = get_object_or_404(
        site_access.parcels_for(request.user, VIEW).select_related("stay__site"), pk=pk
    )
    if not site_access.may(request.user, parcel.stay.site, RECORD):
        raise PermissionDenied(_("您没有该操作的权限"))
    mark = request.POST.get("mark")
    try:
        if mark == "disinfected":
            stay_services.mark_disinfected(parcel, actor=request.user)
            messages.success(request, _("已记录消杀：%(p)s") % {"p": parcel.description})
        elif mark == "delivered":
            stay_services.deliver_parcel(parcel, actor=request.user)
            messages.success(request, _("已送达：%(p)s") % {"p": parcel.description})
        else:
            messages.error(request, _("操作不正确"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    if request.POST.get("next") == "site":
        return redirect(reverse("control:site_detail", args=[parcel.stay.site_id]) + "#parcels")
    return redirect("control:stay_detail", pk=parcel.stay_id)
