"""The building map's "canvass" status (楼栋图 ?status=canvass): each household coloured by its
standing in the latest campaign over the building. Two queries for the whole building.
Registered from CanvassConfig.ready()."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.places.mapstatus import StatusMap, register_status
from wangge.places.models import Building, Household

from .coverage import OUTCOME_STATE, STATES
from .models import Campaign, HouseholdStatus

LEGEND = {
    "reached": (STATES["reached"], "#d1e7dd"),
    "revisit": (STATES["revisit"], "#ffe69c"),
    "refused": (STATES["refused"], "#f1aeb5"),
    "vacant": (STATES["vacant"], "#dee2e6"),
    "moved": (STATES["moved"], "#cfe2ff"),
    "not_attempted": (STATES["not_attempted"], "#ffffff"),
}


def latest_campaign(building: Building) -> Campaign | None:
    """The latest campaign (open ones first) whose area and target hold the building."""
    area_ids = [int(p) for p in building.scope_path.strip("/").split("/") if p.isdigit()]
    today = timezone.localdate()
    campaigns = (
        Campaign.objects.filter(area_id__in=area_ids, starts_on__lte=today)
        .exclude(Q(target=Campaign.Target.BUILDINGS) & ~Q(target_buildings=building))
        .exclude(Q(target=Campaign.Target.ESTATES) & ~Q(target_estates=building.estate_id))
    )
    return campaigns.order_by("-ends_on", "-starts_on", "-pk").first()


def household_states(campaign: Campaign | None, building: Building) -> StatusMap:
    statuses = {}
    if campaign is not None:
        statuses = dict(
            HouseholdStatus.objects.filter(
                campaign=campaign, household__building=building
            ).values_list("household_id", "outcome")
        )
    out: StatusMap = {}
    for hh_id, vacant in Household.objects.filter(building=building).values_list("pk", "vacant"):
        outcome = statuses.get(hh_id)
        key = OUTCOME_STATE[outcome] if outcome else ("vacant" if vacant else "not_attempted")
        out[hh_id] = (key, str(LEGEND[key][0]))
    return out


@register_status("canvass", _("入户排查"), legend=LEGEND, default_key="not_attempted")
def canvass_status(building: Building) -> StatusMap:
    return household_states(latest_campaign(building), building)
