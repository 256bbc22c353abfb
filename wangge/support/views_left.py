"""超时未办 (who is left in living support): overdue open requests per grid with the grid
leader's name and phone, each count opening its list; the .xlsx of the list. The same rows as
`wangge support overdue`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.audit import record_access
from wangge.core.exports import xlsx_response
from wangge.core.scope import EXPORT, VIEW, scope_paths
from wangge.places.paging import paginate

from . import services_board as svc
from .views_board import area_param


@login_required
def left(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not scope_paths(user, VIEW):
        raise Http404
    area = area_param(request, "area")
    prefix = area.path if area else ""
    now = timezone.now()
    lines, total = svc.grid_lines(user, prefix, now, keys=("overdue",))
    page = paginate(request, list(svc.overdue_items(user, prefix, now)))
    if page.object_list:
        record_access(
            user,
            "view",
            _("保供超时未办"),
            fields="name_masked,address,leader",
            rows=len(page.object_list),
            scope_path=prefix,
        )
    return render(
        request,
        "support/dispatch/left.html",
        {
            "lines": lines,
            "total": total,
            "area": area,
            "page": page,
            "can_export": bool(scope_paths(user, EXPORT)),
        },
    )


@login_required
def left_export(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not scope_paths(user, EXPORT):
        raise Http404
    area = area_param(request, "area", EXPORT)
    prefix = area.path if area else ""
    title = _("保供超时未办")
    if area:
        title = f"{area.name} {title}"
    rows = svc.overdue_items(user, prefix, action=EXPORT)
    response, count = xlsx_response(
        f"{title}.xlsx".replace(" ", "-"),
        columns=svc.overdue_columns(),
        rows=(item.line() for item in rows),
        title=title,
        sheet_name=_("超时未办"),
    )
    record_access(
        user,
        "export",
        title,
        fields="name_masked,address,leader,leader_phone_masked",
        rows=count,
        scope_path=prefix,
    )
    return response
