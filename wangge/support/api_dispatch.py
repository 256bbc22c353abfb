"""Support API, part dispatch: assigning a request to a worker and/or a route, the board's
counts per grid, the day's delivery routes and making one from a building's (or a selection
of) requests.

A request the caller cannot see is a 404; assigning one they may not change is a 403; a
refusal of the service (closed request, worker of another area…) is a 422 with the reason."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from wangge.api.access import require_action, user_of
from wangge.core.scope import CHANGE, VIEW, covers
from wangge.places.api import PAGE, WRITE_RESPONSES, within_area
from wangge.places.models import Area

from . import services_board as board_svc
from . import services_dispatch as svc
from .models import DeliveryRoute, SupportRequest
from .schemas_dispatch import AssignedOut, AssignIn, GridCountOut, RouteIn, RouteOut
from .views_board import assignable_routes
from .views_routes import route_workers

router = Router(tags=["support-dispatch"])


def _out(pk: int) -> SupportRequest:
    return SupportRequest.objects.select_related("household", "kind", "worker").get(pk=pk)


@router.post(
    "/requests/{int:request_id}/assign",
    response={200: AssignedOut, **WRITE_RESPONSES},
    summary="分派诉求（承办人和/或配送路线；待分派或已分派的诉求）",
)
def post_assign(request, request_id: int, payload: AssignIn):
    user = user_of(request)
    req = get_object_or_404(SupportRequest.objects.for_user(user, VIEW), pk=request_id)
    if not covers(user, req.scope_path, CHANGE):
        raise PermissionDenied
    worker = route = None
    if payload.worker_id is not None:
        worker = svc.candidate_workers(user, req.scope_path).filter(pk=payload.worker_id).first()
        if worker is None:
            raise ValidationError(
                {"worker_id": [_("所选人员不存在、未在册或不属于该诉求所在区域")]}
            )
    if payload.route_id is not None:
        prefixes = svc.area_prefixes(req.scope_path)
        route = assignable_routes(user).filter(pk=payload.route_id, scope_path__in=prefixes).first()
        if route is None:
            raise ValidationError({"route_id": [_("所选路线不存在或不属于该诉求所在区域")]})
    try:
        svc.assign(req, actor=user, worker=worker, route=route)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            names = {"worker": "worker_id", "route": "route_id"}
            raise ValidationError(
                {names.get(k, k): v for k, v in exc.message_dict.items()}
            ) from exc
        raise
    return _out(req.pk)


@router.get(
    "/board", response=list[GridCountOut], summary="派单台：各网格待分派、超时、办理中、今日已完成"
)
def get_board(request, area: int | None = None):
    user = user_of(request)
    prefix = ""
    if area is not None:
        found = Area.objects.filter(pk=area).first()
        if found is None or not covers(user, found.path, VIEW):
            return []
        prefix = found.path
    lines, _total = board_svc.grid_lines(user, prefix)
    return [
        {
            "area_id": line.area.pk if line.area else None,
            "name": str(line.label),
            "leader_name": line.leader_name,
            **{key: line.counts.get(key, 0) for key in board_svc.COLUMNS},
        }
        for line in lines
    ]


@router.get("/routes", response=list[RouteOut], summary="配送路线（默认今天；可按区域筛选）")
@paginate(PageNumberPagination, **PAGE)
def list_routes(request, day: dt.date | None = None, area: int | None = None):
    qs = DeliveryRoute.objects.for_user(user_of(request), VIEW).filter(
        day=day or timezone.localdate()
    )
    return within_area(qs, area).select_related("worker").prefetch_related("requests")


@router.post(
    "/routes",
    response={201: RouteOut, **WRITE_RESPONSES},
    summary="生成配送路线（一名配送人员；某楼栋当天的可配送诉求，或所选诉求）",
)
def post_route(request, payload: RouteIn):
    require_action(request, CHANGE)
    user = user_of(request)
    day = payload.day or timezone.localdate()
    worker = route_workers(user).filter(pk=payload.worker_id).first()
    if worker is None:
        raise ValidationError({"worker_id": [_("所选人员不存在、未在册或不在您的管辖范围内")]})
    qs = svc.routable(user, day)
    if payload.request_ids:
        rows = list(qs.filter(pk__in=payload.request_ids))
        if len(rows) != len(set(payload.request_ids)):
            raise ValidationError(
                {"request_ids": [_("部分所选诉求已编入路线、已在办理中或不在您的管辖范围内")]}
            )
    elif payload.building_id is not None:
        rows = list(qs.filter(household__building_id=payload.building_id))
        if not rows:
            raise ValidationError({"building_id": [_("该楼栋当天没有待编入路线的可配送诉求")]})
    else:
        raise ValidationError({"request_ids": [_("请选择楼栋或至少一条诉求")]})
    try:
        route = svc.make_route(rows, actor=user, worker=worker, name=payload.name, day=day)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise ValidationError(
                {("worker_id" if k == "worker" else k): v for k, v in exc.message_dict.items()}
            ) from exc
        raise
    route = (
        DeliveryRoute.objects.select_related("worker").prefetch_related("requests").get(pk=route.pk)
    )
    return Status(201, route)
