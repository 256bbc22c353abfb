"""Control API, transfers part: the transfers a caller can see (in their scope, or coming to a
site in their scope), requesting one (idempotent with client_uuid), each step (assign a
vehicle, picked up, handed over, closed, cancelled) and the vehicles on the roster.

A transfer the caller cannot see is a 404; a step they may not take on one they can see is a
403; a step at the wrong moment is a 422 with the reason."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from wangge.api.access import require_action, user_of, writable
from wangge.core.audit import record_access
from wangge.core.scope import CHANGE, VIEW
from wangge.core.services import field_errors
from wangge.people.models import Person
from wangge.places.api import PAGE, WRITE_RESPONSES, within_area
from wangge.places.models import Household

from . import services_transfers as svc
from .models_sites import Site
from .models_transfers import Transfer, Vehicle
from .schemas_transfers import (
    AssignIn,
    CancelIn,
    HandoverIn,
    PickupIn,
    TransferIn,
    TransferOut,
    VehicleOut,
)
from .services_transfers_access import may_step, usable_sites, visible_transfers
from .services_vehicles import busy_vehicle_ids, usable_vehicles

router = Router(tags=["transfers"])
RELATED = ("site", "vehicle")
STAMPS = ("requested_at", "assigned_at", "picked_up_at", "handed_over_at", "closed_at")
# The services name the model's fields; the API names the ids it was given.
API_FIELDS = {"person": "person_id", "household": "household_id", "site": "site_id"}


def _renamed(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    errors = field_errors(exc)
    return ValidationError({names.get(k, k): v for k, v in errors.items()})


def _visible(request):
    return visible_transfers(user_of(request)).select_related(*RELATED)


def _one(request, transfer_id: int) -> Transfer:
    return get_object_or_404(_visible(request), pk=transfer_id)


def _out(transfer_id: int) -> Transfer:
    return Transfer.objects.select_related(*RELATED).prefetch_related("persons").get(pk=transfer_id)


@router.get(
    "/transfers",
    response=list[TransferOut],
    summary="转运列表（可按状态、日期、区域筛选；日期为当天有任一环节的转运）",
)
@paginate(PageNumberPagination, **PAGE)
def list_transfers(request, status: str = "", day: dt.date | None = None, area: int | None = None):
    qs = within_area(_visible(request), area)
    if status.strip():
        qs = qs.filter(status__in=[s.strip() for s in status.split(",") if s.strip()])
    if day is not None:
        match = Q()
        for name in STAMPS:
            match |= Q(**{f"{name}__date": day})
        qs = qs.filter(match)
    return qs.prefetch_related("persons").order_by("-requested_at", "-pk")


@router.get("/transfers/{int:transfer_id}", response=TransferOut, summary="转运详情")
def get_transfer(request, transfer_id: int):
    transfer = _one(request, transfer_id)
    record_access(user_of(request), "api", transfer, fields="names,from_address")
    return _out(transfer.pk)


@router.post(
    "/transfers",
    response={200: TransferOut, 201: TransferOut, **WRITE_RESPONSES},
    summary="申请转运（一人或全户；可带 client_uuid 以便安全重试）",
)
def post_transfer(request, payload: TransferIn):
    require_action(request, CHANGE)
    user = user_of(request)
    person = household = site = None
    if payload.person_id is not None:
        person = writable(Person, request, payload.person_id)
    if payload.household_id is not None:
        household = writable(Household, request, payload.household_id)
    if payload.site_id is not None:
        site = Site.objects.filter(pk=payload.site_id).first()
        if site is None or not usable_sites(user).filter(pk=site.pk).exists():
            raise ValidationError({"site_id": [_("所选隔离点不存在、已停用或不在您的管辖范围内")]})
    try:
        with transaction.atomic():
            transfer, created = svc.submit_request(
                actor=user,
                person=person,
                household=household,
                destination=payload.destination,
                site=site,
                hospital=payload.hospital,
                urgency=payload.urgency,
                reason=payload.reason,
                from_address=payload.from_address,
                client_uuid=payload.client_uuid,
            )
    except ValidationError as exc:
        raise _renamed(exc, API_FIELDS) from exc
    return Status(201 if created else 200, _out(transfer.pk))


@router.post(
    "/transfers/{int:transfer_id}/assign",
    response={200: TransferOut, **WRITE_RESPONSES},
    summary="派车（待命、空闲且座位足够的车辆；司机信息默认取自车辆）",
)
def post_assign(request, transfer_id: int, payload: AssignIn):
    transfer = _one(request, transfer_id)
    user = user_of(request)
    if not may_step(transfer, user, "assign"):
        raise PermissionDenied
    vehicle = usable_vehicles(user).filter(pk=payload.vehicle_id).first()
    if vehicle is None:
        raise ValidationError({"vehicle_id": [_("所选车辆不存在或不在您的调度范围内")]})
    try:
        svc.assign(
            transfer,
            vehicle,
            actor=user,
            driver_name=payload.driver_name,
            driver_phone=payload.driver_phone,
        )
    except ValidationError as exc:
        raise _renamed(exc, {"vehicle": "vehicle_id"}) from exc
    return _out(transfer.pk)


@router.post(
    "/transfers/{int:transfer_id}/pickup",
    response={200: TransferOut, **WRITE_RESPONSES},
    summary="登记已接到人员",
)
def post_pickup(request, transfer_id: int, payload: PickupIn):
    transfer = _one(request, transfer_id)
    svc.pick_up(transfer, actor=user_of(request), at=payload.at)
    return _out(transfer.pk)


@router.post(
    "/transfers/{int:transfer_id}/handover",
    response={200: TransferOut, **WRITE_RESPONSES},
    summary="确认交接（隔离点工作人员确认；送医院的填写接收人）",
)
def post_handover(request, transfer_id: int, payload: HandoverIn):
    transfer = _one(request, transfer_id)
    svc.hand_over(
        transfer,
        actor=user_of(request),
        received_by_name=payload.received_by_name,
        at=payload.at,
    )
    return _out(transfer.pk)


@router.post(
    "/transfers/{int:transfer_id}/close",
    response={200: TransferOut, **WRITE_RESPONSES},
    summary="完成转运（已交接后）",
)
def post_close(request, transfer_id: int):
    transfer = _one(request, transfer_id)
    svc.close(transfer, actor=user_of(request))
    return _out(transfer.pk)


@router.post(
    "/transfers/{int:transfer_id}/cancel",
    response={200: TransferOut, **WRITE_RESPONSES},
    summary="取消转运（接到人员之前，须填写原因）",
)
def post_cancel(request, transfer_id: int, payload: CancelIn):
    transfer = _one(request, transfer_id)
    svc.cancel(transfer, actor=user_of(request), reason=payload.reason)
    return _out(transfer.pk)


@router.get(
    "/vehicles",
    response=list[VehicleOut],
    summary="转运车辆（本人辖区及上级区域的车辆；可按是否待命、区域筛选）",
)
@paginate(PageNumberPagination, **PAGE)
def list_vehicles(request, on_call: bool | None = None, area: int | None = None):
    qs = within_area(Vehicle.objects.touching(user_of(request), VIEW), area)
    if on_call is not None:
        qs = qs.filter(on_call=on_call)
    busy = busy_vehicle_ids()
    vehicles = list(qs.order_by("plate"))
    for v in vehicles:
        v.busy_ids = busy
    return vehicles
