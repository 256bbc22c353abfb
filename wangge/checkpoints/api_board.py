"""Checkpoints API, board part: a checkpoint's figures for a day, closed-loop freight (list,
check in at entry — idempotent with client_uuid —, check out at exit). Shifts and check-in are
the workforce API's (/api/workforce/).

A checkpoint or vehicle the caller cannot see is a 404; a write the caller's
roles do not allow on one they can see is a 403; bad input a 422 with the reason."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from wangge.api.access import user_of
from wangge.core.scope import VIEW, covers
from wangge.places.api import PAGE, WRITE_RESPONSES

from . import services_board as svc
from . import services_freight as freight_svc
from .gate import may_record
from .models import Checkpoint, FreightVehicle
from .schemas_board import DayFiguresOut, FreightExitIn, FreightIn, FreightOut

router = Router()


def _checkpoint(request, checkpoint_id: int) -> Checkpoint:
    return get_object_or_404(Checkpoint.objects.for_user(user_of(request), VIEW), pk=checkpoint_id)


def _recording(request, checkpoint_id: int) -> Checkpoint:
    """A checkpoint where the caller records: 404 if they cannot see it nor are posted there,
    403 if they see it without the right to record."""
    user = user_of(request)
    cp = Checkpoint.objects.filter(pk=checkpoint_id).first()
    if cp is not None and may_record(user, cp):
        return cp
    if cp is not None and covers(user, cp.scope_path, VIEW):
        raise PermissionDenied
    raise Http404


@router.get(
    "/{int:checkpoint_id}/figures",
    response=DayFiguresOut,
    summary="卡口当日统计（全天、每小时、每班次：人员与车辆进出、劝返、绿色通道、超额拒绝）",
)
def get_figures(request, checkpoint_id: int, date: dt.date | None = None):
    cp = _checkpoint(request, checkpoint_id)
    day = date or timezone.localdate()
    figures = svc.day_figures(cp, day)
    return {
        "checkpoint_id": cp.pk,
        "checkpoint_name": cp.name,
        "date": day,
        "total": figures.total.as_dict(),
        "hours": [{"hour": h, **f.as_dict()} for h, f in enumerate(figures.hours)],
        "shifts": [
            {
                "shift_id": sf.shift.pk,
                "post_id": sf.shift.post_id,
                "starts_at": sf.shift.starts_at,
                "ends_at": sf.shift.ends_at,
                "needed": sf.shift.needed,
                "assigned": sf.assigned,
                "checked_in": sf.checked_in,
                **sf.figures.as_dict(),
            }
            for sf in figures.shifts
        ],
    }


@router.get(
    "/freight",
    response=list[FreightOut],
    summary="闭环货运车辆（state：inside 区内、overdue 超时未出、left 指定日期已出、all）",
)
@paginate(PageNumberPagination, **PAGE)
def list_freight(request, state: str = "inside", date: dt.date | None = None):
    qs = FreightVehicle.objects.for_user(user_of(request), VIEW)
    if state == "left":
        return freight_svc.left_on(qs, date or timezone.localdate())
    if state == "overdue":
        return freight_svc.overdue(qs)
    if state == "all":
        return qs.order_by("-entered_at", "-pk")
    return freight_svc.inside(qs)


@router.post(
    "/{int:checkpoint_id}/freight",
    response={200: FreightOut, 201: FreightOut, **WRITE_RESPONSES},
    summary="货运车辆登记进入（可带 client_uuid 以便安全重试）",
)
def post_freight(request, checkpoint_id: int, payload: FreightIn):
    cp = _recording(request, checkpoint_id)
    vehicle, created = freight_svc.register_freight(cp, actor=user_of(request), **payload.dict())
    vehicle.created = created
    return Status(201 if created else 200, vehicle)


@router.post(
    "/freight/{int:freight_id}/exit",
    response={200: FreightOut, **WRITE_RESPONSES},
    summary="货运车辆出场（出口可为另一卡口）",
)
def post_freight_exit(request, freight_id: int, payload: FreightExitIn):
    user = user_of(request)
    vehicle = get_object_or_404(FreightVehicle.objects.for_user(user, VIEW), pk=freight_id)
    cp = _recording(request, payload.checkpoint_id or vehicle.checkpoint_in_id)
    vehicle = freight_svc.freight_exit(vehicle, actor=user, checkpoint=cp, at=payload.at)
    vehicle.created = False
    return vehicle
