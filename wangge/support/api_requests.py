"""Support API, part requests: the requests a caller can see (?status, ?overdue, ?area), one
request, filing one for a household (idempotent with client_uuid: 201 then 200) and each step
of its loop (accept, on_way, deliver, confirm, close, cancel).

A request the caller cannot see is a 404; a step they may not take on one they can see is a
403; a step at the wrong moment, or bad input, is a 422 with the reason in Chinese."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from wangge.api.access import require_action, user_of, writable
from wangge.core.audit import record_access
from wangge.core.scope import RECORD
from wangge.core.services import field_errors
from wangge.people.models import Person
from wangge.places.api import PAGE, WRITE_RESPONSES, within_area
from wangge.places.models import Household

from . import services as svc
from .models import SupportKind, SupportRequest
from .schemas import DeliverIn, ReasonIn, RequestIn, RequestOut

router = Router(tags=["support"])
API_FIELDS = {"household": "household_id", "person": "person_id"}


def _renamed(exc: ValidationError) -> ValidationError:
    return ValidationError({API_FIELDS.get(k, k): v for k, v in field_errors(exc).items()})


def _visible(request):
    return svc.visible_requests(user_of(request))


def _one(request, request_id: int) -> SupportRequest:
    return get_object_or_404(_visible(request), pk=request_id)


def _out(pk: int) -> SupportRequest:
    return SupportRequest.objects.select_related(
        "kind", "household__building", "household__unit"
    ).get(pk=pk)


@router.get(
    "/requests",
    response=list[RequestOut],
    summary="居民诉求列表（可按状态、是否超时、区域筛选；优先的在前）",
)
@paginate(PageNumberPagination, **PAGE)
def list_requests(request, status: str = "", overdue: bool | None = None, area: int | None = None):
    qs = within_area(_visible(request), area)
    if status.strip():
        qs = qs.filter(status__in=[s.strip() for s in status.split(",") if s.strip()])
    if overdue is not None:
        late = qs.filter(status__in=SupportRequest.OPEN, due_at__lt=timezone.now())
        qs = late if overdue else qs.exclude(pk__in=late.values("pk"))
    return qs.order_by("-priority", "due_at", "pk")


@router.get("/requests/{int:request_id}", response=RequestOut, summary="诉求详情")
def get_request(request, request_id: int):
    req = _one(request, request_id)
    record_access(user_of(request), "api", req, fields="household,contact_phone_masked")
    return _out(req.pk)


@router.post(
    "/requests",
    response={200: RequestOut, 201: RequestOut, **WRITE_RESPONSES},
    summary="代住户提交诉求（可带 client_uuid 以便安全重试：首次 201，重发 200）",
)
def post_request(request, payload: RequestIn):
    require_action(request, RECORD)
    user = user_of(request)
    household = writable(Household, request, payload.household_id, RECORD)
    kind = SupportKind.objects.filter(code=payload.kind, active=True).first()
    if kind is None:
        raise ValidationError({"kind": [_("诉求类型不存在或已停用")]})
    person = None
    if payload.person_id is not None:
        person = Person.objects.for_user(user, RECORD).filter(pk=payload.person_id).first()
        if person is None:
            raise ValidationError({"person_id": [_("求助人不是该住户的在住人员")]})
    try:
        req, created = svc.file_request(
            household,
            kind=kind,
            actor=user,
            source=SupportRequest.Source.API,
            text=payload.text,
            urgency=payload.urgency,
            medicine_name=payload.medicine_name,
            prescription_needed=payload.prescription_needed,
            person=person,
            contact_phone=payload.contact_phone,
            client_uuid=payload.client_uuid,
        )
    except ValidationError as exc:
        raise _renamed(exc) from exc
    return Status(201 if created else 200, _out(req.pk))


@router.post(
    "/requests/{int:request_id}/accept",
    response={200: RequestOut, **WRITE_RESPONSES},
    summary="接单",
)
def post_accept(request, request_id: int):
    req = _one(request, request_id)
    svc.accept(req, actor=user_of(request))
    return _out(req.pk)


@router.post(
    "/requests/{int:request_id}/on_way",
    response={200: RequestOut, **WRITE_RESPONSES},
    summary="出发配送",
)
def post_on_way(request, request_id: int):
    req = _one(request, request_id)
    svc.set_on_way(req, actor=user_of(request))
    return _out(req.pk)


@router.post(
    "/requests/{int:request_id}/deliver",
    response={200: RequestOut, **WRITE_RESPONSES},
    summary="登记送达（照片请在网页上传）",
)
def post_deliver(request, request_id: int, payload: DeliverIn):
    req = _one(request, request_id)
    svc.deliver(req, actor=user_of(request), delivered_by=payload.delivered_by, note=payload.note)
    return _out(req.pk)


@router.post(
    "/requests/{int:request_id}/confirm",
    response={200: RequestOut, **WRITE_RESPONSES},
    summary="居民已确认收到（工作人员代为确认）",
)
def post_confirm(request, request_id: int):
    req = _one(request, request_id)
    svc.confirm(req, actor=user_of(request))
    return _out(req.pk)


@router.post(
    "/requests/{int:request_id}/close",
    response={200: RequestOut, **WRITE_RESPONSES},
    summary="办结（须填写说明）",
)
def post_close(request, request_id: int, payload: ReasonIn):
    req = _one(request, request_id)
    svc.close(req, actor=user_of(request), reason=payload.reason)
    return _out(req.pk)


@router.post(
    "/requests/{int:request_id}/cancel",
    response={200: RequestOut, **WRITE_RESPONSES},
    summary="撤销（须填写原因）",
)
def post_cancel(request, request_id: int, payload: ReasonIn):
    req = _one(request, request_id)
    svc.cancel(req, actor=user_of(request), reason=payload.reason)
    return _out(req.pk)
