"""Disinfection figures: the places to disinfect, those behind schedule at `at` (the compliance
view's first rows; compliance is (places − behind) / places), and the day's disinfection logs —
from wangge.supervision.services_disinfection (imported when counted)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .figures import Figure


def _svc():
    from wangge.supervision import services_disinfection

    return services_disinfection


def places(at: dt.datetime) -> QuerySet:
    return _svc().due_places(at)


def behind(at: dt.datetime) -> QuerySet:
    return _svc().behind(at)


def on_schedule(at: dt.datetime) -> QuerySet:
    """The places not behind: the compliance view's other rows."""
    return _svc().on_schedule(at)


def logs(at: dt.datetime) -> QuerySet:
    return _svc().logs_on(timezone.localdate(at)).filter(done_at__lte=at)


def _day(at: dt.datetime) -> str:
    return f"day={timezone.localdate(at).isoformat()}"


FIGURES = [
    Figure(
        "disinfection.places",
        "disinfection",
        _("消杀点位"),
        places,
        url="supervision:place_list",
    ),
    Figure(
        "disinfection.on_schedule",
        "disinfection",
        _("按时消杀点位"),
        on_schedule,
        url="supervision:compliance",
        query=_day,
    ),
    Figure(
        "disinfection.behind",
        "disinfection",
        _("消杀滞后点位"),
        behind,
        url="supervision:compliance",
        query=_day,
        left=True,
    ),
    Figure(
        "disinfection.logs",
        "disinfection",
        _("今日消杀次数"),
        logs,
        url="supervision:log_list",
        query=_day,
    ),
]
