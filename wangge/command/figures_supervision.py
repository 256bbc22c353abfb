"""Supervision figures: the day's inspections and findings, and who is left — findings open,
overdue and awaiting verification — from wangge.supervision.services_inspections (the
querysets the finding and inspection lists use; imported when counted: that module may load
after this one)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .figures import Figure


def _svc():
    from wangge.supervision import services_inspections

    return services_inspections


def inspections_today(at: dt.datetime) -> QuerySet:
    return _svc().inspections_on(timezone.localdate(at))


def findings_today(at: dt.datetime) -> QuerySet:
    return _svc().findings_on(timezone.localdate(at))


def open_findings(at: dt.datetime) -> QuerySet:
    return _svc().open_findings()


def overdue_findings(at: dt.datetime) -> QuerySet:
    return _svc().overdue_findings(at)


def awaiting(at: dt.datetime) -> QuerySet:
    return _svc().awaiting_verification()


def _day(at: dt.datetime) -> str:
    day = timezone.localdate(at).isoformat()
    return f"since={day}&until={day}"


def _status(status: str):
    return lambda at: f"status={status}"


FIGURES = [
    Figure(
        "supervision.inspections",
        "supervision",
        _("今日督查次数"),
        inspections_today,
        url="supervision:inspection_list",
        query=_day,
    ),
    Figure(
        "supervision.findings",
        "supervision",
        _("今日发现问题"),
        findings_today,
        url="supervision:finding_list",
    ),
    Figure(
        "supervision.open",
        "supervision",
        _("问题待整改"),
        open_findings,
        url="supervision:finding_list",
        query=_status("open"),
        left=True,
    ),
    Figure(
        "supervision.overdue",
        "supervision",
        _("问题逾期未整改"),
        overdue_findings,
        url="supervision:finding_list",
        query=_status("overdue"),
        left=True,
    ),
    Figure(
        "supervision.awaiting",
        "supervision",
        _("已整改待复查"),
        awaiting,
        url="supervision:finding_list",
        query=_status("rectified"),
        left=True,
    ),
]
