"""Checkpoints API, setup part: the checkpoints a caller can see (list, detail with the estates
served and their pass rules), the passes of an estate (filtered by status, room or number) and
revoking one pass. Out of scope is a 404 (an empty list for a filter); revoking needs CHANGE
over the pass (403 when only visible)."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from wangge.api.access import require_action, user_of
from wangge.core.scope import CHANGE, VIEW, covers
from wangge.places.api import PAGE, WRITE_RESPONSES

from . import passes
from . import services_setup as svc
from .models import Checkpoint, Pass, PassPolicy

router = Router(tags=["checkpoints"])
PASS_RELATED = ("household__building__estate", "household__unit")


class EstateRuleOut(Schema):
    id: int
    name: str
    persons: int | None
    period_days: int | None
    hours_out: int | None
    rule: str


class CheckpointOut(Schema):
    id: int
    name: str
    kind: str
    area_id: int
    address: str
    opens_at: dt.time | None
    closes_at: dt.time | None
    residents_only: bool
    records_temperature: bool
    records_health_code: bool
    active: bool
    estate_ids: list[int]

    @staticmethod
    def resolve_estate_ids(obj) -> list[int]:
        if isinstance(obj, dict):
            return obj["estate_ids"]
        return sorted(e.pk for e in obj.estates.all())


class CheckpointDetailOut(CheckpointOut):
    estates: list[EstateRuleOut]


class PassOut(Schema):
    id: int
    number: str
    household_id: int
    estate_id: int | None
    room: str
    valid_from: dt.date
    valid_until: dt.date
    status: str
    revoked_at: dt.datetime | None
    revoke_reason: str

    @staticmethod
    def resolve_estate_id(obj) -> int | None:
        return obj.household.building.estate_id

    @staticmethod
    def resolve_room(obj) -> str:
        return str(obj.household)

    @staticmethod
    def resolve_status(obj) -> str:
        return svc.pass_status(obj)


class RevokeIn(Schema):
    reason: str


def _checkpoint_out(c: Checkpoint) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "kind": c.kind,
        "area_id": c.area_id,
        "address": c.address,
        "opens_at": c.opens_at,
        "closes_at": c.closes_at,
        "residents_only": c.residents_only,
        "records_temperature": c.records_temperature,
        "records_health_code": c.records_health_code,
        "active": c.active,
        "estate_ids": sorted(e.pk for e in c.estates.all()),
    }


@router.get("", response=list[CheckpointOut], summary="卡口列表")
@paginate(PageNumberPagination, **PAGE)
def list_checkpoints(request, active: bool | None = None):
    qs = Checkpoint.objects.for_user(user_of(request), VIEW).prefetch_related("estates")
    if active is not None:
        qs = qs.filter(active=active)
    return qs.order_by("name", "pk")


@router.get("/{int:checkpoint_id}", response=CheckpointDetailOut, summary="卡口详情（含出入规则）")
def get_checkpoint(request, checkpoint_id: int):
    checkpoint = get_object_or_404(
        Checkpoint.objects.for_user(user_of(request), VIEW).prefetch_related("estates"),
        pk=checkpoint_id,
    )
    estates = sorted(checkpoint.estates.all(), key=lambda e: (e.name, e.pk))
    policies = {p.estate_id: p for p in PassPolicy.objects.filter(estate__in=estates)}
    out = _checkpoint_out(checkpoint)
    out["estates"] = [
        {
            "id": e.pk,
            "name": e.name,
            "persons": getattr(policies.get(e.pk), "persons", None),
            "period_days": getattr(policies.get(e.pk), "period_days", None),
            "hours_out": getattr(policies.get(e.pk), "hours_out", None),
            "rule": svc.describe_policy(policies.get(e.pk)),
        }
        for e in estates
    ]
    return out


@router.get("/passes", response=list[PassOut], summary="出入证列表（按小区、状态、户号筛选）")
@paginate(PageNumberPagination, **PAGE)
def list_passes(request, estate: int | None = None, status: str = "", q: str = ""):
    qs = Pass.objects.for_user(user_of(request), VIEW).select_related(*PASS_RELATED)
    if estate is not None:
        qs = qs.filter(household__building__estate_id=estate)
    if q.strip():
        qs = qs.filter(Q(number__icontains=q.strip()) | Q(household__room__icontains=q.strip()))
    return svc.filter_status(qs, status.strip()).order_by("number", "pk")


@router.post(
    "/passes/{int:pass_id}/revoke",
    response={200: PassOut, **WRITE_RESPONSES},
    summary="作废出入证（须填写原因）",
)
def revoke_pass(request, pass_id: int, payload: RevokeIn):
    require_action(request, CHANGE)
    user = user_of(request)
    card = get_object_or_404(
        Pass.objects.for_user(user, VIEW).select_related(*PASS_RELATED), pk=pass_id
    )
    if not covers(user, card.scope_path, CHANGE):
        raise PermissionDenied
    passes.revoke(card, actor=user, reason=payload.reason)
    return card
