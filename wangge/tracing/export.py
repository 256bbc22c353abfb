"""The merged list in the layout the CDC asks for (疾控要求的汇总表):

序号, 姓名, 性别, 身份证号, 联系电话, 现住址, 所属网格, 名单类型, 来源, 首次出现日期,
是否已管控, 备注

Used by the page (`merged_export`, .xlsx) and the command line (`wangge tracing merged`, .csv or
.xlsx). ID numbers and phones are written unmasked and as text; callers log the export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.utils.translation import gettext as _

from wangge.core.exports import XlsxColumn

from .services_merged import describe, merged_rows

CHUNK = 500


def export_columns() -> list[XlsxColumn]:
    return [
        XlsxColumn(_("序号"), 6),
        XlsxColumn(_("姓名"), 10),
        XlsxColumn(_("性别"), 6),
        XlsxColumn(_("身份证号"), 20, text=True),
        XlsxColumn(_("联系电话"), 14, text=True),
        XlsxColumn(_("现住址"), 32),
        XlsxColumn(_("所属网格"), 12),
        XlsxColumn(_("名单类型"), 10),
        XlsxColumn(_("来源"), 30),
        XlsxColumn(_("首次出现日期"), 12),
        XlsxColumn(_("是否已管控"), 10),
        XlsxColumn(_("备注"), 24),
    ]


def export_title(day: dt.date | None) -> str:
    if day is None:
        return _("密接合并名单")
    return _("密接合并名单（%(day)s）") % {"day": day.isoformat()}


def line(n: int, p) -> list:
    """One person (described by services_merged.describe) as a row of the CDC's sheet."""
    address = p.household.address if p.household_id else p.address
    return [
        n,
        p.name,
        p.sex_label,
        p.id_number,
        p.phone,
        address,
        p.grid_name,
        p.get_kind_display(),
        p.sources_text,
        p.first_day.isoformat(),
        _("是") if p.under_measure else _("否"),
        p.notes_text,
    ]


def export_rows(qs) -> Iterator[list]:
    """The rows of `qs` (a merged_rows queryset), described a chunk at a time."""
    n = 0
    chunk: list = []
    for person in qs.iterator(chunk_size=CHUNK):
        chunk.append(person)
        if len(chunk) == CHUNK:
            for p in describe(chunk):
                n += 1
                yield line(n, p)
            chunk = []
    for p in describe(chunk):
        n += 1
        yield line(n, p)


def export_queryset(user, *, day: dt.date | None, area: str = "", **filters):
    """What an export of `day` lists: the merged people named that day (every day for None),
    in the order of the sheet: grid, then name."""
    from wangge.core.scope import EXPORT

    qs = merged_rows(user, day=day, area=area, action=EXPORT, **filters)
    return qs.order_by("scope_path", "name", "pk")
