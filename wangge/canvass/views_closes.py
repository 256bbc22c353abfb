"""日查日清 on the web: a campaign's daily closes compared day by day, a close's frozen figures
per grid with the households not reached at that close (grouped by grid, with the grid leader),
its .xlsx export, and the commander's "close today now".

The list page makes the closes that are due when it is opened (closes.close_due for its
campaign): a day whose close time has passed — today once the hour is past, or yesterday left
unclosed — is frozen before the list is shown, so it never waits for the scheduled
`wangge canvass close-due`. A close made late is dated when it was made (its `as_of`).

Figures are frozen for the whole campaign; each user is shown the grids they may see and the
sum of those grids, and only the households of their own scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wangge.core.audit import record_access
from wangge.core.exports import xlsx_file_response
from wangge.core.mask import mask_name, mask_phone
from wangge.core.scope import CHANGE, EXPORT, VIEW, covers, scope_paths
from wangge.places.models import Household
from wangge.places.paging import paginate

from .closes import close_day, close_due, visible_grids
from .coverage import STATES, grid_leaders_of
from .models import Campaign, DailyClose
from .views_coverage import campaign_crumbs, visible_campaign

GRID_COLUMNS = (
    ("name", gettext_lazy("网格"), 14),
    ("community", gettext_lazy("社区"), 14),
    ("leader", gettext_lazy("网格长"), 10),
    ("phone", gettext_lazy("网格长电话"), 14),
    ("targeted", gettext_lazy("应排查"), 8),
    ("reached", gettext_lazy("已排查"), 8),
    ("reached_today", gettext_lazy("当日排查"), 8),
    ("visits_today", gettext_lazy("当日走访次数"), 10),
    ("revisit", gettext_lazy("需再访"), 8),
    ("refused", gettext_lazy("拒绝配合"), 8),
    ("vacant", gettext_lazy("空置"), 8),
    ("moved", gettext_lazy("已搬离"), 8),
    ("not_attempted", gettext_lazy("未走访"), 8),
    ("not_reached", gettext_lazy("未排查到"), 8),
    ("percent", gettext_lazy("完成率%"), 8),
)
HOUSEHOLD_COLUMNS = (
    (gettext_lazy("网格"), 12),
    (gettext_lazy("楼栋"), 16),
    (gettext_lazy("单元"), 6),
    (gettext_lazy("户号"), 8),
    (gettext_lazy("户主"), 10),
    (gettext_lazy("联系电话"), 14),
    (gettext_lazy("日清时状态"), 10),
    (gettext_lazy("网格长"), 10),
    (gettext_lazy("网格长电话"), 14),
)
CHUNK = 1000


@dataclass
class DayLine:
    """One close in the list: the visible grids' sum and its change from the day before."""

    pk: int
    day: object
    as_of: object
    closed_by: str
    total: dict
    delta: dict | None = None


@dataclass
class HouseholdLine:
    household: Household
    state: str

    @property
    def state_label(self) -> str:
        return str(STATES.get(self.state, self.state))


def visible_close(user, pk: int) -> DailyClose:
    closes = DailyClose.objects.touching(user).select_related("campaign__area", "closed_by")
    return get_object_or_404(closes, pk=pk)


def day_lines(campaign: Campaign, user) -> list[DayLine]:
    """The campaign's closes, newest first, without loading their household lists."""
    rows = (
        DailyClose.objects.filter(campaign=campaign)
        .order_by("day")
        .annotate(grids=F("figures__grids"))
        .values_list(
            "pk", "day", "as_of", "closed_by__display_name", "closed_by__username", "grids"
        )
    )
    lines: list[DayLine] = []
    for pk, day, as_of, display_name, username, grids in rows:
        _grids, total = visible_grids({"grids": grids or []}, user)
        line = DayLine(pk, day, as_of, display_name or username or "", total)
        if lines:
            before = lines[-1].total
            line.delta = {
                "reached": total["reached"] - before["reached"],
                "not_reached": total["not_reached"] - before["not_reached"],
                "percent": round(total["percent"] - before["percent"], 1),
            }
        lines.append(line)
    lines.reverse()
    return lines


@login_required
def close_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign's daily closes, one row a day with the change from the day before; the
    closes already due are made first."""
    user = request.user
    campaign = visible_campaign(user, pk)
    close_due(campaign=campaign)
    lines = day_lines(campaign, user)
    today = timezone.localdate()
    ctx = {
        "campaign": campaign,
        "lines": lines,
        "can_close": covers(user, campaign.area.path, CHANGE) and campaign.is_open,
        "closed_today": any(line.day == today for line in lines),
        "crumbs": campaign_crumbs(campaign, _("日查日清")),
        "tab": "closes",
    }
    return render(request, "canvass/closes/close_list.html", ctx)


@login_required
@require_POST
def close_run(request: HttpRequest, pk: int) -> HttpResponse:
    """Close today now (CHANGE on the campaign's area); a day already closed stays as it is."""
    campaign = get_object_or_404(
        Campaign.objects.for_user(request.user, CHANGE).select_related("area"), pk=pk
    )
    today = timezone.localdate()
    if not campaign.starts_on <= today <= campaign.ends_on:
        messages.error(request, _("今天不在排查期内，不能日清。"))
        return redirect("canvass:close_list", campaign.pk)
    close, created = close_day(campaign, today, actor=request.user)
    if created:
        messages.success(request, _("今日数字已冻结，未排查到的住户见下表。"))
    else:
        messages.info(
            request,
            _("今天已于 %(time)s 日清，数字不再改变。")
            % {"time": timezone.localtime(close.as_of).strftime("%H:%M")},
        )
    return redirect("canvass:close_detail", close.pk)


def _household_ids(close: DailyClose, user, action: str) -> list[tuple[int, str]]:
    """The (household id, state) pairs of a close that `user` may see, in the frozen order."""
    pairs = [(int(h), s) for h, s in close.figures.get("households", [])]
    path = close.campaign.area.path
    if covers(user, path, action):
        return pairs
    mine = set(Household.objects.for_user(user, action).within(path).values_list("pk", flat=True))
    return [(h, s) for h, s in pairs if h in mine]


def _households(ids: list[int], user, action: str) -> dict[int, Household]:
    qs = Household.objects.for_user(user, action).select_related(
        "building__area__parent", "building__estate", "unit"
    )
    return qs.in_bulk(ids)


@login_required
def close_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A close's frozen figures for the grids the user sees (totals: their sum) and the
    households not reached at that close, grouped by grid with the grid leader."""
    user = request.user
    close = visible_close(user, pk)
    campaign = close.campaign
    grids, total = visible_grids(close.figures, user)
    page = paginate(request, _household_ids(close, user, VIEW))
    pairs = list(page.object_list)
    found = _households([h for h, _s in pairs], user, VIEW)
    lines = [HouseholdLine(found[h], s) for h, s in pairs if h in found]
    leaders = grid_leaders_of(line.household.building.area_id for line in lines)
    groups = [
        (area, leaders.get(area.pk, ("", "")), list(group))
        for area, group in groupby(lines, key=lambda line: line.household.building.area)
    ]
    ctx = {
        "campaign": campaign,
        "close": close,
        "grids": grids,
        "total": total,
        "page": page,
        "groups": groups,
        "can_export": bool(scope_paths(user, EXPORT)),
        "crumbs": campaign_crumbs(
            campaign, _("%(day)s 日清") % {"day": close.day.strftime("%Y-%m-%d")}
        ),
        "tab": "closes",
    }
    return render(request, "canvass/closes/close_detail.html", ctx)


def _export_households(close: DailyClose, user):
    """Rows of the households not reached at the close that `user` may export, in chunks."""
    pairs = _household_ids(close, user, EXPORT)
    for i in range(0, len(pairs), CHUNK):
        chunk = pairs[i : i + CHUNK]
        found = _households([h for h, _s in chunk], user, EXPORT)
        leaders = grid_leaders_of(hh.building.area_id for hh in found.values())
        for h, state in chunk:
            hh = found.get(h)
            if hh is None:
                continue
            name, phone = leaders.get(hh.building.area_id, ("", ""))
            yield [
                hh.building.area.name,
                str(hh.building),
                hh.unit.number,
                hh.room,
                mask_name(hh.householder_name),
                mask_phone(hh.phone),
                str(STATES.get(state, state)),
                name,
                phone,
            ]


def write_close(path: str, close: DailyClose, user) -> int:
    """The close as a workbook: its figures per grid, then the households not reached;
    returns the number of households written."""
    import xlsxwriter

    book = xlsxwriter.Workbook(
        path, {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
    )
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    bold = book.add_format({"bold": True})
    title = _("%(campaign)s %(day)s 日查日清") % {
        "campaign": close.campaign.name,
        "day": close.day.strftime("%Y-%m-%d"),
    }
    grids, total = visible_grids(close.figures, user, EXPORT)
    sheet = book.add_worksheet(_("各网格数字"))
    sheet.write_string(0, 0, title, bold)
    as_of = timezone.localtime(close.as_of).strftime("%Y-%m-%d %H:%M")
    sheet.write_string(1, 0, _("截止时间 %(time)s") % {"time": as_of})
    for i, (_key, label, width) in enumerate(GRID_COLUMNS):
        sheet.set_column(i, i, width)
        sheet.write_string(2, i, str(label), head)
    r = 2
    for g in [*grids, {**total, "name": _("合计")}]:
        r += 1
        for i, (key, _label, _width) in enumerate(GRID_COLUMNS):
            value = g.get(key, "")
            if isinstance(value, str):
                sheet.write_string(r, i, value)
            else:
                sheet.write_number(r, i, value)
    sheet = book.add_worksheet(_("未排查到住户"))
    for i, (label, width) in enumerate(HOUSEHOLD_COLUMNS):
        sheet.set_column(i, i, width)
        sheet.write_string(0, i, str(label), head)
    count = 0
    for count, row in enumerate(_export_households(close, user), start=1):
        for i, value in enumerate(row):
            if value:
                sheet.write_string(count, i, str(value))
    book.close()
    return count


@login_required
def close_export(request: HttpRequest, pk: int) -> HttpResponse:
    """A close as .xlsx (EXPORT): figures per grid and the households not reached, masked;
    logged with the number of households."""
    user = request.user
    close = visible_close(user, pk)
    if not scope_paths(user, EXPORT):
        raise PermissionDenied(_("您没有导出名单的权限"))
    label = _("%(campaign)s %(day)s 日查日清") % {
        "campaign": close.campaign.name,
        "day": close.day.strftime("%Y-%m-%d"),
    }
    counted: list[int] = []

    def write(path: str) -> None:
        counted.append(write_close(path, close, user))

    response = xlsx_file_response(f"{label}.xlsx".replace(" ", "-"), write)
    record_access(
        user,
        "export",
        label,
        fields="householder_masked,phone_masked,address,state",
        rows=counted[0],
        scope_path=close.scope_path,
        object_id=str(close.pk),
    )
    return response
