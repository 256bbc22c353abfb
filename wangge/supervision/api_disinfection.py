"""Supervision API, part disinfection: the places the caller can see with today's progress
(?area ?kind ?active), logging a disinfection (idempotent with client_uuid: 201 then 200), and
today's compliance (?area ?day: the counts, per grid, the places behind schedule).

A place the caller cannot see is a 404; one they can see but not log is a 403; bad input is a
422 with the reason in Chinese."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from ninja import Router
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from wangge.api.access import user_of, writable
from wangge.core.scope import RECORD, VIEW
from wangge.core.services import field_errors
from wangge.places.api import PAGE, WRITE_RESPONSES, area_path, within_area

from . import services_disinfection as svc
from .models_disinfection import DisinfectionLog, DisinfectionPlace
from .schemas_disinfection import ComplianceOut, LogIn, LogOut, PlaceOut
from .views_compliance import compliance, places_at

router = Router(tags=["supervision-disinfection"])
BEHIND_LIMIT = 200


@router.get(
    "/places",
    response=list[PlaceOut],
    summary="消杀点位列表（含今日已完成与截至目前应完成次数；可按区域、类型、是否启用筛选）",
)
@paginate(PageNumberPagination, **PAGE)
def list_places(request, area: int | None = None, kind: str = "", active: bool | None = True):
    qs = within_area(DisinfectionPlace.objects.for_user(user_of(request), VIEW), area)
    if kind:
        qs = qs.filter(kind=kind)
    if active is not None:
        qs = qs.filter(active=active)
    return svc.with_progress(qs, timezone.now()).order_by("-lag", "name", "pk")


@router.post(
    "/disinfections",
    response={200: LogOut, 201: LogOut, **WRITE_RESPONSES},
    summary="登记一次消杀（可带 client_uuid 以便安全重试：首次 201，重发 200；照片请在网页上传）",
)
def post_disinfection(request, payload: LogIn):
    user = user_of(request)
    place = writable(DisinfectionPlace, request, payload.place_id, RECORD)
    try:
        log, created = svc.log_disinfection(
            place,
            actor=user,
            agent=payload.agent or svc.last_defaults(user)["agent"],
            done_at=payload.done_at,
            concentration=payload.concentration,
            done_by=payload.done_by,
            note=payload.note,
            client_uuid=payload.client_uuid,
        )
    except ValidationError as exc:
        errors = field_errors(exc)
        renamed = {("place_id" if k == "place" else k): v for k, v in errors.items()}
        raise ValidationError(renamed) from exc
    log = DisinfectionLog.objects.select_related("place").get(pk=log.pk)
    return Status(201 if created else 200, log)


@router.get(
    "/compliance",
    response=ComplianceOut,
    summary="消杀进度：应消杀、已达标、滞后点位数，按网格（附网格长）及滞后点位",
)
def get_compliance(request, area: int | None = None, day: dt.date | None = None):
    user = user_of(request)
    prefix = ""
    if area is not None:
        prefix = area_path(area) or "/none/"
    result = compliance(user, prefix, day)
    behind = places_at(user, prefix, result.at).filter(done_today__lt=F("expected_now"))
    return {
        "day": result.day,
        "at": result.at,
        "summary": result.sentence,
        "total": result.total,
        "met": result.met,
        "behind": result.behind,
        "grids": [
            {
                "area_id": line.area.pk if line.area else None,
                "name": line.label,
                "leader": line.leader_name,
                "total": line.total,
                "met": line.met,
                "behind": line.behind,
            }
            for line in result.lines
        ],
        "behind_places": list(behind[:BEHIND_LIMIT]),
    }
