"""The day's figures of checkpoints as rows: for each checkpoint a line for the whole day, one
per roster shift (with its staff: checked in / assigned / needed) and one per hour with
passages — the .xlsx download and the command line's rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

from wangge.core.exports import XlsxColumn

from .models import Checkpoint
from .services_board import FIGURE_FIELDS, day_figures


def columns() -> list[XlsxColumn]:
    head = [
        XlsxColumn(_("日期"), 11),
        XlsxColumn(_("卡口"), 20),
        XlsxColumn(_("所属区域"), 16),
        XlsxColumn(_("统计范围"), 18),
        XlsxColumn(_("值守（到岗/安排/需要）"), 12),
    ]
    return head + [XlsxColumn(str(label), 9) for label in FIGURE_FIELDS.values()]


def rows(checkpoints: Iterable[Checkpoint], day: dt.date) -> Iterator[list]:
    """Per checkpoint: the day, then each shift, then each hour that saw a passage."""
    for cp in checkpoints:
        figures = day_figures(cp, day)
        head = [day.isoformat(), cp.name, cp.area.name]
        yield [*head, _("全天"), "", *figures.total.values()]
        for sf in figures.shifts:
            label = _("班次 %(t)s") % {"t": sf.label}
            yield [*head, label, sf.staff, *sf.figures.values()]
        for hour, f in enumerate(figures.hours):
            if f.total:
                label = f"{hour:02d}:00–{hour + 1:02d}:00"
                yield [*head, label, "", *f.values()]


def checkpoints_for(qs, prefix: str = ""):
    if prefix:
        qs = qs.filter(scope_path__startswith=prefix)
    return qs.select_related("area").order_by("area__path", "name", "pk")
