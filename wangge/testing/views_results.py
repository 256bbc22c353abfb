"""Taking in results on the web: upload a lab sheet for a round and follow its import (large
files run in the background), download its error report, enter one tube's result by hand, and
mark a positive-tube notice as read."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wangge.core.imports import ImportFormatError
from wangge.core.models_imports import ImportJob
from wangge.core.scope import CHANGE, IMPORT, VIEW, covers
from wangge.people.forms import style_fields
from wangge.people.views_registry import (
    SheetUploadForm,
    errors_response,
    import_job,
    job_context,
    start_job,
)

from .imports import count_rows
from .models import Notice, Round, Tube
from .services_plan import visible_rounds
from .services_results import RESULTS, mark_notice_read, record_result
from .services_tubes import normalize_barcode

KIND = "lab_results"


def visible_round(request: HttpRequest, pk: int) -> Round:
    """A round the user has a part in (404 otherwise)."""
    rounds = visible_rounds(request.user).select_related("area", "previous")
    return get_object_or_404(rounds, pk=pk)


RESULT_SHEET = {
    "label": gettext_lazy("检测结果文件"),
    "help_text": gettext_lazy("Excel（.xlsx/.xls）或 CSV 文件，含试管条码、检测结果、检测时间三列"),
}


@login_required
def results_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload the lab's sheet for a round; ?barcode= finds a tube to enter its result."""
    rnd = visible_round(request, pk)
    can_import = covers(request.user, rnd.area.path, IMPORT)
    barcode = normalize_barcode(request.GET.get("barcode", ""))
    if barcode:
        tube = Tube.objects.for_user(request.user, VIEW).filter(round=rnd, barcode=barcode).first()
        if tube is not None:
            return redirect("testing:result_edit", pk=tube.pk)
        messages.error(request, _("本轮检测中没有找到试管 %(b)s") % {"b": barcode})
    form = SheetUploadForm(request.POST or None, request.FILES or None, **RESULT_SHEET)
    if request.method == "POST":
        if not can_import:
            raise PermissionDenied(_("您没有导入检测结果的权限"))
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            try:
                rows = count_rows(data, upload.name)
            except ImportFormatError as exc:
                form.add_error("file", str(exc))
            else:
                area = {"area": rnd.area}
                options = {"round": rnd.pk}
                job = start_job(request, area, upload.name, data, rows, kind=KIND, options=options)
                return redirect("testing:results_job", pk=job.pk)
    recent = ImportJob.objects.for_user(request.user, IMPORT).filter(
        kind=KIND, options__round=rnd.pk
    )
    return render(
        request,
        "testing/results/import.html",
        {
            "round": rnd,
            "form": form,
            "can_import": can_import,
            "background_rows": settings.IMPORT_BACKGROUND_ROWS,
            "recent": recent.select_related("user")[:5],
        },
    )


def _job(request: HttpRequest, pk: int) -> ImportJob:
    return import_job(request, pk, kind=KIND)


@login_required
def results_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    rnd = Round.objects.filter(pk=job.options.get("round")).select_related("area").first()
    return render(
        request,
        "testing/results/job.html",
        job_context(
            request,
            job,
            round=rnd,
            job_url_name="testing:results_job",
            errors_url_name="testing:results_job_errors",
        ),
    )


@login_required
def results_job_errors(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The full error report (row, column, value, reason) as .csv or .xlsx; logged."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    return errors_response(request, _job(request, pk), fmt)


class ResultForm(forms.Form):
    result = forms.ChoiceField(
        label=gettext_lazy("检测结果"),
        choices=[(v, label) for v, label in Tube.Result.choices if v in RESULTS],
        widget=forms.RadioSelect,
    )
    at = forms.DateTimeField(
        label=gettext_lazy("检测时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=gettext_lazy("不填则为当前时间"),
    )


@login_required
def result_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Enter or correct one tube's result (阴性/阳性/无效); the change is logged."""
    tube = get_object_or_404(
        Tube.objects.for_user(request.user, VIEW).select_related(
            "round__area", "point", "table", "team"
        ),
        pk=pk,
    )
    initial = {"result": tube.result or None}
    if tube.result_at:
        initial["at"] = timezone.localtime(tube.result_at)
    form = style_fields(ResultForm(request.POST or None, initial=initial))
    if request.method == "POST" and form.is_valid():
        changed = record_result(
            tube, form.cleaned_data["result"], form.cleaned_data["at"], actor=request.user
        )
        if changed:
            messages.success(request, _("已保存试管 %(b)s 的检测结果") % {"b": tube.barcode})
        else:
            messages.info(request, _("检测结果没有变化"))
        return redirect("testing:result_edit", pk=tube.pk)
    return render(
        request,
        "testing/results/result_edit.html",
        {
            "tube": tube,
            "round": tube.round,
            "form": form,
            "people": tube.samples.count(),
            "can_change": covers(request.user, tube.scope_path, CHANGE),
        },
    )


@login_required
@require_POST
def notice_read(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notice.objects.for_user(request.user, VIEW), pk=pk)
    mark_notice_read(notice, actor=request.user)
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect("testing:missing", pk=notice.round_id)
