"""The figures of the daily report and the dashboard, one registry for every operation.

A `Figure` is a count of the rows of an operation's own list at a moment `at` (the cut-off, or
now): the rows come from the operation's own queryset function — the same one its list page
uses — so that every figure equals the count of its list. Counts are grouped by the rows'
scope paths once for the whole system and rolled up the chain, so a report for every level
costs one grouped query per figure.

Each operation's figures are declared in `figures_<section>.py` as `FIGURES: list[Figure]`;
`registry()` collects them in the order of SECTIONS.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from django.db.models import Count, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from wangge.core.scope import ancestor_paths, split_path

# Sections of the report, in its order: key → heading. A module figures_<key>.py each.
SECTIONS: dict[str, Promise] = {
    "testing": gettext_lazy("核酸检测"),
    "canvass": gettext_lazy("入户排查"),
    "returnees": gettext_lazy("返乡人员"),
    "control": gettext_lazy("管控措施"),
    "checkpoints": gettext_lazy("卡口通行"),
    "support": gettext_lazy("保供服务"),
    "workforce": gettext_lazy("工作力量"),
    "supervision": gettext_lazy("督查整改"),
    "disinfection": gettext_lazy("环境消杀"),
    "venues": gettext_lazy("场所管理"),
}


@dataclass(frozen=True)
class Figure:
    key: str  # "<section>.<name>", stable: frozen reports keep it
    section: str
    label: Promise
    # The rows counted at `at`, before scope: the operation's own list's queryset.
    rows: Callable[[dt.datetime], QuerySet]
    column: str = "pk"  # counted distinct (a person's id when rows are samples…)
    # The list page of these rows (a URL name without arguments) and its query string at `at`.
    url: str = ""
    query: Callable[[dt.datetime], str] | None = None
    left: bool = False  # a "who is left" count: what is still to be done
    alert: bool = False  # shown among the dashboard's alerts when not zero
    # The list's link for one area at `at` when it needs object arguments (a round's pk…):
    # href(at, area or None) -> URL ("" when there is no list to open).
    href: Callable[[dt.datetime, object], str] | None = None
    area_param: str = "area"  # the list's query parameter naming an area by pk ("" none)

    def link(self, at: dt.datetime, area=None) -> str:
        """The URL of this figure's list at `at`, narrowed to `area` (an Area) when given."""
        if self.href is not None:
            return self.href(at, area)
        if not self.url:
            return ""
        try:
            base = reverse(self.url)
        except NoReverseMatch:
            return ""
        params = [self.query(at)] if self.query else []
        if area is not None and self.area_param:
            params.append(f"{self.area_param}={area.pk}")
        params = [p for p in params if p]
        return base + ("?" + "&".join(params) if params else "")

    def count(self, at: dt.datetime, prefix: str = "") -> int:
        """The figure for the area with path `prefix` ("" everything), from its rows."""
        qs = self.rows(at)
        if prefix:
            qs = qs.within(prefix)
        return qs.aggregate(n=Count(self.column, distinct=True))["n"]

    def per_path(self, at: dt.datetime) -> dict[str, int]:
        """{area path: count} of the rows at `at`, rows below a grid (a building…) at their
        grid, one grouped query."""
        out: dict[str, int] = defaultdict(int)
        rows = self.rows(at).order_by().values("scope_path")
        for row in rows.annotate(n=Count(self.column, distinct=True)):
            out[split_path(row["scope_path"])[0]] += row["n"]
        return out


@cache
def registry() -> tuple[Figure, ...]:
    figures: list[Figure] = []
    for section in SECTIONS:
        try:
            module = importlib.import_module(f"wangge.command.figures_{section}")
        except ModuleNotFoundError:
            continue
        figures.extend(module.FIGURES)
    return tuple(figures)


def by_key() -> dict[str, Figure]:
    return {f.key: f for f in registry()}


def rollup(per_path: dict[str, int]) -> dict[str, int]:
    """{area path: count} with every count added to each area above it too."""
    out: dict[str, int] = defaultdict(int)
    for path, n in per_path.items():
        out[path] += n
        for above in ancestor_paths(path):
            out[above] += n
    return out


def compute(at: dt.datetime, figures: Iterable[Figure] | None = None) -> dict[str, dict[str, int]]:
    """{figure key: {area path: count}} for every area of the chain at `at`, rolled up."""
    return {f.key: rollup(f.per_path(at)) for f in (figures or registry())}


def for_area(at: dt.datetime, prefix: str, figures: Iterable[Figure] | None = None) -> dict:
    """{figure key: count} of one area now (the dashboard), one query per figure."""
    return {f.key: f.count(at, prefix) for f in (figures or registry())}
