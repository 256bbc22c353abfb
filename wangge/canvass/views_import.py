"""Importing visits typed on paper: upload a campaign's visit sheet (large files run in the
background), follow the import, download its error report, and download the sample sheet with
the campaign's columns. All of it needs the right to import in the campaign's area."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.exports import xlsx_response
from wangge.core.imports import ImportFormatError
from wangge.core.models_imports import ImportJob
from wangge.core.scope import IMPORT
from wangge.people.views_registry import (
    SheetUploadForm,
    errors_response,
    import_job,
    job_context,
    start_job,
)

from .imports import KIND, TEMPLATE_HINT, count_rows, household_questions, template_columns
from .models import Campaign


def import_campaign(request: HttpRequest, pk: int) -> Campaign:
    """A campaign the user may import visits into (404 otherwise)."""
    campaigns = Campaign.objects.for_user(request.user, IMPORT).select_related(
        "area", "questionnaire"
    )
    return get_object_or_404(campaigns, pk=pk)


VISIT_SHEET = {
    "label": gettext_lazy("走访记录表"),
    "help_text": gettext_lazy("Excel（.xlsx/.xls）或 CSV 文件，每行一次走访，可先下载样表填写"),
}


@login_required
def visits_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a visit sheet for a campaign; small files are imported at once."""
    campaign = import_campaign(request, pk)
    form = SheetUploadForm(request.POST or None, request.FILES or None, **VISIT_SHEET)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            rows = count_rows(data, campaign, upload.name)
        except ImportFormatError as exc:
            form.add_error("file", str(exc))
        else:
            options = {"campaign": campaign.pk}
            area = {"area": campaign.area}
            job = start_job(request, area, upload.name, data, rows, kind=KIND, options=options)
            return redirect("canvass:visits_job", pk=job.pk)
    recent = ImportJob.objects.for_user(request.user, IMPORT).filter(
        kind=KIND, options__campaign=campaign.pk
    )
    return render(
        request,
        "canvass/door/import.html",
        {
            "campaign": campaign,
            "form": form,
            "questions": household_questions(campaign),
            "background_rows": settings.IMPORT_BACKGROUND_ROWS,
            "recent": recent.select_related("user")[:5],
        },
    )


@login_required
def visits_job(request: HttpRequest, pk: int) -> HttpResponse:
    """One import's progress, counts and errors (values that look like IDs or phones masked)."""
    job = import_job(request, pk, kind=KIND)
    campaign = Campaign.objects.filter(pk=job.options.get("campaign")).first()
    return render(
        request,
        "canvass/door/job.html",
        job_context(
            request,
            job,
            campaign=campaign,
            job_url_name="canvass:visits_job",
            errors_url_name="canvass:visits_job_errors",
        ),
    )


@login_required
def visits_job_errors(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The full error report (row, column, value, reason) as .csv or .xlsx; logged."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    return errors_response(request, import_job(request, pk, kind=KIND), fmt)


@login_required
def visits_template(request: HttpRequest, pk: int) -> HttpResponse:
    """An empty visit sheet with the campaign's columns (its household-level questions too)."""
    campaign = import_campaign(request, pk)
    title = _("%(name)s 走访记录（%(hint)s）") % {"name": campaign.name, "hint": TEMPLATE_HINT}
    response, _count = xlsx_response(
        _("%(name)s-走访记录表.xlsx") % {"name": campaign.name},
        columns=template_columns(campaign),
        rows=[],
        title=title,
        sheet_name=_("走访记录"),
    )
    return response
