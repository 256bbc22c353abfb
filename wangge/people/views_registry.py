"""Registry import and export pages: upload a sheet, follow its import, download the error
report, export an area's registry in the same columns."""

from __future__ import annotations

import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.audit import record_access
from wangge.core.exports import XlsxColumn, csv_response, xlsx_file_response, xlsx_response
from wangge.core.imports import ALLOWED_SUFFIXES, ImportFormatError
from wangge.core.mask import mask_id, mask_phone
from wangge.core.models_imports import ImportJob
from wangge.core.scope import EXPORT, IMPORT, MANAGE, covers, scope_paths
from wangge.core.tasks import execute_import_job, run_import
from wangge.places.models import Area

from .exports import COLUMNS, export_filename, export_registry
from .imports import count_rows

KIND = "registry"
MAX_UPLOAD_BYTES = getattr(settings, "IMPORT_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
ERRORS_SHOWN = 500
ERROR_HEADERS = [
    gettext_lazy("行号"),
    gettext_lazy("列"),
    gettext_lazy("内容"),
    gettext_lazy("原因"),
]


class AreaChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Area) -> str:
        return "\u3000" * max(obj.level - 1, 0) + f"{obj.name}（{obj.get_level_display()}）"


def area_field(user, action: str, label) -> AreaChoice:
    return AreaChoice(
        queryset=Area.objects.for_user(user, action).order_by("path"),
        label=label,
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("登记表文件"),
        help_text=gettext_lazy("Excel（.xlsx/.xls）或 CSV 文件"),
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": ",".join(ALLOWED_SUFFIXES)}
        ),
    )
    create_areas = forms.BooleanField(
        label=gettext_lazy("表中的社区、网格不存在时自动新建"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["area"] = area_field(user, IMPORT, gettext_lazy("导入到区域"))
        self.order_fields(["file", "area", "create_areas"])
        if not scope_paths(user, MANAGE):
            del self.fields["create_areas"]

    def clean_file(self):
        f = self.cleaned_data["file"]
        if Path(f.name).suffix.lower() not in ALLOWED_SUFFIXES:
            raise forms.ValidationError(_("只支持 .xlsx、.xls 或 .csv 文件"))
        if f.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("文件太大（最大 %(mb)d MB）") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return f

    def clean(self):
        data = super().clean()
        area = data.get("area")
        data["create_areas"] = bool(
            data.get("create_areas") and area is not None and covers(self.user, area.path, MANAGE)
        )
        return data


def _require_import(user) -> None:
    if not scope_paths(user, IMPORT):
        raise PermissionDenied(_("您没有导入登记表的权限"))


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    """The import form (users who may import) and the export form (users who may export)."""
    can_import = bool(scope_paths(request.user, IMPORT))
    can_export = bool(scope_paths(request.user, EXPORT))
    if not can_export or request.method == "POST":
        _require_import(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        data = upload_file.read()
        try:
            rows = count_rows(data, upload_file.name)
        except ImportFormatError as exc:
            form.add_error("file", str(exc))
        else:
            job = start_job(request, form.cleaned_data, upload_file.name, data, rows)
            return redirect("registry:job", pk=job.pk)
    export_form = forms.Form()
    export_form.fields["area"] = area_field(request.user, EXPORT, _("导出区域"))
    return render(
        request,
        "registry/upload.html",
        {
            "form": form,
            "export_form": export_form,
            "can_import": can_import,
            "can_export": can_export,
            "background_rows": settings.IMPORT_BACKGROUND_ROWS,
            "recent": ImportJob.objects.for_user(request.user, IMPORT).filter(kind=KIND)[:5],
        },
    )


class SheetUploadForm(forms.Form):
    """One sheet for an operation's import (lab results, paper visit sheets…): the registry
    form's file field and checks, with the operation's own label and hint."""

    file = UploadForm.base_fields["file"]
    clean_file = UploadForm.clean_file

    def __init__(self, *args, label, help_text, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = label
        self.fields["file"].help_text = help_text


def create_job(
    request: HttpRequest,
    data: dict,
    name: str,
    content: bytes,
    rows: int,
    *,
    kind: str = KIND,
    options: dict | None = None,
) -> ImportJob:
    """An ImportJob of `kind` into data["area"] holding the uploaded file (also used by other
    apps' imports, e.g. lab results)."""
    area = data["area"]
    job = ImportJob(
        kind=kind,
        original_name=Path(name).name[:255],
        area=area,
        user=request.user,
        scope_path=area.path,
        options={"create_areas": data["create_areas"]} if options is None else options,
        request_id=getattr(request, "request_id", ""),
        rows_total=rows,
    )
    job.file.save(
        f"{uuid.uuid4().hex}{Path(name).suffix.lower()}", ContentFile(content), save=False
    )
    job.save()
    return job


def start_job(
    request: HttpRequest, data: dict, name: str, content: bytes, rows: int, **kwargs
) -> ImportJob:
    """create_job, then run it at once (small files) or queue it for the worker (more than
    IMPORT_BACKGROUND_ROWS rows: the job page shows its progress)."""
    job = create_job(request, data, name, content, rows, **kwargs)
    if rows > settings.IMPORT_BACKGROUND_ROWS:
        run_import.enqueue(job.pk)
    else:
        execute_import_job(job.pk)
    return job


def job_context(request: HttpRequest, job: ImportJob, **extra) -> dict:
    """What a job page shows: the first ERRORS_SHOWN errors masked, and how many more."""
    errors = [{**e, "value": mask_cell(str(e["value"]))} for e in job.errors[:ERRORS_SHOWN]]
    return {
        "job": job,
        "errors": errors,
        "more_errors": max(len(job.errors) - ERRORS_SHOWN, 0),
        "base_template": "registry/_partial.html" if request.htmx else "base.html",
        **extra,
    }


def import_job(request: HttpRequest, pk: int, kind: str = KIND) -> ImportJob:
    """An import job of `kind` the user may import into (404 otherwise)."""
    jobs = ImportJob.objects.for_user(request.user, IMPORT).filter(kind=kind)
    return get_object_or_404(jobs.select_related("area", "user"), pk=pk)


def mask_cell(value: str) -> str:
    """Error values on the page: what looks like an ID number or a phone is masked (the
    downloaded report, which is logged, has them in full)."""
    digits = sum(c.isdigit() for c in value)
    if digits >= 15:
        return mask_id(value)
    if digits >= 7:
        return mask_phone(value)
    return value


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = import_job(request, pk)
    return render(request, "registry/job.html", job_context(request, job))


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    _require_import(request.user)
    jobs = (
        ImportJob.objects.for_user(request.user, IMPORT)
        .filter(kind=KIND)
        .select_related("area", "user")
    )
    page = Paginator(jobs, 50).get_page(request.GET.get("page"))
    return render(request, "registry/jobs.html", {"page": page})


@login_required
def job_errors(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The full error report (row, column, value, reason) as .csv or .xlsx."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    return errors_response(request, import_job(request, pk), fmt)


def errors_response(request: HttpRequest, job: ImportJob, fmt: str) -> HttpResponse:
    """A job's error report as a .csv or .xlsx download; the download is logged."""
    rows = [[e["row"], e["column"], e["value"], e["reason"]] for e in job.errors]
    record_access(
        request.user,
        "export",
        _("导入错误报告：%(name)s") % {"name": job.original_name},
        fields="errors",
        rows=len(rows),
        scope_path=job.scope_path,
        object_id=str(job.pk),
    )
    stem = f"{Path(job.original_name).stem}-错误报告"
    if fmt == "csv":
        return csv_response(f"{stem}.csv", columns=[str(h) for h in ERROR_HEADERS], rows=rows)
    columns = [
        XlsxColumn(str(h), w, text=i == 2)
        for i, (h, w) in enumerate(zip(ERROR_HEADERS, (8, 14, 24, 60), strict=True))
    ]
    response, _count = xlsx_response(
        f"{stem}.xlsx", columns=columns, rows=rows, title=job.original_name, sheet_name=_("错误")
    )
    return response


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """?area=<id>: the registry of that area as .xlsx in the import columns (unmasked, logged)."""
    area_id = request.GET.get("area", "")
    if not area_id:
        return redirect(reverse("registry:import") + "#export")
    if not area_id.isdigit():
        raise Http404
    area = get_object_or_404(Area.objects.for_user(request.user, EXPORT), pk=int(area_id))
    return xlsx_file_response(
        export_filename(area), lambda path: export_registry(area, path, user=request.user)
    )


@login_required
def template(request: HttpRequest) -> HttpResponse:
    """An empty registry sheet with the columns the import reads."""
    response, _count = xlsx_response(
        _("人口登记表模板.xlsx"), columns=COLUMNS, rows=[], title=_("人口登记表")
    )
    return response
