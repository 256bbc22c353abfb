"""Support figures: requests new, overdue, in progress and done today — the dispatch board's
columns (support.services_board.column_querysets). The board narrows to an area with ?grid=,
the overdue list (support:left) with ?area=."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wangge.support.services_board import column_querysets

from .figures import Figure


def _column(key: str):
    return lambda at: column_querysets(at)[key]


FIGURES = [
    Figure(
        "support.new",
        "support",
        _("诉求待分派"),
        _column("new"),
        url="support:board",
        area_param="grid",
        left=True,
    ),
    Figure(
        "support.overdue",
        "support",
        _("诉求超时未办"),
        _column("overdue"),
        url="support:left",
        left=True,
        alert=True,
    ),
    Figure(
        "support.in_progress",
        "support",
        _("诉求办理中"),
        _column("in_progress"),
        url="support:board",
        area_param="grid",
    ),
    Figure(
        "support.done",
        "support",
        _("今日诉求已办结"),
        _column("done"),
        url="support:board",
        area_param="grid",
    ),
]
