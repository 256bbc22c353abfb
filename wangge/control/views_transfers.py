"""Transfer pages (转运): requesting a transfer (a person, a whole household, or the person of
an order), one transfer in full with its timeline (logged), and each step (assign a vehicle on
call, picked up, handed over, closed, cancelled). The board and its export are
views_transfers_board's; the roster of vehicles is views_vehicles'.

Transfers are read through services_transfers_access.visible_transfers: outside it, a 404. A
step the user may not take on a transfer they can see is a 403; a step at the wrong moment is
refused with the service's message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from wangge.core.audit import record_access
from wangge.core.mask import mask_id, mask_name
from wangge.core.models import ChangeLog
from wangge.core.normalize import clean_text
from wangge.core.scope import CHANGE, VIEW, covers, scope_paths
from wangge.core.services import field_errors
from wangge.people.models import Person
from wangge.places.models import Household

from . import services_transfers as svc
from .forms_transfers import (
    AssignForm,
    CancelForm,
    CloseForm,
    HandoverForm,
    PickupForm,
    TransferForm,
)
from .models import ControlOrder, OrderType
from .models_transfers import Transfer
from .services import household_members
from .services_transfers_access import may_step, usable_sites, visible_transfers
from .services_vehicles import busy_vehicle_ids, usable_vehicles
from .views_transfers_board import RELATED, rows_of, with_related

Status = Transfer.Status
SEARCH_LIMIT = 10


# --- request ----------------------------------------------------------------------------------


def _pk(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        raise Http404
    return int(value)


def _preset(request: HttpRequest, user) -> tuple[dict, ControlOrder | None]:
    """Initial values from ?order= / ?person= / ?household= (404 outside the CHANGE scope)."""
    if (order_pk := _pk(request, "order")) is not None:
        orders = ControlOrder.objects.for_user(user, CHANGE).select_related(
            "order_type", "household__building__estate", "household__unit"
        )
        order = get_object_or_404(orders, pk=order_pk)
        initial = {
            "person": order.person_id,
            "household": order.household_id,
            "from_address": order.household.address if order.household_id else "",
            "reason": _("%(type)s：%(reason)s")
            % {"type": order.order_type.name, "reason": order.reason},
        }
        if order.order_type.kind == OrderType.Kind.CENTRAL_QUARANTINE:
            initial["destination"] = Transfer.Destination.SITE
            sites = list(usable_sites(user)[:2])
            if len(sites) == 1:
                initial["site"] = sites[0].pk
        return initial, order
    if (person_pk := _pk(request, "person")) is not None:
        person = get_object_or_404(Person.objects.for_user(user, CHANGE), pk=person_pk)
        home = svc.home_of(person)
        if home is None:
            return {"person": person.pk}, None
        return {"person": person.pk, "household": home.pk, "from_address": home.address}, None
    if (household_pk := _pk(request, "household")) is not None:
        household = get_object_or_404(Household.objects.for_user(user, CHANGE), pk=household_pk)
        return {
            "household": household.pk,
            "whole_household": True,
            "from_address": household.address,
        }, None
    return {}, None


def _search(user, text: str) -> list[Person]:
    text = clean_text(text)
    if not text:
        return []
    match = Q(name__contains=text)
    if text.isascii() and text.isalnum() and len(text) >= 4:
        match |= Q(phone_tail=text[-4:].upper()) | Q(id_tail=text[-4:].upper())
    return list(Person.objects.for_user(user, CHANGE).filter(match)[:SEARCH_LIMIT])


@login_required
def transfer_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not scope_paths(user, CHANGE):
        raise PermissionDenied(_("您没有申请转运的权限"))
    initial, order = _preset(request, user)
    form = TransferForm(
        request.POST if request.method == "POST" else None,
        user=user,
        sites=usable_sites(user),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            transfer, created = svc.submit_request(
                actor=user,
                person=data["person"],
                household=data["household"],
                destination=data["destination"],
                site=data["site"],
                hospital=data["hospital"],
                urgency=data["urgency"],
                reason=data["reason"],
                from_address=data["from_address"],
                client_uuid=data["client_uuid"],
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            form.add_service_errors(field_errors(exc))
        else:
            if created:
                messages.success(request, _("已提交转运申请，等待派车"))
            return redirect("control:transfer_detail", pk=transfer.pk)
    chosen_person = chosen_household = None
    if person_pk := _as_pk(form["person"].value()):
        chosen_person = form.fields["person"].queryset.filter(pk=person_pk).first()
    if household_pk := _as_pk(form["household"].value()):
        households = form.fields["household"].queryset.select_related("building__estate", "unit")
        chosen_household = households.filter(pk=household_pk).first()
    return render(
        request,
        "control/transfers/transfer_form.html",
        {
            "form": form,
            "order": order,
            "person": chosen_person,
            "household": chosen_household,
            "members": household_members(chosen_household) if chosen_household else [],
            "q": request.GET.get("q", ""),
            "found": [
                (p, mask_name(p.name), mask_id(p.id_number))
                for p in _search(user, request.GET.get("q", ""))
            ],
        },
    )


def _as_pk(value) -> int | None:
    """A pk from a form value (an instance, an int or a string), None when not one."""
    if hasattr(value, "pk"):
        return value.pk
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() else None


# --- one transfer -----------------------------------------------------------------------------


def _transfer(request: HttpRequest, pk: int) -> Transfer:
    return get_object_or_404(
        visible_transfers(request.user).select_related(*RELATED, "requested_by", "handed_over_by"),
        pk=pk,
    )


def timeline(transfer: Transfer) -> list[tuple[str, object, str]]:
    """(step, time, who) for each step taken, who from the audit trail."""
    who: dict[str, str] = {}
    when: dict[str, object] = {}
    logs = ChangeLog.objects.filter(
        model=transfer._meta.label_lower, object_id=str(transfer.pk)
    ).select_related("actor")
    for log in logs.order_by("at", "pk"):
        status = (log.after or {}).get("status")
        if status:
            when[status] = log.at
            who[status] = str(log.actor) if log.actor_id else ""
    steps = [
        (Status.REQUESTED, transfer.requested_at, str(transfer.requested_by or "")),
        (Status.ASSIGNED, transfer.assigned_at, who.get(Status.ASSIGNED, "")),
        (Status.PICKED_UP, transfer.picked_up_at, who.get(Status.PICKED_UP, "")),
        (Status.HANDED_OVER, transfer.handed_over_at, str(transfer.handed_over_by or "")),
        (Status.CLOSED, transfer.closed_at, who.get(Status.CLOSED, "")),
    ]
    out = [(Status(s).label, at, by) for s, at, by in steps if at is not None]
    if transfer.status == Status.CANCELLED:
        cancelled = Status.CANCELLED
        out.append((cancelled.label, when.get(cancelled), who.get(cancelled, "")))
    return out


@login_required
@require_GET
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    transfer = _transfer(request, pk)
    (row,) = rows_of(with_related(Transfer.objects.filter(pk=transfer.pk)), user)
    record_access(user, "view", transfer, fields="names,id_number_masked,from_address")
    return render(
        request,
        "control/transfers/transfer_detail.html",
        {
            "t": transfer,
            "row": row,
            "people": [(p, mask_id(p.id_number)) for p in row.people],
            "timeline": timeline(transfer),
            "site_visible": transfer.site_id is not None
            and covers(user, transfer.site.scope_path, VIEW),
        },
    )


# --- steps ------------------------------------------------------------------------------------


def _next_url(request: HttpRequest, transfer: Transfer) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith(reverse("control:transfer_board")) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return target
    return reverse("control:transfer_detail", args=[transfer.pk])


STEP_TITLES = {
    "assign": gettext_lazy("派车"),
    "pickup": gettext_lazy("登记接到"),
    "handover": gettext_lazy("确认交接"),
    "close": gettext_lazy("完成转运"),
    "cancel": gettext_lazy("取消转运"),
}
STEP_DONE = {
    "assign": gettext_lazy("已派车"),
    "pickup": gettext_lazy("已登记接到"),
    "handover": gettext_lazy("已确认交接"),
    "close": gettext_lazy("转运已完成"),
    "cancel": gettext_lazy("转运已取消"),
}


def _step(request: HttpRequest, pk: int, step: str, make_form, perform) -> HttpResponse:
    """One step: GET shows the form, POST does it through the service."""
    user = request.user
    transfer = _transfer(request, pk)
    if not may_step(transfer, user, step):
        raise PermissionDenied(_("您不能对该转运进行此操作"))
    form = make_form(transfer, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            perform(transfer, form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(field_errors(exc))
        else:
            messages.success(request, str(STEP_DONE[step]))
            return redirect(_next_url(request, transfer))
    (row,) = rows_of(with_related(Transfer.objects.filter(pk=transfer.pk)), user)
    return render(
        request,
        "control/transfers/transfer_step.html",
        {
            "t": transfer,
            "row": row,
            "step": step,
            "title": STEP_TITLES[step],
            "form": form,
            "open": step in row.steps,
            "next": _next_url(request, transfer),
        },
    )


@login_required
def transfer_assign(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    busy = busy_vehicle_ids()

    def make_form(transfer, data):
        vehicles = usable_vehicles(user).filter(on_call=True).order_by("plate")
        initial = {}
        if transfer.vehicle_id:
            initial = {"vehicle": transfer.vehicle_id}
        return AssignForm(
            data, vehicles=vehicles, busy=busy - {transfer.vehicle_id}, initial=initial
        )

    def perform(transfer, data):
        svc.assign(
            transfer,
            data["vehicle"],
            actor=user,
            driver_name=data["driver_name"],
            driver_phone=data["driver_phone"],
        )

    return _step(request, pk, "assign", make_form, perform)


@login_required
def transfer_pickup(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        "pickup",
        lambda t, data: PickupForm(data),
        lambda t, data: svc.pick_up(t, actor=request.user, at=data["at"]),
    )


@login_required
def transfer_handover(request: HttpRequest, pk: int) -> HttpResponse:
    def make_form(transfer, data):
        hospital = transfer.destination == Transfer.Destination.HOSPITAL
        return HandoverForm(data, hospital=hospital)

    def perform(transfer, data):
        svc.hand_over(
            transfer,
            actor=request.user,
            received_by_name=data["received_by_name"],
            at=data["at"],
        )

    return _step(request, pk, "handover", make_form, perform)


@login_required
def transfer_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        "close",
        lambda t, data: CloseForm(data),
        lambda t, data: svc.close(t, actor=request.user),
    )


@login_required
def transfer_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        "cancel",
        lambda t, data: CancelForm(data),
        lambda t, data: svc.cancel(t, actor=request.user, reason=data["reason"]),
    )
