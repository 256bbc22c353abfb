"""Command API, part reports: the frozen days the caller sees, one area's frozen figures of a
day (?area; by default the caller's highest area), and a grid leader's daily report (201, then
200 for the same grid and day).

A day or area the caller sees no row of is a 404; reporting a grid without CHANGE over it is a
403 (404 when the grid is not visible)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from wangge.api.access import user_of, writable
from wangge.core.audit import record_access
from wangge.core.scope import CHANGE, VIEW
from wangge.core.services import field_errors
from wangge.places.api import PAGE, WRITE_RESPONSES
from wangge.places.models import Area

from . import services_reports as svc
from .models import DailyReport, GridReport, ReportArea
from .report_doc import area_report
from .schemas_reports import AreaReportOut, GridReportIn, GridReportOut, ReportOut

router = Router(tags=["command-reports"])
API_FIELDS = {"area": "area_id"}


def _report_out(r: DailyReport) -> dict:
    return {
        "day": r.day,
        "cut_off_at": r.cut_off_at,
        "as_of": r.as_of,
        "frozen_at": r.frozen_at,
        "by_hand": r.made_by_id is not None,
    }


@router.get("/reports", response=list[ReportOut], summary="已生成的每日报告（新的在前）")
@paginate(PageNumberPagination, **PAGE)
def list_reports(request, area: int | None = None):
    rows = ReportArea.objects.for_user(user_of(request), VIEW)
    if area is not None:
        rows = rows.filter(area_id=area)
    return [_report_out(r) for r in DailyReport.objects.filter(pk__in=rows.values("report"))]


@router.get(
    "/reports/{day}",
    response=AreaReportOut,
    summary="某日某区域的冻结数据（?area，默认本人的最高一级区域）、摘要、下级与未报送单位",
)
def get_report(request, day: str, area: int | None = None):
    user = user_of(request)
    try:
        when = dt.date.fromisoformat(day)
    except ValueError:
        raise Http404 from None
    report = get_object_or_404(DailyReport, day=when)
    target = None
    if area is not None:
        target = Area.objects.for_user(user, VIEW).filter(pk=area).first()
        if target is None:
            raise Http404
    doc = area_report(report, target, user)
    record_access(user, "api", doc.row, fields="figures,missing,leader,leader_phone")
    return {
        "day": report.day,
        "as_of": report.as_of,
        "area_id": doc.area.pk,
        "area": doc.area.name,
        "level": doc.row.level,
        "figures": doc.row.figures,
        "labels": {
            (f.key if f else label): label
            for _s, _h, items in doc.sections
            for f, label, _n in items
        },
        "summary": doc.text,
        "missing": doc.row.missing,
        "children": [
            {
                "area_id": c.area_id,
                "name": c.area.name,
                "level": c.level,
                "figures": c.figures,
                "missing": len(c.missing),
            }
            for c in doc.children
        ],
    }


def _grid_out(r: GridReport) -> dict:
    return {
        "id": r.pk,
        "area_id": r.area_id,
        "area": r.area.name,
        "day": r.day,
        "reported_at": r.reported_at,
        "note": r.note,
    }


@router.post(
    "/grid-reports",
    response={200: GridReportOut, 201: GridReportOut, **WRITE_RESPONSES},
    summary="网格长报送今天的网格日报（同一网格同一天再次报送返回 200，更新情况说明）",
)
def post_grid_report(request, payload: GridReportIn):
    grid = writable(Area, request, payload.area_id, CHANGE)
    try:
        report, created = svc.report_grid(grid, actor=user_of(request), note=payload.note)
    except ValidationError as exc:
        errors = field_errors(exc)
        raise ValidationError({API_FIELDS.get(k, k): v for k, v in errors.items()}) from exc
    return Status(201 if created else 200, _grid_out(report))
