"""Control figures: people under each measure and the who-is-left lists of control
(control.left.querysets: follow-ups overdue, paperwork not served, releases due, transfers
waiting, fever alerts not handled), the day's follow-ups due and done, and the transfers
handed over on the day (the transfer board's "done" column).

People under a measure are the persons of active orders started by the day of `at`
(control.left.active_orders, the left board's measure columns), by kind of order type; one
person counts once per figure. Follow-ups due today are those of the day of orders in force
(done today: of those, recorded); they have no list of their own, their link opens the left
board.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.control import left
from wangge.control.models import ControlOrder, OrderType
from wangge.control.models_followups import FollowUp
from wangge.control.models_transfers import Transfer
from wangge.control.services_transfers_access import DONE

from .figures import Figure


def under(kind: str = ""):
    """The active orders (of one kind of measure) at `at`: counted by person."""

    def rows(at: dt.datetime) -> QuerySet[ControlOrder]:
        qs = left.active_orders(timezone.localdate(at))
        return qs.filter(order_type__kind=kind) if kind else qs

    return rows


def followups_due(at: dt.datetime) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(
        day=timezone.localdate(at), order__status=ControlOrder.Status.ACTIVE
    )


def followups_done(at: dt.datetime) -> QuerySet[FollowUp]:
    return followups_due(at).filter(done_at__isnull=False, done_at__lte=at)


def transfers_done(at: dt.datetime) -> QuerySet[Transfer]:
    """The transfer board's "done" column for the day of `at`."""
    return Transfer.objects.filter(status__in=DONE, handed_over_at__date=timezone.localdate(at))


def _left(kind: str):
    return lambda at: left.querysets(at)[kind]


def _kind_query(kind: str):
    return lambda at: f"kind={kind}"


KIND_LABELS = {
    OrderType.Kind.HOME_QUARANTINE: _("居家隔离人数"),
    OrderType.Kind.HOME_MONITORING: _("居家健康监测人数"),
    OrderType.Kind.CENTRAL_QUARANTINE: _("集中隔离人数"),
}

FIGURES = [
    Figure("control.under", "control", _("管控人数"), under(), "person", url="control:left"),
    *(
        Figure(f"control.under_{k}", "control", label, under(k), "person", url="control:left")
        for k, label in KIND_LABELS.items()
    ),
    Figure("control.followups_due", "control", _("今日应随访"), followups_due, url="control:left"),
    Figure(
        "control.followups_done", "control", _("今日已随访"), followups_done, url="control:left"
    ),
    Figure(
        "control.followups_overdue",
        "control",
        _("随访逾期"),
        _left("overdue"),
        url="control:followups_overdue",
        area_param="",
        left=True,
    ),
    Figure(
        "control.unserved",
        "control",
        _("文书未送达"),
        _left("unserved"),
        url="control:left",
        query=_kind_query("unserved"),
        left=True,
    ),
    Figure(
        "control.release",
        "control",
        _("今日应解除"),
        _left("release"),
        url="control:left",
        query=_kind_query("release"),
        left=True,
    ),
    Figure(
        "control.transfer_waiting",
        "control",
        _("待转运"),
        _left("transfer"),
        url="control:left",
        query=_kind_query("transfer"),
        left=True,
    ),
    Figure(
        "control.transfers_done",
        "control",
        _("今日已转运"),
        transfers_done,
        url="control:transfer_board",
        area_param="",
    ),
    Figure(
        "control.alerts",
        "control",
        _("发热等预警未处置"),
        _left("alert"),
        url="control:left",
        query=_kind_query("alert"),
        left=True,
        alert=True,
    ),
]
