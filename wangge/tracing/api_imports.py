"""Contact-list API, part imports: the batches the caller can see (?day, ?source, ?kind), one
batch's report, and uploading a file (multipart: file, source, kind, day, optional area for a new
source and mapping as JSON {header: field}) — every sheet a batch, then the new rows linked.

A batch the caller cannot see is a 404; uploading needs IMPORT (403); bad input or a file that
cannot be read is a 422 with the reason in Chinese; headers that cannot be guessed answer 409
with the headers and the guess, to send again with `mapping`."""

import datetime as dt
import json

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Router
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from wangge.api.access import require_action, user_of
from wangge.api.schemas import ErrorOut
from wangge.core.imports import ImportFormatError, header_key
from wangge.core.scope import IMPORT, VIEW
from wangge.places.api import PAGE
from wangge.places.models import Area

from . import services_imports as svc
from .forms_imports import MAX_UPLOAD_BYTES
from .imports import NeedsMapping
from .models import Batch, ListKind, Source
from .schemas_imports import BatchOut, BatchReportOut, NeedsMappingOut, UploadOut

router = Router(tags=["tracing-imports"])


def _batches(request):
    return Batch.objects.for_user(user_of(request), VIEW).select_related("source")


@router.get("/batches", response=list[BatchOut], summary="名单导入批次（可按日期、来源、类型筛选）")
@paginate(PageNumberPagination, **PAGE)
def list_batches(request, day: dt.date | None = None, source: int | None = None, kind: str = ""):
    qs = _batches(request)
    if day is not None:
        qs = qs.filter(day=day)
    if source is not None:
        qs = qs.filter(source_id=source)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


@router.get("/batches/{int:batch_id}", response=BatchReportOut, summary="批次导入报告")
def get_batch(request, batch_id: int):
    return get_object_or_404(_batches(request), pk=batch_id)


def _source(request, name: str, area_id: int | None, kind: str) -> Source:
    user = user_of(request)
    name = name.strip()
    found = Source.objects.for_user(user, IMPORT).filter(name=name)
    if area_id is not None:
        found = found.filter(area_id=area_id)
    sources = list(found.select_related("area")[:2])
    if len(sources) == 1:
        return sources[0]
    if sources:
        raise ValidationError({"area": [_("多个区域都有该来源，请指定区域")]})
    if area_id is None:
        raise ValidationError({"area": [_("新来源请指定接收区域")]})
    area = Area.objects.for_user(user, IMPORT).filter(pk=area_id).first()
    if area is None:
        raise ValidationError({"area": [_("区域不存在或无导入权限")]})
    return svc.get_or_create_source(area, name, actor=user, kind=kind)


def _mapping(text: str) -> dict[str, str] | None:
    if not text.strip():
        return None
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ValidationError({"mapping": [_('mapping 应为 JSON 对象：{"表头": "字段"}')]})
    return {header_key(k): v for k, v in data.items()}


@router.post(
    "/batches",
    response={201: UploadOut, 403: ErrorOut, 409: NeedsMappingOut, 422: ErrorOut},
    summary="上传名单文件（每个工作表一批），导入后自动比对",
)
def post_batches(
    request,
    file: UploadedFile = File(...),  # noqa: B008
    source: str = Form(...),  # noqa: B008
    kind: ListKind = Form(...),  # noqa: B008
    day: dt.date | None = Form(None),  # noqa: B008
    area: int | None = Form(None),  # noqa: B008
    mapping: str = Form(""),  # noqa: B008
):
    require_action(request, IMPORT)
    user = user_of(request)
    if file.size and file.size > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": [_("文件太大")]})
    src = _source(request, source, area, kind)
    try:
        batches = svc.import_file(
            file.read(),
            file.name or "upload.xlsx",
            source=src,
            kind=kind,
            day=day or timezone.localdate(),
            actor=user,
            mapping=_mapping(mapping),
        )
    except NeedsMapping as need:
        return Status(
            409,
            {
                "detail": str(need),
                "sheet": need.sheet,
                "headers": need.headers,
                "guess": need.guess,
            },
        )
    except ImportFormatError as exc:
        raise ValidationError({"file": [str(exc)]}) from exc
    linked = svc.link_after_import(src.area, actor=user)
    fresh = Batch.objects.filter(pk__in=[b.pk for b in batches]).select_related("source")
    return Status(
        201,
        {
            "batches": list(fresh.order_by("pk")),
            "linked": svc.link_counts(linked) if linked is not None else None,
        },
    )
