"""Risk designation badges on the registry's lists and pages (places.badges): each estate,
building, unit or household shows the strictest level in force over it — its own designation or
that of the unit, building or estate around it. One or two queries for any list. Registered from
ControlConfig.ready()."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.places.badges import Badge, register_badges
from wangge.places.models import Building, Estate, Household, Unit

from .services import current_designations
from .views_designations import COLOUR, DEFAULT_COLOUR


@register_badges
def designation_badges(places) -> dict:
    units = {p.pk for p in places if isinstance(p, Unit)}
    units |= {p.unit_id for p in places if isinstance(p, Household) and p.unit_id}
    building_ids = {p.pk for p in places if isinstance(p, Building)}
    building_ids |= {p.building_id for p in places if isinstance(p, Unit | Household)}
    # The estate of each building: from the rows when the list loaded their building already.
    estate_of = {p.pk: p.estate_id for p in places if isinstance(p, Building)}
    for p in places:
        if isinstance(p, Unit | Household) and type(p).building.is_cached(p):
            estate_of[p.building_id] = p.building.estate_id
    missing = building_ids - set(estate_of)
    if missing:
        estate_of.update(Building.objects.filter(pk__in=missing).values_list("pk", "estate_id"))
    estates = {p.pk for p in places if isinstance(p, Estate)} | {e for e in estate_of.values() if e}
    over = current_designations().filter(
        Q(unit_id__in=units) | Q(building_id__in=building_ids) | Q(estate_id__in=estates)
    )
    held: dict[tuple[str, int], object] = {}
    for d in over.select_related("level"):
        key = (
            ("u", d.unit_id)
            if d.unit_id
            else ("b", d.building_id)
            if d.building_id
            else (
                "e",
                d.estate_id,
            )
        )
        if key not in held or d.level.rank > held[key].level.rank:
            held[key] = d
    out = {}
    for place in places:
        if isinstance(place, Estate):
            keys = [("e", place.pk)]
        elif isinstance(place, Building):
            keys = [("b", place.pk), ("e", estate_of.get(place.pk))]
        else:
            unit_id = place.pk if isinstance(place, Unit) else place.unit_id
            keys = [
                ("u", unit_id),
                ("b", place.building_id),
                ("e", estate_of.get(place.building_id)),
            ]
        found = [held[k] for k in keys if k in held]
        if not found:
            continue
        d = max(found, key=lambda d: d.level.rank)
        since = timezone.localtime(d.starts_at).strftime("%Y-%m-%d %H:%M")
        colour = d.level.colour if COLOUR.match(d.level.colour) else DEFAULT_COLOUR
        title = _("%(place)s：%(reason)s（自 %(since)s）") % {
            "place": d.place,
            "reason": d.reason,
            "since": since,
        }
        out[place] = [Badge(d.level.name, colour, title)]
    return out
