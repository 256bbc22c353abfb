"""Which households a campaign covers."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from wangge.people.models import Residence, SpecialGroup
from wangge.places.models import Household

from .models import Campaign


def target_households(campaign: Campaign) -> QuerySet[Household]:
    """The campaign's households (vacant ones included: a worker confirms them), all users."""
    qs = Household.objects.within(campaign.area.path)
    target = campaign.target
    if target == Campaign.Target.ESTATES:
        qs = qs.filter(building__estate__in=campaign.target_estates.all())
    elif target == Campaign.Target.BUILDINGS:
        qs = qs.filter(building__in=campaign.target_buildings.all())
    elif target == Campaign.Target.SPECIAL_GROUP:
        members = Residence.objects.filter(
            household=OuterRef("pk"),
            living=True,
            until__isnull=True,
            person__in=SpecialGroup.objects.filter(kind=campaign.target_group).values("person"),
        )
        qs = qs.filter(Exists(members))
    return qs


def is_target(campaign: Campaign, household: Household) -> bool:
    return target_households(campaign).filter(pk=household.pk).exists()
