"""Who is left, on the web: the per-grid table with the leaders, drill-down to the names
(?grid= / ?building= / ?list=), the .xlsx export and the A4 print list for door-knocking, the
positives and the retest list, the round-over-round comparison and the progress charts."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.audit import record_access
from wangge.core.exports import xlsx_response
from wangge.core.scope import EXPORT, VIEW, scope_paths
from wangge.places.models import Area, Building
from wangge.places.paging import paginate

from .models import Round
from .progress import charts, point_progress
from .services_results import unread_notices
from .views_results import visible_round
from .whoisleft import LISTS, board, person_list
from .whoisleft_rows import (
    columns,
    compare,
    dropped_persons,
    export_row,
    group_by_unit,
    person_rows,
)

PRINT_MAX = 5000  # rows on one print list; more must be narrowed to a grid or building


@dataclass
class Where:
    """The drill-down filters: a grid or a building of the round, and which list."""

    grid: Area | None
    building: Building | None
    kind: str

    @property
    def prefix(self) -> str:
        if self.building is not None:
            return self.building.scope_path
        return self.grid.path if self.grid is not None else ""

    @property
    def label(self) -> str:
        place = str(self.building) if self.building else (self.grid.name if self.grid else "")
        return " ".join(x for x in (place, str(LISTS[self.kind])) if x)


def _id(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    return int(value)


def where(request: HttpRequest) -> Where:
    user = request.user
    grid = building = None
    if (building_id := _id(request, "building")) is not None:
        buildings = Building.objects.for_user(user, VIEW).select_related("area", "estate")
        building = get_object_or_404(buildings, pk=building_id)
        grid = building.area
    elif (grid_id := _id(request, "grid")) is not None:
        grid = get_object_or_404(Area.objects.for_user(user, VIEW), pk=grid_id)
    kind = request.GET.get("list", "")
    return Where(grid, building, kind if kind in LISTS else "not_yet")


def _page_rows(request: HttpRequest, rnd: Round, qs, **kwargs):
    page = paginate(request, qs.values_list("pk", flat=True))
    return page, person_rows(rnd, list(page.object_list), **kwargs)


def _context(request: HttpRequest, rnd: Round, **extra) -> dict:
    return {"round": rnd, "lists": LISTS, **extra}


@login_required
def missing(request: HttpRequest, pk: int) -> HttpResponse:
    """The who-is-left table per grid (per building below a grid), and with ?grid= or
    ?building= the names of one list, paginated."""
    rnd = visible_round(request, pk)
    at = where(request)
    table = board(rnd, request.user, at.prefix)
    ctx = _context(
        request,
        rnd,
        at=at,
        board=table,
        show_buildings=bool(at.prefix) or len(table.grids) == 1,
        notices=unread_notices(request.user, rnd)[:20],
        can_export=bool(scope_paths(request.user, EXPORT)),
    )
    if at.prefix:
        qs = person_list(rnd, request.user, at.kind, at.prefix)
        positive = at.kind in ("positive", "retest")
        ctx["page"], ctx["rows"] = _page_rows(request, rnd, qs, positive_tubes=positive)
        ctx["show_tubes"] = positive
    return render(request, "testing/results/missing.html", ctx)


def _list_title(rnd: Round, at: Where) -> str:
    return _("%(round)s %(list)s") % {"round": rnd, "list": at.label}


@login_required
def missing_export(request: HttpRequest, pk: int) -> HttpResponse:
    """One list (?list=, default 未检) of the round, or of a grid/building, as .xlsx: ID numbers
    and phones masked; logged with the number of rows."""
    rnd = visible_round(request, pk)
    if not scope_paths(request.user, EXPORT):
        raise PermissionDenied(_("您没有导出名单的权限"))
    at = where(request)
    qs = person_list(rnd, request.user, at.kind, at.prefix, action=EXPORT)
    rows = person_rows(rnd, qs, positive_tubes=at.kind in ("positive", "retest"))
    title = _list_title(rnd, at)
    response, count = xlsx_response(
        f"{title}.xlsx".replace(" ", "-"),
        columns=columns(),
        rows=(export_row(r) for r in rows),
        title=title,
        sheet_name=str(LISTS[at.kind]),
    )
    record_access(
        request.user,
        "export",
        title,
        fields="name,id_number_masked,phone_masked,address",
        rows=count,
        scope_path=at.prefix or rnd.area.path,
        object_id=str(rnd.pk),
    )
    return response


@login_required
def missing_print(request: HttpRequest, pk: int) -> HttpResponse:
    """An A4 list for door-knocking, grouped by building and unit, masked; logged."""
    rnd = visible_round(request, pk)
    at = where(request)
    qs = person_list(rnd, request.user, at.kind, at.prefix)
    total = qs.count()
    rows = person_rows(rnd, qs) if total <= PRINT_MAX else []
    if rows:
        record_access(
            request.user,
            "print",
            _list_title(rnd, at),
            fields="name,id_number_masked,phone_masked,address",
            rows=len(rows),
            scope_path=at.prefix or rnd.area.path,
            object_id=str(rnd.pk),
        )
    ctx = _context(
        request,
        rnd,
        at=at,
        groups=group_by_unit(rows),
        total=total,
        too_many=total > PRINT_MAX,
        print_max=PRINT_MAX,
        title=_list_title(rnd, at),
        now=timezone.localtime(),
    )
    return render(request, "testing/results/print.html", ctx)


@login_required
def positives(request: HttpRequest, pk: int) -> HttpResponse:
    """Single-tube positives (单管阳性) listed apart from the members of positive pools, the
    latter with whether their single-tube retest is still pending."""
    rnd = visible_round(request, pk)
    user = request.user
    singles = person_rows(rnd, person_list(rnd, user, "single_positive"), positive_tubes=True)
    pool_qs = person_list(rnd, user, "pool_positive")
    pending = set(person_list(rnd, user, "retest").values_list("pk", flat=True))
    page, pool_rows = _page_rows(request, rnd, pool_qs, positive_tubes=True)
    for row in pool_rows:
        row.retest_pending = row.person_id in pending
    ctx = _context(request, rnd, singles=singles, page=page, pool_rows=pool_rows)
    ctx["notices"] = unread_notices(user, rnd)[:20]
    return render(request, "testing/results/positives.html", ctx)


@login_required
def retests(request: HttpRequest, pk: int) -> HttpResponse:
    """The single-tube retest list: people of positive pools without a single tube since."""
    rnd = visible_round(request, pk)
    qs = person_list(rnd, request.user, "retest")
    page, rows = _page_rows(request, rnd, qs, positive_tubes=True)
    return render(
        request,
        "testing/results/retests.html",
        _context(
            request, rnd, page=page, rows=rows, can_export=bool(scope_paths(request.user, EXPORT))
        ),
    )


@login_required
def compare_rounds(request: HttpRequest, pk: int) -> HttpResponse:
    """This round against the previous one per grid, and who was sampled then but not now."""
    rnd = visible_round(request, pk)
    lines, total = compare(rnd, request.user)
    page, rows = _page_rows(request, rnd, dropped_persons(rnd, request.user))
    return render(
        request,
        "testing/results/compare.html",
        _context(request, rnd, lines=lines, total=total, page=page, rows=rows),
    )


@login_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Samples per hour at each point and sampled against expected per grid."""
    rnd = visible_round(request, pk)
    points = point_progress(rnd, request.user)
    table = board(rnd, request.user)
    ctx = _context(request, rnd, progress=points, board=table, charts=charts(points, table))
    return render(request, "testing/results/progress.html", ctx)
