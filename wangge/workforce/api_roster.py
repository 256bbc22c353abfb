"""Workforce API, part roster: a day's shifts with their assignments, putting a worker on a
shift, and the check-in and check-out of an assignment (idempotent with client_uuid: 201 the
first time, 200 on a retry).

A shift or assignment the caller cannot see is a 404 (an assignment is seen by whoever sees its
shift and by the worker it is for); a change the caller may not make is a 403; a refusal of
the roster's rules is a 422 with the reason."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from wangge.api.access import user_of
from wangge.core.scope import CHANGE, VIEW, covers, scope_paths
from wangge.places.api import PAGE, WRITE_RESPONSES, within_area

from . import services_checkin as checkin
from . import services_roster as svc
from .models import Assignment, Shift, Worker
from .schemas_roster import AssignIn, AssignmentOut, CheckIn, ShiftOut

router = Router(tags=["roster"])


@router.get(
    "/shifts",
    response=list[ShiftOut],
    summary="某天的班次及排班人员（默认今天；可按区域筛选，published=true 只看已发布）",
)
@paginate(PageNumberPagination, **PAGE)
def list_shifts(
    request, day: dt.date | None = None, area: int | None = None, published: bool | None = None
):
    qs = svc.shifts_of_day(day or timezone.localdate()).for_user(user_of(request), VIEW)
    qs = within_area(qs, area)
    if published is not None:
        qs = qs.filter(published_at__isnull=not published)
    return (
        qs.select_related("post")
        .prefetch_related("assignments__worker")
        .order_by("starts_at", "post__name", "pk")
    )


@router.post(
    "/shifts/{int:shift_id}/assignments",
    response={201: AssignmentOut, **WRITE_RESPONSES},
    summary="安排人员上班次（在册、绿码、本区域，且不与其他班次重叠、间隔至少 8 小时）",
)
def post_assignment(request, shift_id: int, payload: AssignIn):
    user = user_of(request)
    shift = get_object_or_404(Shift.objects.for_user(user, VIEW), pk=shift_id)
    if not covers(user, shift.scope_path, CHANGE):
        raise PermissionDenied
    worker = Worker.objects.touching(user, VIEW).filter(pk=payload.worker_id).first()
    if worker is None:
        raise ValidationError({"worker_id": [_("所选人员不存在或不在您的管辖范围内")]})
    try:
        a = svc.assign(shift, worker, actor=user)
    except ValidationError as exc:
        if hasattr(exc, "message_dict") and "worker" in exc.message_dict:
            raise ValidationError({"worker_id": exc.message_dict["worker"]}) from exc
        raise
    return Status(201, _fresh(a.pk))


def _fresh(pk: int) -> Assignment:
    return Assignment.objects.select_related("worker").get(pk=pk)


def _assignment(request, assignment_id: int) -> Assignment:
    user = user_of(request)
    visible = Assignment.objects.filter(worker__user=user)
    if scope_paths(user, VIEW):
        visible = Assignment.objects.filter(
            Q(worker__user=user) | Q(pk__in=Assignment.objects.for_user(user, VIEW).values("pk"))
        )
    return get_object_or_404(visible.select_related("worker", "shift"), pk=assignment_id)


@router.post(
    "/assignments/{int:assignment_id}/check-in",
    response={200: AssignmentOut, 201: AssignmentOut, **WRITE_RESPONSES},
    summary="到岗签到（本人或排班负责人；开班前 30 分钟起；带 client_uuid 可安全重试）",
)
def post_check_in(request, assignment_id: int, payload: CheckIn):
    a = _assignment(request, assignment_id)
    a, created = checkin.record_check_in(
        a, actor=user_of(request), at=payload.at, client_uuid=payload.client_uuid
    )
    return Status(201 if created else 200, _fresh(a.pk))


@router.post(
    "/assignments/{int:assignment_id}/check-out",
    response={200: AssignmentOut, 201: AssignmentOut, **WRITE_RESPONSES},
    summary="签退离岗（已签到后；带 client_uuid 可安全重试）",
)
def post_check_out(request, assignment_id: int, payload: CheckIn):
    a = _assignment(request, assignment_id)
    a, created = checkin.record_check_out(
        a, actor=user_of(request), at=payload.at, client_uuid=payload.client_uuid
    )
    return Status(201 if created else 200, _fresh(a.pk))
