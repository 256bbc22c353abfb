"""Testing API, results part: lab results in (a JSON list, the same checks as the sheet import),
and who is left out — per-grid counts with the grid leaders, and the lists of people not yet
sampled, positive, and waiting for a single-tube retest (ID numbers and phones masked).
Scoped like the web: a round the caller has no part in is a 404; people are limited to the
caller's scope; posting results needs the import right over the round's area (403)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from wangge.api.access import user_of
from wangge.api.schemas import InSchema
from wangge.core.scope import IMPORT, VIEW, covers
from wangge.places.api import WRITE_RESPONSES
from wangge.places.models import Area, Building

from .imports import import_result_items
from .models import Round
from .services_plan import visible_rounds
from .whoisleft import Counts, Line, board, person_list
from .whoisleft_rows import PersonRow, person_rows

router = Router()
MAX_ITEMS = 10000


def _round(request, round_id: int) -> Round:
    qs = visible_rounds(user_of(request)).select_related("area")
    return get_object_or_404(qs, pk=round_id)


class ResultIn(InSchema):
    barcode: str = Field(max_length=40)
    result: str = Field(max_length=20, description="阴性/阳性/无效（或 negative/positive/invalid）")
    at: dt.datetime | None = Field(None, description="检测时间；不填为当前时间")


class ItemError(Schema):
    index: int
    barcode: str
    column: str
    value: str
    reason: str


class ResultsOut(Schema):
    read: int
    imported: int
    updated: int
    unchanged: int
    rejected: int
    errors: list[ItemError]


@router.post(
    "/rounds/{int:round_id}/results",
    response={200: ResultsOut, **WRITE_RESPONSES},
    summary="提交检测结果（条码、结果、时间的列表；与表格导入相同的校验）",
)
def post_results(request, round_id: int, payload: list[ResultIn]):
    rnd = _round(request, round_id)
    actor = user_of(request)
    if not covers(actor, rnd.area.path, IMPORT):
        raise PermissionDenied
    if len(payload) > MAX_ITEMS:
        raise ValidationError({"__all__": [_("一次最多提交 %(n)d 条") % {"n": MAX_ITEMS}]})
    items = [item.model_dump() for item in payload]
    report = import_result_items(rnd, items, actor=actor)
    errors = [
        ItemError(
            index=e.row - 1,
            barcode=items[e.row - 1]["barcode"],
            column=e.column,
            value=e.value,
            reason=e.reason,
        )
        for e in report.errors
    ]
    return ResultsOut(**{**report.__dict__, "errors": errors})


class CountsOut(Schema):
    expected: int
    sampled: int
    not_yet: int
    no_result: int
    positive: int
    retest: int
    percent: float


class LineOut(Schema):
    id: int | None
    name: str
    community: str = ""
    leader_name: str
    leader_phone: str
    counts: CountsOut
    buildings: list[LineOut] = []


class SummaryOut(Schema):
    round_id: int
    total: CountsOut
    grids: list[LineOut]


def _line(line: Line, children: bool = True) -> LineOut:
    return LineOut(
        id=line.obj.pk if line.obj is not None else None,
        name=line.label,
        community=line.parent,
        leader_name=line.leader_name,
        leader_phone=line.leader_phone,
        counts=_counts(line.counts),
        buildings=[_line(b, False) for b in line.children] if children else [],
    )


def _counts(c: Counts) -> CountsOut:
    return CountsOut(**c.as_dict())


@router.get(
    "/rounds/{int:round_id}/summary",
    response=SummaryOut,
    summary="未检统计：每个网格（及楼栋）的应检、已检、未检、未出结果、阳性、待复核，附网格长",
)
def get_summary(request, round_id: int):
    rnd = _round(request, round_id)
    table = board(rnd, user_of(request))
    return SummaryOut(
        round_id=rnd.pk, total=_counts(table.total), grids=[_line(g) for g in table.grids]
    )


class PersonOut(Schema):
    person_id: int
    name: str
    id_number: str = Field(description="脱敏")
    phone: str = Field(description="脱敏")
    grid_id: int | None
    grid: str
    building_id: int | None
    building: str
    unit: str
    floor: int | None
    room: str
    special: list[str]
    door_to_door: str
    grid_leader: str
    grid_leader_phone: str
    positive_tubes: list[str]
    retest_pending: bool


class PersonPage(Schema):
    count: int
    items: list[PersonOut]


def _person(row: PersonRow) -> PersonOut:
    return PersonOut(
        person_id=row.person_id,
        name=row.name,
        id_number=row.masked_id,
        phone=row.masked_phone,
        grid_id=row.grid_id,
        grid=row.grid,
        building_id=row.building_id,
        building=row.building,
        unit=row.unit,
        floor=row.floor,
        room=row.room,
        special=row.special,
        door_to_door=row.door,
        grid_leader=row.leader_name,
        grid_leader_phone=row.leader_phone,
        positive_tubes=row.tubes,
        retest_pending=row.retest_pending,
    )


class ListFilters(Schema):
    grid: int | None = Field(None, description="网格 id")
    building: int | None = Field(None, description="楼栋 id")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=500)


def _prefix(request, filters: ListFilters) -> str:
    user = user_of(request)
    if filters.building is not None:
        qs = Building.objects.for_user(user, VIEW)
        return get_object_or_404(qs, pk=filters.building).scope_path
    if filters.grid is not None:
        return get_object_or_404(Area.objects.for_user(user, VIEW), pk=filters.grid).path
    return ""


def _page(request, round_id: int, kind: str, filters: ListFilters) -> PersonPage:
    rnd = _round(request, round_id)
    qs = person_list(rnd, user_of(request), kind, _prefix(request, filters))
    paginator = Paginator(qs.values_list("pk", flat=True), filters.page_size)
    if filters.page > max(paginator.num_pages, 1):
        raise Http404
    ids = list(paginator.page(filters.page).object_list)
    rows = person_rows(rnd, ids, positive_tubes=kind != "not_yet")
    if kind == "retest":
        for row in rows:
            row.retest_pending = True
    return PersonPage(count=paginator.count, items=[_person(r) for r in rows])


@router.get(
    "/rounds/{int:round_id}/missing",
    response=PersonPage,
    summary="未检人员名单（脱敏，分页；可按网格、楼栋筛选），附住址与网格长",
)
def get_missing(request, round_id: int, filters: Query[ListFilters]):
    return _page(request, round_id, "not_yet", filters)


@router.get(
    "/rounds/{int:round_id}/retests",
    response=PersonPage,
    summary="待单管复核名单：混管阳性试管中、本轮尚未单管采样的人员（脱敏，分页）",
)
def get_retests(request, round_id: int, filters: Query[ListFilters]):
    return _page(request, round_id, "retest", filters)


class PositivesOut(Schema):
    single: list[PersonOut]
    pool: list[PersonOut]


@router.get(
    "/rounds/{int:round_id}/positives",
    response=PositivesOut,
    summary="阳性人员：单管阳性与混管阳性分列（混管阳性标明是否待复核）",
)
def get_positives(request, round_id: int):
    rnd = _round(request, round_id)
    user = user_of(request)
    single = person_rows(rnd, person_list(rnd, user, "single_positive"), positive_tubes=True)
    pending = set(person_list(rnd, user, "retest").values_list("pk", flat=True))
    pool = person_rows(rnd, person_list(rnd, user, "pool_positive"), positive_tubes=True)
    for row in pool:
        row.retest_pending = row.person_id in pending
    return PositivesOut(single=[_person(r) for r in single], pool=[_person(r) for r in pool])
