"""Hours served (服务时长): per worker over a period (filters: kind, organisation, area, name),
per organisation with the sentence a street reports, each as a page and as .xlsx
(`?format=xlsx`, needs EXPORT, logged); and the PDF certificate of service of one worker
(logged).

Figures count the assignments of posts in the user's scope; the certificate counts every
assignment of a worker the user may see.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.audit import record_access
from wangge.core.exports import content_disposition, xlsx_response
from wangge.core.scope import EXPORT, VIEW, covers, scope_paths
from wangge.places.models import Area
from wangge.places.paging import paginate

from . import certificate as cert_mod
from . import services_hours as svc
from .models import Organization, Worker

MAX_DAYS = 366
DEFAULT_DAYS = 30


class PeriodForm(forms.Form):
    """The period and filters of the hours pages (all optional; the last 30 days by default)."""

    since = forms.DateField(label=gettext_lazy("开始日期"), required=False)
    until = forms.DateField(label=gettext_lazy("结束日期"), required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("类别"),
        required=False,
        choices=[("", gettext_lazy("全部类别")), *Worker.Kind.choices],
    )
    organization = forms.ModelChoiceField(
        label=gettext_lazy("派出单位"),
        required=False,
        queryset=Organization.objects.none(),
        empty_label=gettext_lazy("全部单位"),
        error_messages={"invalid_choice": gettext_lazy("所选单位不存在或不在您的管辖范围内")},
    )
    q = forms.CharField(label=gettext_lazy("姓名"), required=False, max_length=50)

    def __init__(self, data, *, user, default_days: int | None = DEFAULT_DAYS):
        data = data.copy()
        for src, dst in (("from", "since"), ("to", "until")):
            if src in data and dst not in data:
                data[dst] = data[src]
        super().__init__(data)
        self.default_days = default_days
        self.fields["organization"].queryset = Organization.objects.for_user(user, VIEW)

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        today = timezone.localdate()
        if self.default_days is not None:
            until = until or today
            since = since or until - dt.timedelta(days=self.default_days - 1)
        if since and until:
            if since > until:
                raise forms.ValidationError(_("开始日期不能晚于结束日期"))
            if (until - since).days >= MAX_DAYS:
                raise forms.ValidationError(
                    _("统计时段最长 %(days)d 天，请缩短时段") % {"days": MAX_DAYS}
                )
        data["since"], data["until"] = since, until
        return data

    def period(self) -> tuple[dt.date | None, dt.date | None]:
        """The period asked for, or the default one when the form has errors."""
        if self.is_valid():
            return self.cleaned_data["since"], self.cleaned_data["until"]
        if self.default_days is None:
            return None, None
        today = timezone.localdate()
        return today - dt.timedelta(days=self.default_days - 1), today

    def value(self, name: str):
        return self.cleaned_data.get(name) if self.is_valid() else None


def area_of(request: HttpRequest, action: str = VIEW) -> Area | None:
    """The ?area= the user narrows to (404 outside their scope), or None for all their scope."""
    ref = request.GET.get("area", "")
    if not ref:
        return None
    if not ref.isdigit():
        raise Http404
    area = get_object_or_404(Area, pk=int(ref))
    if not covers(request.user, area.path, action):
        raise Http404
    return area


def _period_label(since, until) -> str:
    return _("%(since)s 至 %(until)s") % {"since": since, "until": until}


def _wants_xlsx(request: HttpRequest) -> bool:
    fmt = request.GET.get("format", "")
    if fmt not in ("", "xlsx"):
        raise Http404
    if fmt and not scope_paths(request.user, EXPORT):
        raise Http404
    return bool(fmt)


@login_required
def hours(request: HttpRequest) -> HttpResponse:
    user = request.user
    export = _wants_xlsx(request)
    action = EXPORT if export else VIEW
    area = area_of(request, action)
    form = PeriodForm(request.GET, user=user)
    since, until = form.period()
    prefix = area.path if area else ""
    filters = {
        "kind": form.value("kind") or None,
        "organization": form.value("organization"),
        "prefix": prefix,
    }
    rows = svc.hours_by_worker(
        user, since=since, until=until, action=action, q=form.value("q") or "", **filters
    )
    totals = svc.total(rows)
    if export:
        title = _("服务时长统计（%(period)s）") % {"period": _period_label(since, until)}
        if area:
            title = f"{area.name} {title}"
        response, count = xlsx_response(
            f"{title}.xlsx".replace(" ", "-"),
            columns=svc.hours_columns(),
            rows=[*(r.line() for r in rows), totals.line()],
            title=title,
            sheet_name=_("服务时长"),
        )
        record_access(user, "export", title, fields="name,hours", rows=len(rows), scope_path=prefix)
        return response
    open_items = list(svc.open_checkins(user, since=since, until=until, **filters)[:50])
    return render(
        request,
        "workforce/hours/hours.html",
        {
            "form": form,
            "since": since,
            "until": until,
            "area": area,
            "page": paginate(request, rows),
            "total": totals,
            "open_items": open_items,
            "can_export": bool(scope_paths(user, EXPORT)),
            "query": _query(request),
        },
    )


def _query(request: HttpRequest) -> str:
    """The filters of the page, for the export link and the pages."""
    q = request.GET.copy()
    for key in ("page", "format"):
        q.pop(key, None)
    return q.urlencode()


@login_required
def organization_summary(request: HttpRequest) -> HttpResponse:
    user = request.user
    export = _wants_xlsx(request)
    action = EXPORT if export else VIEW
    area = area_of(request, action)
    form = PeriodForm(request.GET, user=user)
    since, until = form.period()
    prefix = area.path if area else ""
    lines = svc.organization_summary(user, since=since, until=until, prefix=prefix, action=action)
    if export:
        title = _("派出单位服务汇总（%(period)s）") % {"period": _period_label(since, until)}
        if area:
            title = f"{area.name} {title}"
        response, count = xlsx_response(
            f"{title}.xlsx".replace(" ", "-"),
            columns=svc.organization_columns(),
            rows=(line.line() for line in lines),
            title=title,
            sheet_name=_("单位汇总"),
        )
        record_access(user, "export", title, fields="hours", rows=count, scope_path=prefix)
        return response
    return render(
        request,
        "workforce/hours/organizations.html",
        {
            "form": form,
            "since": since,
            "until": until,
            "area": area,
            "lines": lines[:-1],
            "total": lines[-1],
            "can_export": bool(scope_paths(user, EXPORT)),
            "query": _query(request),
        },
    )


@login_required
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """The worker's certificate of service as a PDF (?from ?to; by default all their service);
    a page saying so when there is nothing to certify."""
    user = request.user
    worker = get_object_or_404(
        Worker.objects.for_user(user, VIEW).select_related("organization", "area"), pk=pk
    )
    form = PeriodForm(request.GET, user=user, default_days=None)
    if not form.is_valid():
        return render(
            request,
            "workforce/hours/certificate_empty.html",
            {"worker": worker, "form": form},
            status=200,
        )
    since, until = form.period()
    cert = cert_mod.certificate(worker, since=since, until=until)
    if not cert.person_times:
        return render(
            request, "workforce/hours/certificate_empty.html", {"worker": worker, "form": form}
        )
    pdf = cert_mod.render_pdf(cert)
    record_access(user, "print", worker, fields="name,organization,hours")
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = _("%(name)s-服务证明.pdf") % {"name": worker.name}
    response["Content-Disposition"] = content_disposition(filename).replace(
        "attachment", "inline", 1
    )
    return response
