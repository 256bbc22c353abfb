"""Venue figures: supermarkets, markets and pharmacies kept open (supply venues), venues by
state (open under rules, closed, reopened) and the day's sweeps, day and night — from
wangge.supervision.services_venues (imported when counted)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.supervision.models_venues import Venue

from .figures import Figure


def _svc():
    from wangge.supervision import services_venues

    return services_venues


def supply(at: dt.datetime) -> QuerySet:
    return _svc().supply_venues()


def in_state(state: str):
    return lambda at: _svc().venues_in(state)


def sweeps(shift: str | None = None):
    return lambda at: _svc().sweeps_on(timezone.localdate(at), shift)


def _state(state: str):
    return lambda at: f"state={state}"


def _day(at: dt.datetime) -> str:
    day = timezone.localdate(at).isoformat()
    return f"since={day}&until={day}"


State = Venue.State
FIGURES = [
    Figure(
        "venues.supply", "venues", _("保供超市（市场、药店）"), supply, url="supervision:venue_list"
    ),
    Figure(
        "venues.open_rules",
        "venues",
        _("限流开放场所"),
        in_state(State.OPEN_UNDER_RULES),
        url="supervision:venue_list",
        query=_state(State.OPEN_UNDER_RULES),
    ),
    Figure(
        "venues.closed",
        "venues",
        _("关停场所"),
        in_state(State.CLOSED),
        url="supervision:venue_list",
        query=_state(State.CLOSED),
    ),
    Figure(
        "venues.reopened",
        "venues",
        _("恢复营业场所"),
        in_state(State.REOPENED),
        url="supervision:venue_list",
        query=_state(State.REOPENED),
    ),
    Figure(
        "venues.sweeps_day",
        "venues",
        _("今日日间巡查"),
        sweeps("day"),
        url="supervision:venue_summary",
        query=_day,
    ),
    Figure(
        "venues.sweeps_night",
        "venues",
        _("今日夜间巡查"),
        sweeps("night"),
        url="supervision:venue_summary",
        query=_day,
    ),
]
