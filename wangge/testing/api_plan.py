"""Testing API, planning part: rounds, their points and tables, the call-down schedule and its
proposal. Scoped like the web: a round is seen by those whose scope it touches (404 otherwise),
planned by those with CHANGE on its area (403); slots are listed within the caller's scope."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from wangge.api.access import require_action, user_of, writable
from wangge.api.schemas import InSchema
from wangge.core.scope import CHANGE, VIEW
from wangge.places.api import PAGE, WRITE_RESPONSES, within_area
from wangge.places.models import Area, Building

from . import services_plan as plan
from .models import Round, ScheduleSlot
from .schedule import propose_schedule
from .schedule_texts import slot_text, unit_label

router = Router()


class RoundOut(Schema):
    id: int
    number: int
    name: str
    label: str
    area_id: int
    area_name: str
    date: dt.date
    start_time: dt.time
    end_time: dt.time
    target: str
    target_building_ids: list[int]
    target_group: str
    pool_size: int
    slot_minutes: int
    status: str
    previous_id: int | None

    @staticmethod
    def resolve_label(obj) -> str:
        return str(obj)

    @staticmethod
    def resolve_area_name(obj) -> str:
        return obj.area.name

    @staticmethod
    def resolve_target_building_ids(obj) -> list[int]:
        return sorted(b.pk for b in obj.target_buildings.all())


class RoundIn(InSchema):
    area_id: int
    date: dt.date
    number: int | None = None
    name: str = Field("", max_length=100)
    start_time: dt.time = dt.time(7, 0)
    end_time: dt.time = dt.time(18, 0)
    target: Round.Target = Round.Target.ALL
    target_building_ids: list[int] = []
    target_group: str = Field("", max_length=16)
    pool_size: int = 10
    slot_minutes: int = 20


class TableOut(Schema):
    id: int
    number: int
    leader_name: str
    leader_phone: str
    rate_per_hour: int


class PointOut(Schema):
    id: int
    number: int
    name: str
    location: str
    area_id: int
    estate_id: int | None
    leader_name: str
    leader_phone: str
    opens_at: dt.time | None
    closes_at: dt.time | None
    tables: list[TableOut]

    @staticmethod
    def resolve_tables(obj) -> list:
        return list(obj.tables.all())


class SlotOut(Schema):
    id: int
    point_id: int
    point_name: str
    unit_id: int
    unit_label: str
    building_id: int
    building_label: str
    grid_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    expected: int
    adjusted: bool
    notified_at: dt.datetime | None
    text: str

    @staticmethod
    def resolve_point_name(obj) -> str:
        return obj.point.name

    @staticmethod
    def resolve_unit_label(obj) -> str:
        return unit_label(obj.unit)

    @staticmethod
    def resolve_building_id(obj) -> int:
        return obj.unit.building_id

    @staticmethod
    def resolve_building_label(obj) -> str:
        return str(obj.unit.building)

    @staticmethod
    def resolve_grid_id(obj) -> int:
        return obj.unit.building.area_id

    @staticmethod
    def resolve_text(obj) -> str:
        return slot_text(obj)


class OverflowOut(Schema):
    unit_id: int
    label: str
    expected: int


class ProposalOut(Schema):
    units: int
    slots: int
    kept: int
    people: int
    capacity: int
    door_visits: int
    overflow: list[OverflowOut]
    split_building_ids: list[int]


def _round(request, round_id: int) -> Round:
    qs = plan.visible_rounds(user_of(request)).select_related("area")
    return get_object_or_404(qs.prefetch_related("target_buildings"), pk=round_id)


def _plannable(request, round_id: int) -> Round:
    rnd = _round(request, round_id)
    if not plan.can_plan(user_of(request), rnd):
        raise PermissionDenied
    return rnd


@router.get("/rounds", response=list[RoundOut], summary="检测轮次列表")
@paginate(PageNumberPagination, **PAGE)
def list_rounds(request, area: int | None = None, status: Round.Status | None = None):
    qs = plan.visible_rounds(user_of(request)).select_related("area")
    qs = within_area(qs, area).prefetch_related("target_buildings")
    if status is not None:
        qs = qs.filter(status=status)
    return qs.order_by("-date", "-number", "-pk")


@router.post("/rounds", response={201: RoundOut, **WRITE_RESPONSES}, summary="新建检测轮次")
@transaction.atomic
def post_round(request, payload: RoundIn):
    user = user_of(request)
    require_action(request, CHANGE)
    area = writable(Area, request, payload.area_id, CHANGE)
    ids = set(payload.target_building_ids)
    buildings = list(Building.objects.for_user(user, VIEW).filter(pk__in=ids))
    missing = sorted(ids - {b.pk for b in buildings})
    if missing:
        raise ValidationError(
            {
                "target_building_ids": [
                    _("楼栋 #%(id)s 不存在或不在您的范围内") % {"id": pk} for pk in missing
                ]
            }
        )
    data = payload.dict(exclude={"area_id", "target_building_ids"})
    rnd = plan.create_round(area=area, actor=user, target_buildings=buildings, **data)
    return Status(201, _round(request, rnd.pk))


@router.get("/rounds/{int:round_id}", response=RoundOut, summary="检测轮次详情")
def get_round(request, round_id: int):
    return _round(request, round_id)


@router.get("/rounds/{int:round_id}/points", response=list[PointOut], summary="采样点及采样台")
def list_points(request, round_id: int):
    rnd = _round(request, round_id)
    return list(rnd.points.prefetch_related("tables").order_by("number"))


@router.get(
    "/rounds/{int:round_id}/schedule",
    response=list[SlotOut],
    summary="下楼排班（每个单元的采样点、时段、预计人数和通知文本）",
)
@paginate(PageNumberPagination, **PAGE)
def list_schedule(request, round_id: int, point: int | None = None, area: int | None = None):
    rnd = _round(request, round_id)
    qs = (
        ScheduleSlot.objects.for_user(user_of(request), VIEW)
        .filter(round=rnd)
        .select_related("point", "unit__building__estate")
        .order_by("starts_at", "point__number", "scope_path")
    )
    if point is not None:
        qs = qs.filter(point_id=point)
    return within_area(qs, area)


@router.post(
    "/rounds/{int:round_id}/schedule/propose",
    response={200: ProposalOut, **WRITE_RESPONSES},
    summary="生成排班（保留人工调整的时段）并更新上门采样名单",
)
def post_propose(request, round_id: int):
    rnd = _plannable(request, round_id)
    result = propose_schedule(rnd, actor=user_of(request))
    return {
        "units": result.units,
        "slots": result.slots,
        "kept": result.kept,
        "people": result.people,
        "capacity": result.capacity,
        "door_visits": result.door_visits,
        "overflow": [{"unit_id": u.pk, "label": str(u), "expected": n} for u, n in result.overflow],
        "split_building_ids": result.split_buildings,
    }
