"""The dispatch board of living-support requests (派单台) per grid (待分派, 超时, 办理中,
今日已完成), and the overdue requests per grid with the grid leader (还剩谁) for the page, the
.xlsx and `wangge support overdue`.

Scope: the requests counted and listed are those `user` may see (`within`, `for_user`);
`user=None` means everything (the command line only). `prefix` narrows to one area.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.exports import XlsxColumn
from wangge.core.mask import mask_name, mask_phone
from wangge.core.scope import VIEW, split_path
from wangge.people.leaders import grids_with_leaders, per_grid, within
from wangge.places.models import Area

from .models import SupportRequest
from .services_dispatch import _day_bounds, what_to_bring

Status = SupportRequest.Status
IN_PROGRESS = (Status.ASSIGNED, Status.ACCEPTED, Status.ON_WAY)

# The board's columns, in the order of the page.
COLUMNS = {
    "new": gettext_lazy("待分派"),
    "overdue": gettext_lazy("超时"),
    "in_progress": gettext_lazy("办理中"),
    "done": gettext_lazy("今日已完成"),
}


def column_querysets(now: dt.datetime | None = None) -> dict[str, QuerySet]:
    """The requests behind each column of the board, before scope."""
    now = now or timezone.now()
    start, end = _day_bounds(timezone.localdate(now))
    done_today = (
        Q(delivered_at__gte=start, delivered_at__lt=end)
        | Q(confirmed_at__gte=start, confirmed_at__lt=end)
        | Q(closed_at__gte=start, closed_at__lt=end)
    )
    rq = SupportRequest.objects
    return {
        "new": rq.filter(status=Status.NEW),
        "overdue": rq.filter(status__in=SupportRequest.OPEN, due_at__lt=now),
        "in_progress": rq.filter(status__in=IN_PROGRESS),
        "done": rq.filter(done_today, status__in=SupportRequest.DONE),
    }


def column(user, key: str, prefix: str = "", now: dt.datetime | None = None) -> QuerySet:
    """The requests of one column that `user` may see below `prefix`, most urgent first."""
    qs = within(column_querysets(now)[key], user, prefix)
    qs = qs.select_related(
        "kind", "worker", "route", "household__building__estate", "household__unit"
    )
    if key == "done":
        return qs.order_by("-delivered_at", "-closed_at", "-pk")
    return qs.order_by("-priority", "due_at", "pk")


def overdue(user, prefix: str = "", now: dt.datetime | None = None) -> QuerySet:
    """Open requests past their deadline that `user` may see (None: all), oldest deadline first."""
    return column(user, "overdue", prefix, now).order_by("due_at", "pk")


# --- the board and who is left, per grid -------------------------------------------------------


@dataclass
class GridLine:
    path: str
    area: Area | None
    leader_name: str = ""
    leader_phone: str = ""
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.area.name if self.area else _("未分配网格")

    @property
    def community(self) -> str:
        return self.area.parent.name if self.area and self.area.parent_id else ""

    @property
    def cells(self) -> list[tuple[str, int]]:
        return [(key, self.counts.get(key, 0)) for key in COLUMNS]

    @property
    def overdue(self) -> int:
        return self.counts.get("overdue", 0)


def grid_lines(
    user, prefix: str = "", now: dt.datetime | None = None, keys: Iterable[str] = tuple(COLUMNS)
) -> tuple[list[GridLine], GridLine]:
    """One line per grid with requests in any of `keys` (counts per column, the grid leader),
    the grids with the most overdue first; and the total line."""
    qs = column_querysets(now)
    counts = {key: per_grid(within(qs[key], user, prefix)) for key in keys}
    paths = {p for per in counts.values() for p in per}
    areas, grid_leaders = grids_with_leaders(paths)
    lines = []
    total = GridLine("", None)
    for path in paths:
        area = areas.get(path)
        name, phone = grid_leaders.get(area.pk, ("", "")) if area else ("", "")
        line = GridLine(path, area, name, phone, {k: counts[k].get(path, 0) for k in keys})
        for k, n in line.counts.items():
            total.counts[k] = total.counts.get(k, 0) + n
        lines.append(line)
    lines.sort(key=lambda ln: (-ln.overdue, ln.area.code if ln.area else "~", ln.path))
    return lines, total


@dataclass
class OverdueItem:
    """One row of the overdue list (page, .xlsx, command line)."""

    pk: int
    grid: str
    address: str
    name: str  # masked
    kind: str
    detail: str
    due: str
    late: str
    worker: str
    leader: str
    leader_phone: str  # masked

    def line(self) -> list[str]:
        return [
            self.grid,
            self.address,
            self.name,
            self.kind,
            self.detail,
            self.due,
            self.late,
            self.worker,
            self.leader,
            self.leader_phone,
        ]


def overdue_columns() -> list[XlsxColumn]:
    return [
        XlsxColumn(_("网格"), 14),
        XlsxColumn(_("地址"), 28),
        XlsxColumn(_("户主"), 10),
        XlsxColumn(_("诉求类型"), 12),
        XlsxColumn(_("诉求内容"), 30),
        XlsxColumn(_("响应时限"), 17),
        XlsxColumn(_("已超时"), 14),
        XlsxColumn(_("承办人"), 10),
        XlsxColumn(_("网格长"), 10),
        XlsxColumn(_("网格长电话"), 14, text=True),
    ]


def _late(now: dt.datetime, due: dt.datetime) -> str:
    minutes = max(int((now - due).total_seconds() // 60), 0)
    return _("%(h)d 小时 %(m)d 分") % {"h": minutes // 60, "m": minutes % 60}


def overdue_items(
    user, prefix: str = "", now: dt.datetime | None = None, action: str = VIEW
) -> Iterator[OverdueItem]:
    """The overdue requests as rows, grouped by grid (grid order), oldest deadline first."""
    now = now or timezone.now()
    qs = overdue(None, prefix, now)
    if user is not None:
        qs = qs.for_user(user, action)
    rows = list(qs)
    grids = {split_path(r.scope_path)[0] for r in rows}
    areas, grid_leaders = grids_with_leaders(grids)
    rows.sort(key=lambda r: areas[g].code if (g := split_path(r.scope_path)[0]) in areas else "~")
    for r in rows:
        area = areas.get(split_path(r.scope_path)[0])
        name, phone = grid_leaders.get(area.pk, ("", "")) if area else ("", "")
        yield OverdueItem(
            pk=r.pk,
            grid=area.name if area else "",
            address=r.household.address,
            name=mask_name(r.household.householder_name),
            kind=str(r.kind),
            detail=what_to_bring(r),
            due=timezone.localtime(r.due_at).strftime("%Y-%m-%d %H:%M"),
            late=_late(now, r.due_at),
            worker=r.worker.name if r.worker_id else "",
            leader=name,
            leader_phone=mask_phone(phone),
        )
