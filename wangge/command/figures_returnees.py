"""Returnee figures: the arrivals registered as arriving on the day of `at` — the rows of the
arrival list (canvass.views_arrivals.arrival_list, ?date_from=day&date_to=day) — in all and by
origin risk level (?level=high / medium), and the arrivals of the last 14 days (the usual
lookback of the screening). Each arrival is one row of the list, as there."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.canvass.models import Arrival, RiskLevel
from wangge.places.models import Area

from .figures import Figure

LOOKBACK_DAYS = 14


def arrivals(since: dt.date, until: dt.date, level: str = "") -> QuerySet[Arrival]:
    """The arrival list's rows for a period (its date and level filters), before scope."""
    qs = Arrival.objects.filter(arrived_on__gte=since, arrived_on__lte=until)
    return qs.filter(origin_level=level) if level else qs


def _since(at: dt.datetime, days: int) -> dt.date:
    return timezone.localdate(at) - dt.timedelta(days=days - 1)


def _href(days: int, level: str = ""):
    def href(at: dt.datetime, area) -> str:
        today = timezone.localdate(at)
        params = [f"date_from={_since(at, days).isoformat()}", f"date_to={today.isoformat()}"]
        if level:
            params.append(f"level={level}")
        if area is not None and area.level == Area.Level.GRID:
            params.append(f"grid={area.pk}")
        return reverse("canvass:arrival_list") + "?" + "&".join(params)

    return href


def _figure(name, label, days=1, level="", **kwargs) -> Figure:
    return Figure(
        f"returnees.{name}",
        "returnees",
        label,
        lambda at: arrivals(_since(at, days), timezone.localdate(at), level),
        url="canvass:arrival_list",
        href=_href(days, level),
        **kwargs,
    )


FIGURES = [
    _figure("today", _("今日返来人员")),
    _figure("today_high", _("今日来自高风险地区"), level=RiskLevel.HIGH),
    _figure("today_medium", _("今日来自中风险地区"), level=RiskLevel.MEDIUM),
    _figure("recent", _("近14天返来人员"), days=LOOKBACK_DAYS),
]
