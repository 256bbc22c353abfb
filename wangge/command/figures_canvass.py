"""Canvass figures: the coverage of the open campaigns — the households of each campaign's
coverage ledger and of its lists (canvass.coverage.household_values: ?state=…).

Which campaigns a day's report covers (`campaigns_of(at)`): the campaigns open on the day of
`at` (starts_on ≤ day ≤ ends_on). Campaigns cover disjoint areas as a rule; where two open
campaigns share a household, it counts once in each figure (in "not reached": not reached in
at least one of them).

Figures count households: targeted, done (reached, vacant or moved: the ledger's "done";
coverage is done / targeted) and not reached (to revisit, refused, not yet attempted).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.canvass.coverage import NOT_REACHED, STATES, campaign_households, states_q
from wangge.canvass.models import Campaign
from wangge.places.models import Area, Household

from .figures import Figure

DONE = tuple(s for s in STATES if s not in NOT_REACHED)


def campaigns_of(at: dt.datetime) -> QuerySet[Campaign]:
    today = timezone.localdate(at)
    return Campaign.objects.filter(starts_on__lte=today, ends_on__gte=today).select_related("area")


def in_states(states: tuple[str, ...]) -> Callable[[Campaign], QuerySet[Household]]:
    """The campaign's households in `states`: the rows of its coverage list."""
    return lambda c: campaign_households(c, None).filter(states_q(states))


def households(at: dt.datetime, rows: Callable[[Campaign], QuerySet[Household]]) -> QuerySet:
    campaigns = list(campaigns_of(at))
    if not campaigns:
        return Household.objects.none()
    if len(campaigns) == 1:
        return rows(campaigns[0])
    q = Q()
    for c in campaigns:
        q |= Q(pk__in=rows(c).order_by().values("pk"))
    return Household.objects.filter(q)


def covering(at: dt.datetime, area: Area | None) -> list[Campaign]:
    campaigns = list(campaigns_of(at))
    if area is None:
        return campaigns
    return [
        c
        for c in campaigns
        if area.path.startswith(c.area.path) or c.area.path.startswith(area.path)
    ]


def _href(state: str):
    def href(at: dt.datetime, area) -> str:
        campaigns = covering(at, area)
        if len(campaigns) != 1:
            return reverse("canvass:campaign_list")
        area_q = f"area={area.pk}" if area is not None else ""
        if not state:  # the ledger itself
            url = reverse("canvass:coverage", args=[campaigns[0].pk])
            return url + (f"?{area_q}" if area_q else "")
        url = reverse("canvass:coverage_list", args=[campaigns[0].pk]) + f"?state={state}"
        return url + (f"&{area_q}" if area_q else "")

    return href


def _figure(name, label, states, state, **kwargs) -> Figure:
    return Figure(
        f"canvass.{name}",
        "canvass",
        label,
        lambda at: households(at, in_states(states)),
        url="canvass:campaign_list",
        href=_href(state),
        **kwargs,
    )


FIGURES = [
    _figure("targeted", _("应排查户数"), tuple(STATES), "targeted"),
    _figure("done", _("已排查户数"), DONE, ""),
    _figure("not_reached", _("未排查到户数"), NOT_REACHED, "not_reached", left=True),
]
