"""派单台 (the dispatch board): per grid, requests waiting to be assigned, overdue, in progress
and done today, each count opening its list; a commander above grid level sees the overdue
ones of every grid first. Requests are assigned from the lists to a worker of their area and/or
a delivery route (`request_assign`).

A request outside the user's scope is a 404; assigning without CHANGE over it is a 403."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.core.audit import record_access
from wangge.core.mask import mask_name
from wangge.core.scope import ALL_SCOPE, CHANGE, VIEW, covers, scope_paths
from wangge.places.models import Area
from wangge.places.paging import paginate
from wangge.workforce.models import Worker

from . import services_board as board_svc
from . import services_dispatch as svc
from .forms_dispatch import AssignForm
from .models import DeliveryRoute, SupportRequest


def area_param(request: HttpRequest, name: str = "grid", action: str = VIEW) -> Area | None:
    """The area ?grid= (or ?area=) names, 404 outside the user's scope; None for all."""
    ref = request.GET.get(name, "")
    if not ref:
        return None
    if not ref.isdigit():
        raise Http404
    area = get_object_or_404(Area, pk=int(ref))
    if not covers(request.user, area.path, action):
        raise Http404
    return area


def commands_many_grids(user) -> bool:
    """Whether the user's scope is above grid level (a community or a street's commander)."""
    paths = [p for p in scope_paths(user, VIEW) if "b" not in p]
    if ALL_SCOPE in paths:
        return True
    return Area.objects.filter(path__in=paths, level__lt=Area.Level.GRID).exists()


def assignable_routes(user):
    """Routes of today and later the user may use."""
    return DeliveryRoute.objects.touching(user, VIEW).filter(day__gte=timezone.localdate())


def attach_choices(user, rows: list[SupportRequest]) -> None:
    """Give each assignable row its worker and route options (workers and routes of an area
    containing the request), in two queries for the whole page."""
    workers = defaultdict(list)
    for w in Worker.objects.touching(user, VIEW).filter(status=Worker.Status.ACTIVE):
        if w.health == Worker.Health.GREEN:
            workers[w.scope_path].append(w)
    routes = defaultdict(list)
    for r in assignable_routes(user).select_related("worker").order_by("day", "name"):
        routes[r.scope_path].append(r)
    for row in rows:
        row.can_assign = row.status in svc.ASSIGNABLE and covers(user, row.scope_path, CHANGE)
        if not row.can_assign:
            continue
        prefixes = svc.area_prefixes(row.scope_path)
        row.worker_options = [w for p in prefixes for w in workers.get(p, [])]
        row.route_options = [r for p in prefixes for r in routes.get(p, [])]


def decorate(rows: list[SupportRequest], now) -> None:
    for row in rows:
        row.name_masked = mask_name(row.household.householder_name)
        row.late = row.is_open and row.due_at < now
        row.bring = svc.what_to_bring(row)


@login_required
def board(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not scope_paths(user, VIEW):
        raise Http404
    area = area_param(request)
    prefix = area.path if area else ""
    now = timezone.now()
    lines, total = board_svc.grid_lines(user, prefix, now)
    commander = area is None and commands_many_grids(user)
    show = request.GET.get("show", "")
    if show and show not in board_svc.COLUMNS:
        raise Http404
    if not show:
        show = "overdue" if commander and total.counts.get("overdue") else "new"
    page = paginate(request, board_svc.column(user, show, prefix, now))
    rows = list(page.object_list)
    decorate(rows, now)
    attach_choices(user, rows)
    if rows:
        record_access(
            user,
            "view",
            _("派单台：%(col)s") % {"col": board_svc.COLUMNS[show]},
            fields="name_masked,address",
            rows=len(rows),
            scope_path=prefix,
        )
    return render(
        request,
        "support/dispatch/board.html",
        {
            "lines": lines,
            "total": total,
            "columns": board_svc.COLUMNS,
            "area": area,
            "show": show,
            "show_label": board_svc.COLUMNS[show],
            "page": page,
            "rows": rows,
            "commander": commander,
            "now": now,
        },
    )


def _back(request: HttpRequest):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect("support:board")


@login_required
@require_POST
def request_assign(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    req = get_object_or_404(SupportRequest.objects.for_user(user, VIEW), pk=pk)
    if not covers(user, req.scope_path, CHANGE):
        raise PermissionDenied
    form = AssignForm(
        request.POST,
        workers=svc.candidate_workers(user, req.scope_path),
        routes=assignable_routes(user).filter(scope_path__in=svc.area_prefixes(req.scope_path)),
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return _back(request)
    try:
        svc.assign(
            req, actor=user, worker=form.cleaned_data["worker"], route=form.cleaned_data["route"]
        )
    except ValidationError as exc:
        for e in exc.messages:
            messages.error(request, e)
    else:
        req.refresh_from_db()
        who = req.worker.name if req.worker_id else req.route.name
        messages.success(
            request, _("已分派：%(req)s → %(who)s") % {"req": req.household, "who": who}
        )
    return _back(request)
