"""在岗与报送 (for inspectors): posts under-staffed now and in the next hours, people on a running
shift not checked in, and units (grids, quarantine sites) that have not reported today — each
with the leader to call and, for a post, a link to record an inspection of it (督查). ?area=
narrows (default: the user's top area); the .xlsx of all three lists, logged.

An area outside the user's scope is a 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.audit import record_access
from wangge.core.exports import xlsx_response
from wangge.core.scope import EXPORT, scope_paths

from . import services_attendance as svc
from .services_dashboard import area_for, picker

PER_PAGE = 30


@login_required
def attendance(request: HttpRequest) -> HttpResponse:
    user = request.user
    area = area_for(user, request.GET.get("area", ""))
    data = svc.attendance(user, area)
    gaps_page = Paginator(data.gaps, PER_PAGE).get_page(request.GET.get("gpage"))
    absent_page = Paginator(data.absent, PER_PAGE).get_page(request.GET.get("apage"))
    units_page = Paginator(data.units, PER_PAGE).get_page(request.GET.get("upage"))
    if data.absent:
        record_access(
            user,
            "view",
            _("未到岗人员"),
            fields="name,phone_masked,leader",
            rows=len(absent_page.object_list),
            scope_path=area.path,
        )
    return render(
        request,
        "command/dashboard/attendance.html",
        {
            "area": area,
            "data": data,
            "gaps_page": gaps_page,
            "absent_page": absent_page,
            "units_page": units_page,
            "horizon": svc.HORIZON_HOURS,
            "picker": picker(user, area),
            "can_export": bool(scope_paths(user, EXPORT)),
        },
    )


@login_required
def attendance_export(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not scope_paths(user, EXPORT):
        raise Http404
    area = area_for(user, request.GET.get("area", ""), EXPORT)
    data = svc.attendance(user, area, action=EXPORT)
    title = _("%(area)s 在岗与报送 %(at)s") % {
        "area": area.name,
        "at": f"{timezone.localtime(data.at):%Y-%m-%d %H%M}",
    }
    response, count = xlsx_response(
        f"{title}.xlsx".replace(" ", "-"),
        columns=svc.columns(),
        rows=svc.lines(data),
        title=title,
        sheet_name=_("在岗与报送"),
    )
    record_access(
        user,
        "export",
        title,
        fields="name,phone_masked,leader,leader_phone",
        rows=count,
        scope_path=area.path,
    )
    return response
