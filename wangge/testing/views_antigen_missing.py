"""The antigen "who is left" lists: households without kits, people without a result on a day,
positives; per grid with the grid leader's contact; on screen, as .xlsx and printed."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.audit import record_access
from wangge.core.exports import XlsxColumn, xlsx_response
from wangge.core.mask import mask_id, mask_name, mask_phone
from wangge.core.models import AccessLog
from wangge.core.scope import EXPORT, scope_paths
from wangge.places.paging import paginate

from .forms_antigen import MissingForm
from .lists_antigen import (
    attach,
    grid_lines,
    home_of,
    households_without_kits,
    leader_text,
    persons_without_result,
    positives,
    with_living,
)

PRINT_MAX = 5000


@dataclass
class Listing:
    kind: str
    title: str
    base: QuerySet  # for the per-grid counts
    rows: QuerySet  # annotated for display
    prefix: str


def _listing(user, cd: dict) -> Listing:
    rnd, grid, kind = cd.get("round"), cd.get("grid"), cd["kind"]
    prefix = grid.path if grid else (rnd.area.path if rnd else "")
    today = timezone.localdate()
    place = grid.name if grid else (str(rnd) if rnd else _("全部"))
    if kind == "persons":
        day = cd.get("date") or today
        base = persons_without_result(user, prefix, day, rnd=rnd)
        title = _("%(place)s %(day)s 未报抗原结果人员") % {"place": place, "day": day}
        return Listing(kind, title, base, base.annotate(home_id=home_of()), prefix)
    if kind == "positives":
        start = cd.get("date_from") or cd.get("date") or today
        end = cd.get("date_to") or cd.get("date") or max(start, today)
        base = positives(user, prefix, start, end)
        title = _("%(place)s %(start)s至%(end)s 抗原阳性人员") % {
            "place": place,
            "start": start,
            "end": end,
        }
        return Listing(kind, title, base, base.annotate(home_id=home_of("person")), prefix)
    start, end = cd.get("date_from"), cd.get("date_to")
    base = households_without_kits(user, prefix, rnd=rnd, date_from=start, date_to=end)
    if rnd is None and (start or end):
        title = _("%(place)s %(start)s至%(end)s 未发放抗原试剂住户") % {
            "place": place,
            "start": start or "…",
            "end": end or "…",
        }
    else:
        title = _("%(place)s 未发放抗原试剂住户") % {"place": place}
    return Listing(kind, title, base, with_living(base), prefix)


def _address(home) -> str:
    return home.address if home else ""


def columns(kind: str) -> list[XlsxColumn]:
    grid, address = XlsxColumn(_("网格"), 12), XlsxColumn(_("住址"), 30)
    leader, phone = XlsxColumn(_("网格长"), 10), XlsxColumn(_("网格长电话"), 14, text=True)
    if kind == "households":
        return [
            grid,
            address,
            XlsxColumn(_("户主"), 10),
            XlsxColumn(_("现居人数"), 8),
            XlsxColumn(_("联系电话"), 14, text=True),
            leader,
            phone,
        ]
    person = [
        XlsxColumn(_("姓名"), 10),
        XlsxColumn(_("身份证号"), 21, text=True),
        XlsxColumn(_("联系电话"), 14, text=True),
    ]
    if kind == "persons":
        return [grid, address, *person, leader, phone]
    return [
        XlsxColumn(_("检测日期"), 11),
        grid,
        address,
        *person,
        XlsxColumn(_("来源"), 10),
        leader,
        phone,
    ]


def values(kind: str, row) -> list:
    """One row of the list as the cells of the export (personal data masked)."""
    names, phones = leader_text(row.leaders)
    grid = row.grid.name if row.grid else ""
    if kind == "households":
        return [
            grid,
            row.address,
            mask_name(row.householder_name),
            row.living,
            mask_phone(row.phone),
            names,
            phones,
        ]
    person = row.person if kind == "positives" else row
    cells = [
        grid,
        _address(row.home),
        person.name,
        mask_id(person.id_number),
        mask_phone(person.phone),
    ]
    if kind == "persons":
        return [*cells, names, phones]
    return [row.date.isoformat(), *cells, row.get_source_display(), names, phones]


@login_required
def antigen_missing(request):
    form = MissingForm(request.GET or None, user=request.user)
    fmt = request.GET.get("format", "")
    valid = form.is_valid() if form.is_bound else False
    cd = form.cleaned_data if valid else {"kind": "households"}
    if form.is_bound and not valid:
        if fmt:
            raise Http404
        return render(request, "testing/antigen/missing.html", {"form": form, "listing": None})
    listing = _listing(request.user, cd)
    households = listing.kind == "households"
    if fmt == "xlsx":
        if not scope_paths(request.user, EXPORT):
            raise PermissionDenied
        rows = attach(
            listing.rows.for_user(request.user, EXPORT).iterator(2000), households=households
        )
        response, count = xlsx_response(
            listing.title + ".xlsx",
            columns=columns(listing.kind),
            rows=(values(listing.kind, r) for r in rows),
            title=listing.title,
        )
        record_access(
            request.user,
            AccessLog.Kind.EXPORT,
            listing.title,
            rows=count,
            scope_path=listing.prefix,
        )
        return response
    if fmt == "print":
        rows = list(attach(listing.rows[:PRINT_MAX], households=households))
        record_access(
            request.user,
            AccessLog.Kind.PRINT,
            listing.title,
            rows=len(rows),
            scope_path=listing.prefix,
        )
        return render(
            request,
            "testing/antigen/missing_print.html",
            {
                "listing": listing,
                "head": columns(listing.kind),
                "cells": [values(listing.kind, r) for r in rows],
                "truncated": len(rows) >= PRINT_MAX,
                "now": timezone.localtime(),
            },
        )
    page = paginate(request, listing.rows)
    return render(
        request,
        "testing/antigen/missing.html",
        {
            "form": form,
            "listing": listing,
            "page": page,
            "rows": list(attach(page.object_list, households=households)),
            "grids": grid_lines(listing.base),
            "can_export": bool(scope_paths(request.user, EXPORT)),
        },
    )
