"""Supervision API, part inspections: the inspections a caller can see (?target_type ?area),
one inspection with its findings, recording one with its findings (idempotent with
client_uuid: 201 then 200), the findings (?status=open|overdue|rectified|verified ?area), and
rectifying and verifying one.

An object the caller cannot see is a 404; a step they may not take on one they can see is a
403; a step at the wrong moment, or bad input, is a 422 with the reason in Chinese."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from wangge.api.access import require_action, user_of
from wangge.core.audit import record_access
from wangge.core.scope import INSPECT, VIEW
from wangge.core.services import field_errors
from wangge.places.api import PAGE, WRITE_RESPONSES, within_area
from wangge.places.models import Area
from wangge.workforce.models import Worker

from . import services_inspections as svc
from .models import ChecklistItem, Finding, Inspection
from .schemas_inspections import FindingOut, InspectionIn, InspectionOut, RectifyIn, VerifyIn

router = Router(tags=["supervision-inspections"])
TARGET_IDS = {f"{name}_id": name for name in svc.TARGET_ARGS}


def _renamed(exc: ValidationError) -> ValidationError:
    names = {name: f"{name}_id" for name in ("item", "owner_worker", *svc.TARGET_ARGS)}
    names["target"] = "target"
    out = {}
    for key, msgs in field_errors(exc).items():
        parts = key.split(".")
        parts[-1] = names.get(parts[-1], parts[-1])
        out[".".join(parts)] = msgs
    return ValidationError(out)


def _inspections(request):
    return Inspection.objects.for_user(user_of(request), VIEW).select_related("area")


def _findings(request):
    return Finding.objects.for_user(user_of(request), VIEW).select_related("inspection", "item")


@router.get("/inspections", response=list[InspectionOut], summary="督查记录列表（新的在前）")
@paginate(PageNumberPagination, **PAGE)
def list_inspections(request, target_type: str = "", area: int | None = None):
    qs = within_area(_inspections(request), area)
    if target_type:
        qs = qs.filter(target_type=target_type)
    return qs.prefetch_related("findings").order_by("-inspected_at", "-pk")


@router.get("/inspections/{int:inspection_id}", response=InspectionOut, summary="督查记录详情")
def get_inspection(request, inspection_id: int):
    return get_object_or_404(_inspections(request), pk=inspection_id)


def _target(user, name: str, pk: int):
    model = Inspection._meta.get_field(name).related_model
    record = model.objects.for_user(user, INSPECT).filter(pk=pk).first()
    if record is None:
        raise ValidationError({f"{name}_id": [_("督查对象不存在或不在您的督查范围内")]})
    return record


@router.post(
    "/inspections",
    response={200: InspectionOut, 201: InspectionOut, **WRITE_RESPONSES},
    summary="记录一次督查（可带问题；可带 client_uuid 以便安全重试：首次 201，重发 200）",
)
def post_inspection(request, payload: InspectionIn):
    require_action(request, INSPECT)
    user = user_of(request)
    targets = {
        name: _target(user, name, getattr(payload, key))
        for key, name in TARGET_IDS.items()
        if getattr(payload, key) is not None
    }
    area = None
    if payload.area_id is not None:
        area = Area.objects.for_user(user, INSPECT).filter(pk=payload.area_id).first()
        if area is None:
            raise ValidationError({"area_id": [_("所选区域不存在或不在您的督查范围内")]})
    elif targets:
        area = next(iter(targets.values())).area
    else:
        raise ValidationError({"area_id": [_("请选择督查对象所在的区域")]})
    findings = []
    for i, f in enumerate(payload.findings):
        fields = f.dict()
        item_id = fields.pop("item_id")
        worker_id = fields.pop("owner_worker_id")
        fields["item"] = ChecklistItem.objects.filter(pk=item_id).first() if item_id else None
        if item_id and fields["item"] is None:
            raise ValidationError({f"findings.{i}.item_id": [_("检查内容不存在")]})
        fields["owner_worker"] = None
        if worker_id:
            fields["owner_worker"] = (
                Worker.objects.for_user(user, VIEW).filter(pk=worker_id).first()
            )
            if fields["owner_worker"] is None:
                raise ValidationError(
                    {f"findings.{i}.owner_worker_id": [_("整改责任人不是该区域的在册工作人员")]}
                )
        findings.append(fields)
    try:
        inspection, created = svc.record_inspection(
            area,
            actor=user,
            target_type=payload.target_type,
            target_name=payload.target_name,
            inspected_at=payload.inspected_at,
            shift=payload.shift,
            checks=payload.checks,
            note=payload.note,
            findings=findings,
            client_uuid=payload.client_uuid,
            **targets,
        )
    except ValidationError as exc:
        raise _renamed(exc) from exc
    return Status(
        201 if created else 200, Inspection.objects.select_related("area").get(pk=inspection.pk)
    )


@router.get(
    "/findings",
    response=list[FindingOut],
    summary="督查问题列表（?status=open|overdue|rectified|verified；待整改的在前）",
)
@paginate(PageNumberPagination, **PAGE)
def list_findings(request, status: str = "", area: int | None = None):
    qs = within_area(_findings(request), area)
    if status == "overdue":
        qs = qs.filter(status=Finding.Status.OPEN, deadline__lt=timezone.now())
    elif status:
        qs = qs.filter(status__in=[s.strip() for s in status.split(",") if s.strip()])
    return qs.order_by("deadline", "pk")


def _finding(request, finding_id: int) -> Finding:
    return get_object_or_404(_findings(request), pk=finding_id)


@router.post(
    "/findings/{int:finding_id}/rectify",
    response={200: FindingOut, **WRITE_RESPONSES},
    summary="登记整改（整改情况；照片请在网页上传）",
)
def post_rectify(request, finding_id: int, payload: RectifyIn):
    finding = _finding(request, finding_id)
    user = user_of(request)
    if not svc.may_rectify(user, finding):
        raise PermissionDenied
    svc.rectify(finding, actor=user, note=payload.note)
    record_access(user, "api", finding, fields="owner_phone_masked")
    return _finding(request, finding_id)


@router.post(
    "/findings/{int:finding_id}/verify",
    response={200: FindingOut, **WRITE_RESPONSES},
    summary="复查（通过；或退回并给出新的整改时限）",
)
def post_verify(request, finding_id: int, payload: VerifyIn):
    finding = _finding(request, finding_id)
    user = user_of(request)
    if not svc.may_inspect(user, finding):
        raise PermissionDenied
    svc.verify(
        finding, actor=user, passed=payload.passed, note=payload.note, deadline=payload.deadline
    )
    return _finding(request, finding_id)
