"""还剩谁 (who is left) in control measures: the per-grid table for the user's scope (or an area
of it), each count opening its list, and the .xlsx of every list."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from wangge.core.audit import record_access
from wangge.core.exports import xlsx_response
from wangge.core.scope import EXPORT, VIEW, covers, scope_paths
from wangge.places.models import Area
from wangge.places.paging import paginate

from . import left


def _area(request: HttpRequest, action: str = VIEW) -> Area | None:
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


def _kind(request: HttpRequest) -> str:
    kind = request.GET.get("kind", "")
    if kind and kind not in left.KINDS:
        raise Http404
    return kind


@login_required
def left_board(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    kind = _kind(request)
    prefix = area.path if area else ""
    board = left.board(request.user, prefix)
    page = None
    if kind:
        page = paginate(request, list(left.items(request.user, kind, prefix)))
        record_access(
            request.user,
            "view",
            _("管控还剩谁：%(kind)s") % {"kind": left.KINDS[kind]},
            fields="name_masked,address,responsible",
            rows=len(page.object_list),
            scope_path=prefix,
        )
    return render(
        request,
        "control/left/board.html",
        {
            "board": board,
            "area": area,
            "kind": kind,
            "kinds": left.KINDS,
            "kind_label": left.KINDS.get(kind, ""),
            "page": page,
            "can_export": bool(scope_paths(request.user, EXPORT)),
        },
    )


@login_required
def left_export(request: HttpRequest) -> HttpResponse:
    if not scope_paths(request.user, EXPORT):
        raise Http404
    area = _area(request, EXPORT)
    kind = _kind(request)
    prefix = area.path if area else ""
    user = request.user
    if kind:
        rows = left.items(user, kind, prefix, action=EXPORT)
    else:
        rows = left.all_items(user, prefix, action=EXPORT)
    title = _("管控还剩谁") if not kind else str(left.KINDS[kind])
    if area:
        title = f"{area.name} {title}"
    response, count = xlsx_response(
        f"{title}.xlsx".replace(" ", "-"),
        columns=left.columns(),
        rows=(item.line() for item in rows),
        title=title,
        sheet_name=_("还剩谁"),
    )
    record_access(
        user,
        "export",
        title,
        fields="name_masked,address,responsible,responsible_phone_masked",
        rows=count,
        scope_path=prefix,
    )
    return response
