"""消杀进度 (disinfection compliance): the day's places with done / expected so far / required,
places behind schedule first, per grid with the grid leader, the counts "应消杀 N 处，已达标 N
处，滞后 N 处", the .xlsx and a printable page. The same rows as the API's /compliance.

"Behind" is services_disinfection.with_progress's, so the page's count equals behind(at)'s."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from wangge.core.audit import record_access
from wangge.core.exports import XlsxColumn, xlsx_response
from wangge.core.scope import EXPORT, RECORD, VIEW, scope_paths
from wangge.people.leaders import grids_with_leaders, within
from wangge.places.models import Area
from wangge.places.paging import paginate

from . import services_disinfection as svc

PRINT_LIMIT = 2000


@dataclass
class GridLine:
    path: str
    area: Area | None = None
    leader_name: str = ""
    leader_phone: str = ""
    total: int = 0
    met: int = 0
    behind: int = 0

    @property
    def label(self) -> str:
        return self.area.name if self.area else _("（未知区域）")

    @property
    def on_track(self) -> int:
        return self.total - self.met - self.behind


@dataclass
class Compliance:
    day: dt.date
    at: dt.datetime
    lines: list[GridLine] = field(default_factory=list)
    total: int = 0
    met: int = 0
    behind: int = 0

    @property
    def on_track(self) -> int:
        return self.total - self.met - self.behind

    @property
    def sentence(self) -> str:
        return _("应消杀 %(total)d 处，已达标 %(met)d 处，滞后 %(behind)d 处") % {
            "total": self.total,
            "met": self.met,
            "behind": self.behind,
        }


def moment(day: dt.date | None, now: dt.datetime | None = None) -> tuple[dt.date, dt.datetime]:
    """(day, the moment its progress is read): now for today (or a later day), the day's last
    second for a past day."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if day is None or day >= today:
        return today, now
    return day, svc.day_bounds(day)[1] - dt.timedelta(seconds=1)


def places_at(user, prefix: str, at: dt.datetime, action: str = VIEW):
    """The day's places in scope with their progress, behind schedule first."""
    qs = within(svc.due_places(at), user, prefix, action).select_related("area", "building__estate")
    return svc.with_progress(qs, at).order_by("-lag", "scope_path", "name", "pk")


def compliance(user, prefix: str, day: dt.date | None = None, action: str = VIEW) -> Compliance:
    """Counts overall and per grid (with the leader) of the day's places; three queries."""
    day, at = moment(day)
    out = Compliance(day=day, at=at)
    lines: dict[str, GridLine] = {}
    rows = places_at(user, prefix, at, action).values_list(
        "scope_path", "done_today", "expected_now", "times_per_day"
    )
    for path, done, expected, required in rows:
        line = lines.setdefault(path, GridLine(path=path))
        line.total += 1
        out.total += 1
        if done >= required:
            line.met += 1
            out.met += 1
        elif done < expected:
            line.behind += 1
            out.behind += 1
    areas, leaders = grids_with_leaders(lines)
    for line in lines.values():
        line.area = areas.get(line.path)
        if line.area is not None:
            line.leader_name, line.leader_phone = leaders.get(line.area.pk, ("", ""))
    out.lines = sorted(lines.values(), key=lambda g: (-g.behind, g.path))
    return out


def _params(request: HttpRequest, action: str = VIEW) -> tuple[Area | None, dt.date | None]:
    raw = request.GET.get("area", "")
    area = None
    if raw:
        if not (raw.isascii() and raw.isdigit()):
            raise Http404
        area = get_object_or_404(Area.objects.for_user(request.user, action), pk=raw)
    try:
        day = dt.date.fromisoformat(request.GET.get("day", "")) if request.GET.get("day") else None
    except ValueError:
        day = None
    return area, day


def status_of(place) -> str:
    if place.done_today >= place.times_per_day:
        return "met"
    return "behind" if place.done_today < place.expected_now else "on_track"


STATUS_LABELS = {
    "met": gettext_lazy("已达标"),
    "behind": gettext_lazy("滞后"),
    "on_track": gettext_lazy("进行中"),
}


@login_required
@require_GET
def compliance_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not scope_paths(user, VIEW):
        raise Http404
    area, day = _params(request)
    prefix = area.path if area else ""
    result = compliance(user, prefix, day)
    places = places_at(user, prefix, result.at)
    printing = request.GET.get("print") == "1"
    if printing:
        rows = list(places[:PRINT_LIMIT])
        page = None
    else:
        page = paginate(request, places)
        rows = list(page.object_list)
    for p in rows:
        p.status = status_of(p)
    today = timezone.localdate()
    return render(
        request,
        "supervision/disinfection/compliance.html",
        {
            "c": result,
            "area": area,
            "rows": rows,
            "page": page,
            "printing": printing,
            "is_today": result.day == today,
            "prev_day": result.day - dt.timedelta(days=1),
            "next_day": result.day + dt.timedelta(days=1) if result.day < today else None,
            "can_export": bool(scope_paths(user, EXPORT)),
            "can_log": bool(scope_paths(user, RECORD)),
        },
    )


@login_required
@require_GET
def compliance_export(request: HttpRequest) -> HttpResponse:
    user = request.user
    paths = scope_paths(user, EXPORT)
    if not paths:
        raise Http404
    area, day = _params(request, EXPORT)
    prefix = area.path if area else ""
    result = compliance(user, prefix, day, EXPORT)
    leaders = {line.path: line for line in result.lines}
    title = _("消杀进度 %(day)s") % {"day": result.day.isoformat()}
    if area:
        title = f"{area.name} {title}"
    columns = [
        XlsxColumn(_("网格"), 14),
        XlsxColumn(_("网格长"), 10),
        XlsxColumn(_("网格长电话"), 14, text=True),
        XlsxColumn(_("消杀点位"), 28),
        XlsxColumn(_("类型"), 12),
        XlsxColumn(_("每日要求"), 9),
        XlsxColumn(_("截至目前应完成"), 14),
        XlsxColumn(_("已完成"), 8),
        XlsxColumn(_("状态"), 8),
    ]

    def rows():
        for p in places_at(user, prefix, result.at, EXPORT).iterator(chunk_size=500):
            line = leaders.get(p.scope_path) or GridLine(path=p.scope_path)
            yield [
                p.area.name,
                line.leader_name,
                line.leader_phone,
                p.name,
                p.get_kind_display(),
                p.times_per_day,
                p.expected_now,
                p.done_today,
                str(STATUS_LABELS[status_of(p)]),
            ]

    response, count = xlsx_response(
        f"{title}.xlsx".replace(" ", "-"),
        columns=columns,
        rows=rows(),
        title=f"{title}  {result.sentence}",
        sheet_name=_("消杀进度"),
    )
    record_access(
        user,
        "export",
        title,
        fields="leader,leader_phone",
        rows=count,
        scope_path=prefix or paths[0],
    )
    return response
