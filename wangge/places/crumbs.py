"""Breadcrumbs along the chain: every ancestor is shown, only those in the user's scope link."""

from __future__ import annotations

from typing import NamedTuple

from django.urls import reverse
from django.utils.translation import gettext as _

from wangge.core.scope import VIEW, covers

from .models import Area, Building, Estate, Household


class Crumb(NamedTuple):
    label: str
    url: str | None


def _area_crumb(user, area: Area) -> Crumb:
    url = reverse("places:area_detail", args=[area.pk]) if covers(user, area.path, VIEW) else None
    return Crumb(area.name, url)


def area_crumbs(user, area: Area, *, include_self: bool = True) -> list[Crumb]:
    """The area's ancestors (one query) and, with `include_self`, the area (not linked)."""
    crumbs = [_area_crumb(user, a) for a in area.ancestors()]
    if include_self:
        crumbs.append(Crumb(area.name, None))
    return crumbs


def estate_crumbs(user, estate: Estate) -> list[Crumb]:
    return [
        *area_crumbs(user, estate.area, include_self=False),
        _area_crumb(user, estate.area),
        Crumb(estate.name, None),
    ]


def building_crumbs(user, building: Building, *, link_self: bool = False) -> list[Crumb]:
    grid = building.area
    crumbs = [*area_crumbs(user, grid, include_self=False), _area_crumb(user, grid)]
    if building.estate_id and covers(user, building.estate.scope_path, VIEW):
        crumbs.append(
            Crumb(building.estate.name, reverse("places:estate_detail", args=[building.estate_id]))
        )
    url = reverse("places:building_detail", args=[building.pk]) if link_self else None
    crumbs.append(Crumb(building.label, url))
    return crumbs


def household_crumbs(user, household: Household) -> list[Crumb]:
    building = household.building
    url = (
        reverse("places:building_detail", args=[building.pk])
        if covers(user, building.scope_path, VIEW)
        else None
    )
    crumbs = building_crumbs(user, building)
    crumbs[-1] = Crumb(building.label, url)
    crumbs.append(
        Crumb(
            _("%(unit)s单元%(room)s室") % {"unit": household.unit.number, "room": household.room},
            None,
        )
    )
    return crumbs
