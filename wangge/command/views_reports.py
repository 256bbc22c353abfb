"""每日报告: the frozen days and today's state (frozen, or due at the cut-off, with a button to
freeze now for a street's commander), one area's report of a day (figures by section, the
summary, its children for drill-down, the units not reported, links to the live lists), its
.xlsx and PDF (logged), and the trend of the figures day by day.

Rows are seen through ReportArea.objects.for_user: a grid leader sees his grid's, another
street's area is a 404."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.audit import record_access
from wangge.core.exports import content_disposition, xlsx_file_response
from wangge.core.scope import EXPORT, VIEW, covers, scope_paths
from wangge.places.models import Area
from wangge.places.paging import paginate

from . import figures as figs
from . import services_reports as svc
from .missing import missing as missing_units
from .models import DailyReport, ReportArea
from .report_doc import AreaReport, area_report
from .report_pdf import render_pdf
from .report_xlsx import title as report_title
from .report_xlsx import write_report
from .summary import grouped

TREND_DAYS = (7, 14, 30)
MAX_SERIES = 6


def area_param(request: HttpRequest, action: str = VIEW) -> Area | None:
    ref = request.GET.get("area", "")
    if not ref:
        return None
    if not ref.isdigit():
        raise Http404
    area = get_object_or_404(Area, pk=int(ref))
    if not covers(request.user, area.path, action):
        raise Http404
    return area


def parse_day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Http404 from None


def _doc(request: HttpRequest, day: str, action: str = VIEW) -> AreaReport:
    if not scope_paths(request.user, action):
        raise Http404
    report = get_object_or_404(DailyReport, day=parse_day(day))
    return area_report(report, area_param(request, action), request.user, action)


def live_url(figure: figs.Figure | None, now, area: Area) -> str:
    """The figure's live list now, narrowed to the area ("" when it has none)."""
    if figure is None:
        return ""
    try:
        return figure.link(now, area)
    except NoReverseMatch:
        return ""


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not scope_paths(user, VIEW):
        raise Http404
    now = timezone.now()
    today = timezone.localdate(now)
    visible = ReportArea.objects.for_user(user, VIEW).values("report")
    reports = DailyReport.objects.filter(pk__in=visible).select_related("made_by")
    page = paginate(request, reports)
    top = svc.top_area(user)
    today_report = DailyReport.objects.filter(day=today).first()
    not_reported = None
    if today_report is None and top is not None:
        not_reported = len(missing_units(today, now, top.path))
    return render(
        request,
        "command/reports/list.html",
        {
            "page": page,
            "today": today,
            "today_report": today_report,
            "today_visible": bool(today_report and reports.filter(pk=today_report.pk).exists()),
            "cut_off": svc.cut_off_at(today),
            "past_cut_off": now >= svc.cut_off_at(today),
            "can_freeze": today_report is None and svc.may_freeze(user),
            "top": top,
            "not_reported": not_reported,
        },
    )


@login_required
def report_freeze(request: HttpRequest) -> HttpResponse:
    """POST: freeze today now (CHANGE on a street); a GET goes back to the list."""
    if request.method != "POST":
        return redirect("command:report_list")
    if not scope_paths(request.user, VIEW):
        raise Http404
    try:
        report, _created = svc.freeze_now(actor=request.user)
    except PermissionDenied:
        raise PermissionDenied(_("只有街道指挥长可以立即生成日报")) from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("command:report_list")
    messages.success(
        request,
        _("已生成 %(day)s 的日报（数据时点 %(time)s）")
        % {
            "day": report.day.isoformat(),
            "time": timezone.localtime(report.as_of).strftime("%H:%M"),
        },
    )
    return redirect("command:report_detail", day=report.day.isoformat())


@login_required
def report_detail(request: HttpRequest, day: str) -> HttpResponse:
    doc = _doc(request, day)
    now = timezone.now()
    sections = [
        (key, heading, [(f, label, n, live_url(f, now, doc.area)) for f, label, n in items])
        for key, heading, items in doc.sections
    ]
    child_sections = doc.child_sections()
    chosen = request.GET.get("section", "")
    current = next((s for s in child_sections if s[0] == chosen), None)
    if current is None and child_sections:
        current = next((s for s in child_sections if any(any(v) for _c, v in s[3])), None)
        current = current or child_sections[0]
    chain = [a for a in doc.area.ancestors() if covers(request.user, a.path, VIEW)]
    return render(
        request,
        "command/reports/detail.html",
        {
            "doc": doc,
            "report": doc.report,
            "area": doc.area,
            "chain": chain,
            "sections": sections,
            "child_sections": child_sections,
            "current": current,
            "can_export": bool(scope_paths(request.user, EXPORT)),
            "area_query": f"?area={doc.area.pk}",
        },
    )


@login_required
def report_xlsx(request: HttpRequest, day: str) -> HttpResponse:
    doc = _doc(request, day, EXPORT)
    label = report_title(doc)
    counted: list[int] = []

    def write(path: str) -> None:
        counted.append(write_report(path, doc))

    response = xlsx_file_response(f"{label}.xlsx".replace(" ", "-"), write)
    record_access(
        request.user,
        "export",
        doc.row,
        fields="figures,missing,leader,leader_phone",
        rows=counted[0],
    )
    return response


@login_required
def report_pdf(request: HttpRequest, day: str) -> HttpResponse:
    doc = _doc(request, day)
    pdf = render_pdf(doc)
    record_access(
        request.user, "print", doc.row, fields="figures,missing,leader,leader_phone", rows=1
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{report_title(doc)}.pdf".replace(" ", "-")
    response["Content-Disposition"] = content_disposition(name).replace("attachment", "inline", 1)
    return response


# --- the trend ------------------------------------------------------------------------------


def trend_rows(user, area: Area, days: int, today: dt.date) -> list[ReportArea]:
    since = today - dt.timedelta(days=days - 1)
    return list(
        ReportArea.objects.for_user(user, VIEW)
        .filter(area=area, report__day__gte=since, report__day__lte=today)
        .select_related("report")
        .order_by("report__day")
    )


@login_required
def report_trend(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not scope_paths(user, VIEW):
        raise Http404
    area = area_param(request) or svc.top_area(user)
    if area is None:
        raise Http404
    try:
        days = int(request.GET.get("days", "7"))
    except ValueError:
        days = 7
    days = days if days in TREND_DAYS else 7
    rows = trend_rows(user, area, days, timezone.localdate())
    keys: dict[str, None] = {}
    for row in rows:
        keys.update(dict.fromkeys(row.figures))
    sections = grouped(dict.fromkeys(keys, 0))
    labels = {
        (f.key if f else label): label for _s, _h, items in sections for f, label, _n in items
    }
    chosen = [k for k in request.GET.getlist("fig") if k in labels][:MAX_SERIES]
    if not chosen:
        left = [f.key for f in figs.registry() if f.left and f.key in labels]
        chosen = (left or list(labels))[:4]
    dates = [r.report.day.strftime("%m-%d") for r in rows]
    chart = {
        "tooltip": {"trigger": "axis"},
        "legend": {"type": "scroll", "top": 0},
        "grid": {"left": 40, "right": 16, "top": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": dates},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {
                "name": labels[k],
                "type": "line",
                "data": [int(r.figures.get(k, 0) or 0) for r in rows],
            }
            for k in chosen
        ],
    }
    table = [
        (
            heading,
            [
                (key, label, [int(r.figures.get(key, 0) or 0) for r in rows])
                for key, label in ((f.key if f else lb, lb) for f, lb, _n in items)
            ],
        )
        for _s, heading, items in sections
    ]
    return render(
        request,
        "command/reports/trend.html",
        {
            "area": area,
            "days": days,
            "choices": TREND_DAYS,
            "rows": rows,
            "dates": [r.report.day for r in rows],
            "table": table,
            "chosen": chosen,
            "chart": chart,
        },
    )
