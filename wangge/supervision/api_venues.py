"""Supervision API, part venues: the register the caller can see (?kind ?state ?area ?q), one
venue with its state history (phone in full, logged), registering a venue and changing its
state. Outside scope a 404; a venue the caller only sees is a 403 on writes; bad input a 422
with the reason in Chinese."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from wangge.api.access import require_action, user_of, writable
from wangge.core.audit import record_access
from wangge.core.normalize import clean_text
from wangge.core.scope import CHANGE, VIEW
from wangge.core.services import field_errors
from wangge.places.api import PAGE, WRITE_RESPONSES, within_area
from wangge.places.models import Area

from . import services_venues as svc
from .models_venues import Venue
from .schemas_venues import StateIn, VenueDetailOut, VenueIn, VenueOut

router = Router(tags=["supervision-venues"])


def _visible(request, action: str = VIEW):
    return Venue.objects.for_user(user_of(request), action).select_related("area")


@router.get(
    "/venues",
    response=list[VenueOut],
    summary="场所台账（可按类型 kind=supply|gathering|具体类型、状态、区域、关键词筛选）",
)
@paginate(PageNumberPagination, **PAGE)
def list_venues(request, kind: str = "", state: str = "", area: int | None = None, q: str = ""):
    qs = within_area(_visible(request), area)
    if kind == "supply":
        qs = qs.filter(kind__in=Venue.SUPPLY_KINDS)
    elif kind == "gathering":
        qs = qs.exclude(kind__in=Venue.SUPPLY_KINDS)
    elif kind:
        qs = qs.filter(kind=kind)
    if state == "inactive":
        qs = qs.filter(active=False)
    else:
        qs = qs.filter(active=True)
        if state:
            qs = qs.filter(state=state)
    text = clean_text(q)
    if text:
        qs = qs.filter(
            Q(name__contains=text) | Q(address__contains=text) | Q(owner_name__contains=text)
        )
    return qs.order_by("name", "pk")


@router.get("/venues/{int:venue_id}", response=VenueDetailOut, summary="场所详情（含状态记录）")
def get_venue(request, venue_id: int):
    venue = get_object_or_404(_visible(request), pk=venue_id)
    record_access(user_of(request), "api", venue, fields="owner_name,owner_phone,address")
    return venue


@router.post(
    "/venues",
    response={201: VenueOut, **WRITE_RESPONSES},
    summary="登记场所（同时记录首个状态）",
)
def post_venue(request, payload: VenueIn):
    require_action(request, CHANGE)
    area = writable(Area, request, payload.area_id, CHANGE)
    data = payload.dict()
    data.pop("area_id")
    state, since = data.pop("state"), data.pop("since")
    try:
        venue = svc.register_venue(area, actor=user_of(request), state=state, since=since, **data)
    except PermissionDenied:
        raise ValidationError({"area_id": [_("所选区域不在您的管辖范围内")]}) from None
    except ValidationError as exc:
        errors = field_errors(exc)
        if "area" in errors:
            errors["area_id"] = errors.pop("area")
        raise ValidationError(errors) from exc
    return Status(201, _visible(request).get(pk=venue.pk))


@router.post(
    "/venues/{int:venue_id}/state",
    response={200: VenueDetailOut, **WRITE_RESPONSES},
    summary="变更场所状态（限流开放 / 关停 / 恢复营业）",
)
def post_state(request, venue_id: int, payload: StateIn):
    venue = writable(Venue, request, venue_id, CHANGE)
    svc.change_state(
        venue, actor=user_of(request), state=payload.state, since=payload.since, note=payload.note
    )
    return _visible(request).get(pk=venue.pk)
