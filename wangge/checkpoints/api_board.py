"""Checkpoints API, board part: a checkpoint's figures for a day, closed-loop freight (list,
check in at entry — idempotent with client_uuid —, check out at exit), the shifts of a day and
a member's check-in or check-out.

A checkpoint, vehicle or shift member the caller cannot see is a 404; a write the caller's
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
from . import services_shifts as shift_svc
from .gate import may_record
from .models import Checkpoint, FreightVehicle, ShiftMember
from .schemas_board import (
    CheckIn,
    DayFiguresOut,
    FreightExitIn,
    FreightIn,
    FreightOut,
    MemberOut,
    ShiftOut,
)

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
                "starts_at": sf.shift.starts_at,
                "ends_at": sf.shift.ends_at,
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


@router.get(
    "/{int:checkpoint_id}/shifts",
    response=list[ShiftOut],
    summary="卡口某日的值守班次与人员到岗情况",
)
def list_shifts(request, checkpoint_id: int, date: dt.date | None = None):
    cp = _checkpoint(request, checkpoint_id)
    return list(svc.shifts_of_day(cp, date or timezone.localdate()).prefetch_related("members"))


@router.post(
    "/shift-members/{int:shift_member_id}/check-in",
    response={200: MemberOut, **WRITE_RESPONSES},
    summary="值守人员到岗签到或签退（本人，或有记录权限者）",
)
def post_check_in(request, shift_member_id: int, payload: CheckIn):
    user = user_of(request)
    members = ShiftMember.objects.for_user(user, VIEW) | ShiftMember.objects.filter(user=user)
    member = get_object_or_404(members.select_related("shift__checkpoint"), pk=shift_member_id)
    if payload.action == "out":
        return shift_svc.check_out(member, actor=user, at=payload.at)
    return shift_svc.check_in(member, actor=user, at=payload.at)
