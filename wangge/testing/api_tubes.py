"""Tube registration API: POST one closed tube (idempotent on client_uuid), list and read a
round's tubes, and look up who a scanned code names.

A round is reachable when its area, or one of its points or door teams, is in the caller's
scope; the table or team of a tube must be visible too (else 404). Registering needs CHANGE
there (else 403). People are shown masked."""

import datetime as dt
import uuid

from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status
from pydantic import BaseModel, ConfigDict

from wangge.api.access import user_of
from wangge.core.mask import mask_id, mask_name
from wangge.core.scope import VIEW
from wangge.places.api import PAGE, WRITE_RESPONSES

from .models import DoorTeam, SamplingTable, Tube
from .services_tubes import NewPerson, PersonRef, TubeWarning, normalize_barcode, register_tube
from .tubes_lookup import lookup_code, reachable_round, visible_table

router = Router()


class _Strict(BaseModel):
    """Like api.schemas.InSchema (unknown fields are an error), as a plain pydantic model:
    ninja's Schema validates each nested object twice when extra fields are forbidden, which
    cost a tube of 10 people about a millisecond."""

    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    """An output read from attributes or dicts by pydantic directly (no ninja getter)."""

    model_config = ConfigDict(from_attributes=True)


class NewPersonIn(_Strict):
    name: str = Field(min_length=1, max_length=50)
    household_id: int
    id_number: str = Field("", max_length=40)
    phone: str = Field("", max_length=40)


class PersonRefIn(_Strict):
    """One of person_id, id_number, code (a scanned QR code or ID number) or new."""

    person_id: int | None = None
    id_number: str | None = Field(None, max_length=40)
    code: str | None = Field(None, max_length=100)
    new: NewPersonIn | None = None
    scanned_at: dt.datetime | None = None

    def to_ref(self) -> PersonRef:
        return PersonRef(
            person_id=self.person_id,
            id_number=self.id_number or "",
            code=self.code or "",
            new=NewPerson(**self.new.model_dump()) if self.new is not None else None,
            scanned_at=self.scanned_at,
        )


class TubeIn(_Strict):
    barcode: str = Field(max_length=60)
    client_uuid: uuid.UUID
    closed_at: dt.datetime
    table_id: int | None = None
    team_id: int | None = None
    single: bool = Field(False, description="单管：一人一管（阳性混管的复检）")
    people: list[PersonRefIn] = Field(max_length=100)


class WarningOut(_Out):
    person_id: int
    barcode: str
    message: str


class TubeListOut(_Out):
    id: int
    round_id: int
    barcode: str
    capacity: int
    point_id: int | None
    table_id: int | None
    team_id: int | None
    client_uuid: uuid.UUID | None
    closed_at: dt.datetime
    received_at: dt.datetime
    result: str
    people_count: int


class TubeCreatedOut(TubeListOut):
    person_ids: list[int]
    warnings: list[WarningOut]


class SampleOut(Schema):
    position: int
    person_id: int
    name: str
    id_number: str


class TubeOut(TubeListOut):
    people: list[SampleOut]


class CardOut(Schema):
    id: int
    name: str
    id_number: str
    household: str
    already_sampled: str | None


class LookupOut(Schema):
    kind: str
    household: str
    people: list[CardOut]


def _tube_body(tube: Tube, warnings: list[TubeWarning]) -> dict:
    fields = {
        name: getattr(tube, name) for name in TubeListOut.model_fields if name != "people_count"
    }
    return {
        **fields,
        "people_count": len(tube.person_ids),
        "person_ids": tube.person_ids,
        "warnings": [w.__dict__ for w in warnings],
    }


@router.post(
    "/rounds/{int:round_id}/tubes",
    response={200: TubeCreatedOut, 201: TubeCreatedOut, **WRITE_RESPONSES},
    summary="登记一支已封管的试管（client_uuid 幂等：重试返回第一次的结果，状态 200）",
)
def post_tube(request, round_id: int, payload: TubeIn):
    user = user_of(request)
    table = team = None
    if payload.table_id is not None and payload.team_id is None:
        table = visible_table(user, round_id, payload.table_id)
    if table is not None:
        rnd = table.point.round
    else:
        rnd = reachable_round(user, round_id)
    if payload.table_id is not None and table is None:
        table = get_object_or_404(
            SamplingTable.objects.for_user(user, VIEW).select_related("point"),
            pk=payload.table_id,
            point__round=rnd,
        )
    if payload.team_id is not None:
        team = get_object_or_404(
            DoorTeam.objects.for_user(user, VIEW), pk=payload.team_id, round=rnd
        )
    tube, created, warnings = register_tube(
        rnd,
        barcode=payload.barcode,
        people=[ref.to_ref() for ref in payload.people],
        client_uuid=payload.client_uuid,
        closed_at=payload.closed_at,
        table=table,
        team=team,
        single=payload.single,
        actor=user,
    )
    return Status(201 if created else 200, _tube_body(tube, warnings))


def _tubes(request, round_id: int):
    user = user_of(request)
    rnd = reachable_round(user, round_id)
    return (
        Tube.objects.for_user(user, VIEW).filter(round=rnd).annotate(people_count=Count("samples"))
    )


@router.get(
    "/rounds/{int:round_id}/tubes",
    response=list[TubeListOut],
    summary="本轮试管列表（可按条码、采样台、上门采样组筛选）",
)
@paginate(PageNumberPagination, **PAGE)
def list_tubes(
    request,
    round_id: int,
    barcode: str = "",
    table: int | None = None,
    team: int | None = None,
):
    qs = _tubes(request, round_id)
    if barcode.strip():
        qs = qs.filter(barcode=normalize_barcode(barcode))
    if table is not None:
        qs = qs.filter(table_id=table)
    if team is not None:
        qs = qs.filter(team_id=team)
    return qs


@router.get(
    "/rounds/{int:round_id}/tubes/{int:tube_id}",
    response=TubeOut,
    summary="试管详情（人员姓名、身份证号已脱敏）",
)
def get_tube(request, round_id: int, tube_id: int):
    tube = get_object_or_404(_tubes(request, round_id), pk=tube_id)
    samples = tube.samples.select_related("person").order_by("position")
    tube.people = [
        {
            "position": s.position,
            "person_id": s.person_id,
            "name": mask_name(s.person.name),
            "id_number": mask_id(s.person.id_number),
        }
        for s in samples
    ]
    return tube


@router.get(
    "/rounds/{int:round_id}/lookup",
    response=LookupOut,
    summary="扫码查人：人员二维码、住户二维码或身份证号（脱敏，含本轮是否已采样）",
)
def tube_lookup(request, round_id: int, code: str = ""):
    user = user_of(request)
    rnd = reachable_round(user, round_id)
    found = lookup_code(rnd, code, user)
    if found is None:
        raise Http404
    return found
