"""Checkpoint figures: the day's traffic up to `at` — the passages of the commander's board
(checkpoints.services_board.passages_of_day at the active checkpoints, counted as its
totals_by_checkpoint counts them: a passage with a plate is a vehicle, one without a person; in
and out are those let through, allowed or by the green channel) — turn-backs, refusals, and the
green-channel passages of the day (the board's green list, every checkpoint). A report frozen
after its cut-off still counts only the passages up to the cut-off."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.checkpoints.models import Passage
from wangge.checkpoints.services_board import THROUGH, passages_of_day

from .figures import Figure

OUTCOME = Passage.Outcome
PERSON, VEHICLE = Q(plate=""), ~Q(plate="")

# name → (label, filter on the day's passages); as services_board.AGGREGATES counts them.
KINDS = {
    "people_in": (_("人员进"), Q(outcome__in=THROUGH) & PERSON & Q(direction="in")),
    "people_out": (_("人员出"), Q(outcome__in=THROUGH) & PERSON & Q(direction="out")),
    "vehicles_in": (_("车辆进"), Q(outcome__in=THROUGH) & VEHICLE & Q(direction="in")),
    "vehicles_out": (_("车辆出"), Q(outcome__in=THROUGH) & VEHICLE & Q(direction="out")),
    "turned_back": (_("劝返"), Q(outcome=OUTCOME.TURNED_BACK)),
    "refused": (_("拒绝通行"), Q(outcome=OUTCOME.REFUSED)),
}


def passages(at: dt.datetime) -> QuerySet[Passage]:
    """The day's passages up to `at`, at any checkpoint."""
    return passages_of_day(timezone.localdate(at)).filter(at__lte=at)


def board_passages(at: dt.datetime) -> QuerySet[Passage]:
    """Those the board's totals count: at active checkpoints."""
    return passages(at).filter(checkpoint__active=True)


def _rows(q: Q):
    return lambda at: board_passages(at).filter(q)


def green(at: dt.datetime) -> QuerySet[Passage]:
    return passages(at).filter(outcome=OUTCOME.GREEN)


FIGURES = [
    *(
        Figure(
            f"checkpoints.{name}",
            "checkpoints",
            label,
            _rows(q),
            url="checkpoints:board",
            area_param="",
        )
        for name, (label, q) in KINDS.items()
    ),
    Figure(
        "checkpoints.green",
        "checkpoints",
        _("绿色通道通行"),
        green,
        url="checkpoints:board",
        area_param="",
        alert=True,
    ),
]
