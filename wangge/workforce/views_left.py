"""Who is left on the roster (缺岗): posts under-staffed now and in the next 24 hours, and people
on a running shift not checked in 15 minutes after it started — each with the grid leader to
call, on one page (?area= narrows it), and each list as .xlsx (`left_export?what=`), logged.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.audit import record_access
from wangge.core.exports import xlsx_response
from wangge.core.scope import EXPORT, scope_paths

from . import services_left as svc
from .views_hours import area_of

WHAT = {
    "understaffed": gettext_lazy("缺员岗位"),
    "absent": gettext_lazy("未到岗人员"),
}
PER_PAGE = 30


@login_required
def left(request: HttpRequest) -> HttpResponse:
    user = request.user
    area = area_of(request)
    prefix = area.path if area else ""
    now = timezone.now()
    gaps = svc.understaffed(user, now=now, prefix=prefix)
    missing = svc.absent(user, now=now, prefix=prefix)
    gaps_page = Paginator(gaps, PER_PAGE).get_page(request.GET.get("gpage"))
    absent_page = Paginator(missing, PER_PAGE).get_page(request.GET.get("apage"))
    if missing:
        record_access(
            user,
            "view",
            _("未到岗人员"),
            fields="name,phone_masked,leader",
            rows=len(absent_page.object_list),
            scope_path=prefix,
        )
    return render(
        request,
        "workforce/hours/left.html",
        {
            "area": area,
            "now": now,
            "gaps_page": gaps_page,
            "absent_page": absent_page,
            "gaps_running": sum(1 for g in gaps if g.running),
            "gaps_missing": sum(g.missing for g in gaps),
            "grace": svc.GRACE_MINUTES,
            "can_export": bool(scope_paths(user, EXPORT)),
        },
    )


@login_required
def left_export(request: HttpRequest) -> HttpResponse:
    user = request.user
    what = request.GET.get("what", "")
    if what not in WHAT or not scope_paths(user, EXPORT):
        raise Http404
    area = area_of(request, EXPORT)
    prefix = area.path if area else ""
    now = timezone.now()
    if what == "understaffed":
        rows = svc.understaffed(user, now=now, prefix=prefix, action=EXPORT)
    else:
        rows = svc.absent(user, now=now, prefix=prefix, action=EXPORT)
    title = str(WHAT[what])
    if area:
        title = f"{area.name} {title}"
    title = f"{title} {timezone.localtime(now):%Y-%m-%d %H%M}"
    response, count = xlsx_response(
        f"{title}.xlsx".replace(" ", "-"),
        columns=svc.left_columns(),
        rows=(row.line() for row in rows),
        title=title,
        sheet_name=_("缺岗"),
    )
    record_access(
        user,
        "export",
        title,
        fields="name,phone_masked,leader,leader_phone" if what == "absent" else "leader",
        rows=count,
        scope_path=prefix,
    )
    return response
