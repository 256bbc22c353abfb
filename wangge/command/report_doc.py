"""One area's frozen report as the pages, the workbook, the PDF and the API show it: its figures
grouped by section, its summary, its children's rows for drill-down and the units not reported.
`user` None is the system (the command line): every row."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404
from django.utils import timezone

from wangge.core.scope import VIEW
from wangge.places.models import Area

from .missing import kind_label
from .models import DailyReport, ReportArea
from .summary import clock, grouped, summary


@dataclass
class AreaReport:
    report: DailyReport
    row: ReportArea
    children: list[ReportArea]
    sections: list = field(default_factory=list)  # grouped(row.figures)
    text: str = ""

    @property
    def area(self) -> Area:
        return self.row.area

    @property
    def missing(self) -> list[dict]:
        return [{**m, "kind_label": kind_label(m.get("kind", ""))} for m in self.row.missing]

    @property
    def as_of(self) -> str:
        return timezone.localtime(self.report.as_of).strftime("%Y-%m-%d %H:%M")

    @property
    def as_of_clock(self) -> str:
        return clock(timezone.localtime(self.report.as_of))

    def child_sections(self) -> list[tuple[str, str, list, list]]:
        """[(section, heading, [labels], [(child row, [n…])])] for the sections with figures."""
        out = []
        for section, heading, items in self.sections:
            keys = [(f.key if f else label) for f, label, _n in items]
            labels = [label for _f, label, _n in items]
            lines = [(c, [int(c.figures.get(k, 0) or 0) for k in keys]) for c in self.children]
            out.append((section, heading, labels, lines))
        return out


def rows_for(user, action: str = VIEW):
    qs = ReportArea.objects.select_related("area", "report")
    return qs if user is None else qs.for_user(user, action)


def area_report(report: DailyReport, area: Area | None, user, action: str = VIEW) -> AreaReport:
    """The report of `area` (by default the highest area the user sees in it); 404 when the
    user sees no such row."""
    rows = rows_for(user, action).filter(report=report)
    if area is not None:
        row = rows.filter(area=area).first()
    else:
        row = rows.order_by("level", "scope_path").first()
    if row is None:
        raise Http404
    children = list(rows.filter(area__parent_id=row.area_id).order_by("scope_path"))
    doc = AreaReport(report=report, row=row, children=children)
    doc.sections = grouped(row.figures)
    doc.text = summary(
        row.figures,
        area_name=row.area.name,
        day=report.day,
        at=report.as_of,
        missing=row.missing,
    )
    return doc
