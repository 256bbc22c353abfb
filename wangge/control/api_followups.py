"""Control API, follow-ups part: the follow-ups in the caller's reach (their grid, or the site
where the person is staying), recording one, and the alerts a fever or a symptom raised.

Recording is idempotent: a retry with the same client_uuid returns the first record (200), and
so does a second record of a follow-up already done, whatever its values or client_uuid (the
first record stands; the answer shows its values). The first record answers 201. A follow-up
the caller cannot see is a 404; one they see but may not record (an inspector) a 403."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import Http404
from django.utils import timezone
from ninja import Router
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from wangge.api.access import user_of
from wangge.core.scope import CHANGE, covers
from wangge.places.api import PAGE, WRITE_RESPONSES, within_area

from . import services_followups as fu
from .schemas_followups import AlertOut, FollowUpOut, HandleIn, RecordIn

router = Router()
FOLLOWUP_RELATED = (
    "order__person",
    "order__order_type",
    "order__household__building__estate",
    "order__household__unit",
    "recorded_by",
    "alert",
)
ALERT_RELATED = (
    "person",
    "order__household__building__estate",
    "order__household__unit",
    "handled_by",
)


def _followup(request, followup_id: int):
    found = fu.visible(user_of(request)).select_related(*FOLLOWUP_RELATED)
    followup = found.filter(pk=followup_id).first()
    if followup is None:
        raise Http404
    return followup


@router.get(
    "/followups",
    response=list[FollowUpOut],
    summary="随访列表（mine=分配给我的；day=日期；overdue=逾期；order=某项管控措施）",
)
@paginate(PageNumberPagination, **PAGE)
def list_followups(
    request,
    mine: bool = False,
    day: dt.date | None = None,
    overdue: bool | None = None,
    done: bool | None = None,
    order: int | None = None,
    area: int | None = None,
):
    user = user_of(request)
    qs = within_area(fu.visible(user), area)
    if mine:
        qs = qs.filter(assignee=user)
    if day is not None:
        qs = qs.filter(day=day)
    if overdue is not None:
        late = fu.overdue(timezone.now())
        qs = (qs & late) if overdue else qs.exclude(pk__in=late.values("pk"))
    if done is not None:
        qs = qs.filter(done_at__isnull=not done)
    if order is not None:
        qs = qs.filter(order_id=order)
    return qs.select_related(*FOLLOWUP_RELATED).order_by("due_at", "order_id", "-kind", "pk")


@router.get("/followups/{int:followup_id}", response=FollowUpOut, summary="一次随访")
def get_followup(request, followup_id: int):
    return _followup(request, followup_id)


@router.post(
    "/followups/{int:followup_id}/record",
    response={201: FollowUpOut, 200: FollowUpOut, **WRITE_RESPONSES},
    summary="记录随访（幂等：同一 client_uuid 重试或已记录的随访返回第一次的记录，200）",
)
def post_record(request, followup_id: int, payload: RecordIn):
    user = user_of(request)
    followup = _followup(request, followup_id)
    if not fu.may_record(user, followup):
        raise PermissionDenied
    saved, created = fu.record(
        followup,
        actor=user,
        temperature=payload.temperature,
        symptoms=payload.symptoms,
        needs=payload.needs,
        note=payload.note,
        client_uuid=payload.client_uuid,
    )
    return Status(201 if created else 200, _followup(request, saved.pk))


@router.get(
    "/alerts",
    response=list[AlertOut],
    summary="健康预警（发热、症状）：待处置在前，新的在前；open=是否待处置",
)
@paginate(PageNumberPagination, **PAGE)
def list_alerts(
    request, open: bool | None = None, order: int | None = None, area: int | None = None
):
    qs = within_area(fu.visible_alerts(user_of(request)), area)
    if open is not None:
        qs = qs.filter(handled_at__isnull=open)
    if order is not None:
        qs = qs.filter(order_id=order)
    return (
        qs.select_related(*ALERT_RELATED)
        .annotate(is_open=ExpressionWrapper(Q(handled_at__isnull=True), BooleanField()))
        .order_by("-is_open", "-created_at", "-pk")
    )


def _alert(request, alert_id: int):
    alert = fu.visible_alerts(user_of(request)).select_related(*ALERT_RELATED)
    found = alert.filter(pk=alert_id).first()
    if found is None:
        raise Http404
    return found


@router.get("/alerts/{int:alert_id}", response=AlertOut, summary="一条健康预警")
def get_alert(request, alert_id: int):
    return _alert(request, alert_id)


@router.post(
    "/alerts/{int:alert_id}/handle",
    response={200: AlertOut, **WRITE_RESPONSES},
    summary="记录预警的处置情况（如：已安排转运至发热门诊）",
)
def post_handle(request, alert_id: int, payload: HandleIn):
    user = user_of(request)
    alert = _alert(request, alert_id)
    if not covers(user, alert.scope_path, CHANGE):
        raise PermissionDenied
    fu.handle_alert(alert, actor=user, handling=payload.handling)
    return _alert(request, alert.pk)
