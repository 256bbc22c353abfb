"""Overdue follow-ups (逾期未随访): the list per grid with the responsible worker and the grid
leader, and its .xlsx export (names masked; logged). Exporting needs EXPORT somewhere: 403
otherwise."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.audit import record_access
from wangge.core.exports import XlsxColumn, xlsx_response
from wangge.core.scope import EXPORT, VIEW, scope_paths, split_path
from wangge.people.leaders import leaders
from wangge.people.models import LeaderAssignment
from wangge.places.models import Area
from wangge.places.paging import paginate

from . import services_followups as fu
from .models_followups import FollowUp
from .views_followups import FOLLOWUP_RELATED, chosen_grid, decorate, open_alert_count

# --- helpers ----------------------------------------------------------------------------------


def how_late(due_at: dt.datetime, now: dt.datetime) -> str:
    minutes = max(int((now - due_at).total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(d)d天%(h)d小时") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d小时%(m)d分") % {"h": hours, "m": minutes}
    return _("%(m)d分钟") % {"m": minutes}


def worker_phone(f: FollowUp) -> str:
    if f.order.worker_phone:
        return f.order.worker_phone
    return f.assignee.phone if f.assignee_id else ""


def _grid_areas(paths) -> dict[str, Area]:
    return {a.path: a for a in Area.objects.filter(path__in={split_path(p)[0] for p in paths})}


# --- overdue per grid -------------------------------------------------------------------------


@dataclass
class OverdueRow:
    followup: FollowUp
    grid: Area | None
    leader: tuple[str, str]
    late: str

    @property
    def grid_name(self) -> str:
        return self.grid.name if self.grid is not None else _("未分配网格")

    @property
    def worker(self) -> str:
        f = self.followup
        return f.assignee_name or f.order.worker_name or (str(f.assignee) if f.assignee else "")

    @property
    def phone(self) -> str:
        return worker_phone(self.followup)


def _overdue_qs(request: HttpRequest, action: str) -> tuple[QuerySet[FollowUp], Area | None]:
    grid = chosen_grid(request, action)
    qs = fu.overdue() & fu.visible(request.user, action)
    if grid is not None:
        qs = qs.within(grid.path)
    return qs, grid


def _overdue_rows(followups: list[FollowUp], now: dt.datetime) -> list[OverdueRow]:
    areas = _grid_areas(f.scope_path for f in followups)
    grid_leaders = leaders(LeaderAssignment.Role.GRID, area_id__in=[a.pk for a in areas.values()])
    rows = []
    for f in followups:
        decorate(f, now)
        grid = areas.get(split_path(f.scope_path)[0])
        leader = grid_leaders.get(grid.pk, ("", "")) if grid else ("", "")
        rows.append(OverdueRow(f, grid, leader, how_late(f.due_at, now)))
    return rows


def _per_grid(qs: QuerySet[FollowUp]) -> list[tuple[Area | None, tuple[str, str], int]]:
    counts: dict[str, int] = defaultdict(int)
    for path, n in (
        qs.order_by().values("scope_path").annotate(n=Count("pk")).values_list("scope_path", "n")
    ):
        counts[split_path(path)[0]] += n
    areas = {a.path: a for a in Area.objects.filter(path__in=list(counts))}
    grid_leaders = leaders(LeaderAssignment.Role.GRID, area_id__in=[a.pk for a in areas.values()])
    out = [
        (areas.get(p), grid_leaders.get(areas[p].pk, ("", "")) if p in areas else ("", ""), n)
        for p, n in counts.items()
    ]
    return sorted(out, key=lambda line: line[0].code if line[0] else "")


@login_required
def followups_overdue(request: HttpRequest) -> HttpResponse:
    user = request.user
    now = timezone.now()
    qs, grid = _overdue_qs(request, VIEW)
    ordered = qs.select_related(*FOLLOWUP_RELATED).order_by("scope_path", "due_at", "-kind", "pk")
    page = paginate(request, ordered)
    return render(
        request,
        "control/followups/overdue.html",
        {
            "page": page,
            "rows": _overdue_rows(list(page.object_list), now),
            "grids": _per_grid(qs),
            "grid": grid,
            "total": page.paginator.count,
            "can_export": bool(scope_paths(user, EXPORT)),
            "open_alerts": open_alert_count(user),
        },
    )


EXPORT_COLUMNS = (
    (gettext_lazy("网格"), 12, False),
    (gettext_lazy("网格长"), 10, False),
    (gettext_lazy("网格长电话"), 14, True),
    (gettext_lazy("姓名"), 8, False),
    (gettext_lazy("住址"), 28, False),
    (gettext_lazy("措施"), 12, False),
    (gettext_lazy("随访内容"), 10, False),
    (gettext_lazy("截止时间"), 16, False),
    (gettext_lazy("逾期"), 12, False),
    (gettext_lazy("随访人"), 10, False),
    (gettext_lazy("随访人电话"), 14, True),
)


def _export_line(row: OverdueRow) -> list[str]:
    f = row.followup
    return [
        row.grid_name,
        row.leader[0],
        row.leader[1],
        f.masked_name,
        f.order.household.address if f.order.household_id else "",
        f.order.order_type.name,
        f.label,
        timezone.localtime(f.due_at).strftime("%Y-%m-%d %H:%M"),
        row.late,
        row.worker,
        row.phone,
    ]


@login_required
def followups_overdue_export(request: HttpRequest) -> HttpResponse:
    """The overdue list (?grid=) as .xlsx: names masked; logged."""
    user = request.user
    if not scope_paths(user, EXPORT):
        raise PermissionDenied(_("您没有导出名单的权限"))
    now = timezone.now()
    qs, grid = _overdue_qs(request, EXPORT)
    followups = list(
        qs.select_related(*FOLLOWUP_RELATED).order_by("scope_path", "due_at", "-kind", "pk")
    )
    title = _("逾期未随访 %(at)s") % {"at": timezone.localtime(now).strftime("%Y-%m-%d %H%M")}
    response, count = xlsx_response(
        f"{title}.xlsx".replace(" ", "-"),
        columns=[XlsxColumn(str(label), width, text) for label, width, text in EXPORT_COLUMNS],
        rows=(_export_line(row) for row in _overdue_rows(followups, now)),
        title=title,
        sheet_name=_("逾期随访"),
    )
    record_access(
        user,
        "export",
        title,
        fields="name_masked,address,followup,worker_phone",
        rows=count,
        scope_path=grid.path if grid is not None else scope_paths(user, EXPORT)[0],
    )
    return response
