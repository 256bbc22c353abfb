"""Transfer pages, the dispatcher's board (转运调度): waiting, on the road and done on the day
(names masked; a button for each step the user may take), filtered by grid and destination,
and the board's day as .xlsx (logged). The rows here are also those of one transfer's pages.

Transfers are read through services_transfers_access.visible_transfers."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from wangge.core.audit import record_access
from wangge.core.exports import XlsxColumn, xlsx_response
from wangge.core.mask import mask_name
from wangge.core.scope import CHANGE, EXPORT, VIEW, scope_paths
from wangge.people.models import Person

from .forms_transfers import HOSPITAL, BoardFilterForm
from .models_sites import SiteStaff
from .models_transfers import Transfer
from .services_transfers_access import (
    DONE,
    ON_ROAD,
    allowed_steps,
    by_urgency,
    usable_sites,
    visible_transfers,
)

Status = Transfer.Status
RELATED = ("site", "vehicle", "household__building__estate", "household__unit", "person")
SHOWN_NAMES = 3


# --- rows -------------------------------------------------------------------------------------


@dataclass
class Row:
    transfer: Transfer
    people: list[Person]
    steps: set[str] = field(default_factory=set)

    @property
    def names(self) -> str:
        """Masked names: 张*、陈* (and how many more)."""
        names = [mask_name(p.name) for p in self.people[:SHOWN_NAMES]]
        text = "、".join(names)
        if len(self.people) > SHOWN_NAMES:
            text += _(" 等%(n)d人") % {"n": len(self.people)}
        return text

    @property
    def destination(self) -> str:
        t = self.transfer
        return t.site.name if t.site_id else t.hospital


def _staffed(user) -> set[int]:
    return set(SiteStaff.objects.filter(user=user, active=True).values_list("site_id", flat=True))


def rows_of(transfers, user) -> list[Row]:
    staffed = _staffed(user)
    return [
        Row(t, list(t.persons.all()), allowed_steps(t, user, staffed=staffed)) for t in transfers
    ]


def with_related(qs: QuerySet[Transfer]) -> QuerySet[Transfer]:
    return qs.select_related(*RELATED).prefetch_related("persons")


# --- board ------------------------------------------------------------------------------------


def _board_form(request: HttpRequest) -> BoardFilterForm:
    return BoardFilterForm(request.GET or None, user=request.user, sites=usable_sites(request.user))


def _filtered(form: BoardFilterForm, qs: QuerySet[Transfer]) -> QuerySet[Transfer]:
    if not form.is_bound:
        return qs
    if not form.is_valid():
        return qs.none()
    data = form.cleaned_data
    if data["grid"] is not None:
        qs = qs.within(data["grid"].path)
    if data["dest"] == HOSPITAL:
        qs = qs.filter(destination=Transfer.Destination.HOSPITAL)
    elif data["dest"]:
        qs = qs.filter(site_id=int(data["dest"]))
    return qs


def board_sections(form: BoardFilterForm, user, action: str = VIEW):
    """(waiting, on the road, done on the day): open transfers whenever requested; the ones
    handed over on the day."""
    qs = _filtered(form, visible_transfers(user, action))
    day = form.the_day()
    waiting = by_urgency(qs.filter(status=Status.REQUESTED))
    on_road = by_urgency(qs.filter(status__in=ON_ROAD))
    done = qs.filter(status__in=DONE, handed_over_at__date=day).order_by("-handed_over_at")
    return day, with_related(waiting), with_related(on_road), with_related(done)


@login_required
@require_GET
def transfer_board(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = _board_form(request)
    day, waiting, on_road, done = board_sections(form, user)
    return render(
        request,
        "control/transfers/board.html",
        {
            "form": form,
            "day": day,
            "is_today": day == timezone.localdate(),
            "waiting": rows_of(waiting, user),
            "on_road": rows_of(on_road, user),
            "done": rows_of(done, user),
            "now": timezone.now(),
            "can_request": bool(scope_paths(user, CHANGE)),
            "can_export": bool(scope_paths(user, EXPORT)),
            "next": request.get_full_path(),
        },
    )


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


EXPORT_COLUMNS = (
    (gettext_lazy("状态"), 10),
    (gettext_lazy("紧急程度"), 8),
    (gettext_lazy("人员"), 16),
    (gettext_lazy("人数"), 6),
    (gettext_lazy("出发地址"), 28),
    (gettext_lazy("去向"), 18),
    (gettext_lazy("原因"), 24),
    (gettext_lazy("车辆"), 10),
    (gettext_lazy("司机"), 8),
    (gettext_lazy("司机电话"), 14),
    (gettext_lazy("申请时间"), 16),
    (gettext_lazy("派车时间"), 16),
    (gettext_lazy("接到时间"), 16),
    (gettext_lazy("交接时间"), 16),
    (gettext_lazy("接收人"), 10),
    (gettext_lazy("完成时间"), 16),
)


def export_line(row: Row) -> list:
    t = row.transfer
    return [
        t.get_status_display(),
        t.get_urgency_display(),
        row.names,
        len(row.people),
        t.from_address,
        row.destination,
        t.reason,
        t.vehicle.plate if t.vehicle_id else "",
        t.driver_name,
        t.driver_phone,
        _when(t.requested_at),
        _when(t.assigned_at),
        _when(t.picked_up_at),
        _when(t.handed_over_at),
        t.received_by_name,
        _when(t.closed_at),
    ]


@login_required
@require_GET
def transfer_export(request: HttpRequest) -> HttpResponse:
    """The board of the day as .xlsx (names masked): waiting, on the road, done. Logged."""
    user = request.user
    if not scope_paths(user, EXPORT):
        raise PermissionDenied(_("您没有导出转运记录的权限"))
    form = _board_form(request)
    day, waiting, on_road, done = board_sections(form, user, EXPORT)
    rows = [*rows_of(waiting, user), *rows_of(on_road, user), *rows_of(done, user)]
    title = _("转运调度 %(day)s") % {"day": day.strftime("%Y-%m-%d")}
    response, count = xlsx_response(
        f"{title}.xlsx".replace(" ", "-"),
        columns=[XlsxColumn(str(label), width, text=True) for label, width in EXPORT_COLUMNS],
        rows=(export_line(r) for r in rows),
        title=title,
        sheet_name=_("转运"),
    )
    grid = form.cleaned_data.get("grid") if form.is_valid() else None
    record_access(
        user,
        "export",
        title,
        fields="names_masked,from_address,destination,driver,times",
        rows=count,
        scope_path=grid.path if grid is not None else scope_paths(user, EXPORT)[0],
    )
    return response
