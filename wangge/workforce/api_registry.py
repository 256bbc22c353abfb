"""Workforce API, part registry: workers in the caller's scope (masked in the list, unmasked
and logged in the detail), registering a worker, organisations."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from ninja import Router
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from wangge.api.access import readable, require_action, user_of, writable
from wangge.core.audit import record_access
from wangge.core.normalize import to_halfwidth
from wangge.core.scope import CHANGE, VIEW
from wangge.places.api import PAGE, WRITE_RESPONSES, within_area
from wangge.places.models import Area, Estate

from . import services
from .models import Organization, Worker
from .schemas import OrganizationOut, WorkerDetailOut, WorkerIn, WorkerOut

router = Router(tags=["workforce"])
RELATED = ("area", "organization")


@router.get(
    "/workers",
    response=list[WorkerOut],
    summary="工作人员列表（电话、身份证号脱敏；可按类别、状态、单位、区域、姓名或电话筛选）",
)
@paginate(PageNumberPagination, **PAGE)
def list_workers(
    request,
    kind: str = "",
    status: str = "",
    organization: int | None = None,
    area: int | None = None,
    reserve: bool | None = None,
    q: str = "",
):
    qs = within_area(Worker.objects.for_user(user_of(request), VIEW), area).select_related(*RELATED)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if organization is not None:
        qs = qs.filter(organization_id=organization)
    if reserve is not None:
        qs = qs.filter(reserve=reserve)
    q = q.strip()
    if q:
        digits = to_halfwidth(q).replace(" ", "")
        match = Q(name__icontains=q)
        if digits.isdigit() and len(digits) >= 4:
            match |= Q(phone__contains=digits)
        qs = qs.filter(match)
    return qs.order_by("name", "pk")


@router.get("/workers/{int:worker_id}", response=WorkerDetailOut, summary="工作人员详情")
def get_worker(request, worker_id: int):
    worker = readable(Worker, request, worker_id)
    record_access(user_of(request), "api", worker, fields="phone,id_number,health")
    return Worker.objects.select_related(*RELATED).get(pk=worker.pk)


@router.post(
    "/workers",
    response={201: WorkerDetailOut, **WRITE_RESPONSES},
    summary="登记工作人员",
)
def post_worker(request, payload: WorkerIn):
    require_action(request, CHANGE)
    user = user_of(request)
    area = writable(Area, request, payload.area_id)
    data = payload.dict()
    for key in ("area_id", "organization_id", "estate_id"):
        data.pop(key)
    errors = {}
    data["organization"] = data["estate"] = None
    if payload.organization_id is not None:
        data["organization"] = (
            Organization.objects.touching(user, VIEW).filter(pk=payload.organization_id).first()
        )
        if data["organization"] is None:
            errors["organization_id"] = [_("所选单位不存在或不在您的管辖范围内")]
    if payload.estate_id is not None:
        data["estate"] = Estate.objects.for_user(user, VIEW).filter(pk=payload.estate_id).first()
        if data["estate"] is None:
            errors["estate_id"] = [_("所选小区不存在或不在您的管辖范围内")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        worker = services.create_worker(actor=user, area=area, **data)
    return Status(201, Worker.objects.select_related(*RELATED).get(pk=worker.pk))


@router.get(
    "/organizations",
    response=list[OrganizationOut],
    summary="派出单位 / 包保单位列表（含在册人数、包保小区）",
)
@paginate(PageNumberPagination, **PAGE)
def list_organizations(request, area: int | None = None, q: str = ""):
    user = user_of(request)
    qs = within_area(Organization.objects.for_user(user, VIEW), area)
    if q.strip():
        qs = qs.filter(name__icontains=q.strip())
    visible = Worker.objects.for_user(user, VIEW)
    return (
        qs.select_related("area")
        .prefetch_related("estates")
        .annotate(
            n_workers=Count(
                "workers",
                filter=Q(workers__in=visible, workers__status=Worker.Status.ACTIVE),
                distinct=True,
            )
        )
        .order_by("name", "pk")
    )
