"""The 6 a.m. report of a central quarantine site (集中隔离点): the day's figures (site_report)
on a printable page and as .xlsx, both logged; exporting needs EXPORT over the site's area or
being on its staff."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.audit import record_access
from wangge.core.exports import XlsxColumn, xlsx_response
from wangge.core.scope import EXPORT, covers

from . import services_site_access as site_access
from .forms_sites import ReportDayForm
from .models_sites import Site
from .site_report import cutoff, report_for
from .views_site_common import get_site, rights


def _report(request: HttpRequest, site: Site):
    form = ReportDayForm(request.GET or None)
    day = form.day_or_today()
    figures, frozen = report_for(site, day)
    return form, day, figures, frozen


@login_required
def site_report(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_site(request, pk)
    form, day, figures, frozen = _report(request, site)
    record_access(
        request.user,
        "view",
        _("%(site)s %(day)s 晨报") % {"site": site.name, "day": day},
        fields="name_masked,room,temperature,diet,medical_needs",
        scope_path=site.scope_path,
        object_id=str(site.pk),
    )
    return render(
        request,
        "control/sites/site_report.html",
        {
            "site": site,
            "form": form,
            "day": day,
            "f": figures,
            "frozen": frozen,
            "cutoff": cutoff(day),
            "previous": day - dt.timedelta(days=1),
            "next": day + dt.timedelta(days=1),
            "can_export": _may_export(request.user, site),
            "tab": "report",
            **rights(request.user, site),
        },
    )


def _may_export(user, site: Site) -> bool:
    return covers(user, site.scope_path, EXPORT) or site.pk in site_access.staff_site_ids(user)


REPORT_COLUMNS = (
    (gettext_lazy("项目"), 14),
    (gettext_lazy("房间"), 14),
    (gettext_lazy("姓名"), 10),
    (gettext_lazy("时间"), 14),
    (gettext_lazy("情况"), 40),
)


def report_lines(f: dict):
    yield [_("在住人数"), "", "", "", str(f["people_in"])]
    yield [
        _("房间"),
        "",
        "",
        "",
        _("共 %(n)d 间，已用 %(used)d，空闲 %(free)d，停用 %(off)d")
        % {
            "n": f["rooms"],
            "used": f["rooms_used"],
            "free": f["rooms_free"],
            "off": f["rooms_out_of_service"],
        },
    ]
    yield [_("新入住"), "", "", "", str(len(f["arrivals"]))]
    for a in f["arrivals"]:
        yield [_("新入住"), a["room"], a["name"], a["at"], a["from"]]
    yield [_("解除离开"), "", "", "", str(len(f["releases"]))]
    for r in f["releases"]:
        yield [_("解除离开"), r["room"], r["name"], r["at"], r["note"]]
    yield [_("发热"), "", "", "", str(f["fever_count"])]
    for a in f["alerts"]:
        yield [a["kind"], a["room"], a["name"], a["at"], a["detail"]]
    for s in f["special"]:
        detail = "；".join(x for x in (s["diet"], s["diet_note"], s["medical_needs"]) if x)
        yield [_("特殊饮食/医疗"), s["room"], s["name"], "", detail]
    for p in f["parcels_waiting"]:
        state = _("已消杀") if p["disinfected"] else _("未消杀")
        yield [_("待送包裹"), p["room"], p["name"], p["received"], f"{p['description']}（{state}）"]


@login_required
def site_report_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_site(request, pk)
    if not _may_export(request.user, site):
        raise PermissionDenied(_("您没有导出报表的权限"))
    form, day, figures, frozen = _report(request, site)
    title = _("%(site)s 晨报 %(day)s") % {"site": site.name, "day": day}
    response, count = xlsx_response(
        f"{title}.xlsx".replace(" ", "-"),
        columns=[XlsxColumn(str(label), width) for label, width in REPORT_COLUMNS],
        rows=report_lines(figures),
        title=title,
        sheet_name=_("晨报"),
    )
    record_access(
        request.user,
        "export",
        title,
        fields="name_masked,room,temperature,diet,medical_needs",
        rows=count,
        scope_path=site.scope_path,
        object_id=str(site.pk),
    )
    return response
