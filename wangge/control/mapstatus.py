"""The building map's "control" status (楼栋图 ?status=control): each household coloured by the
strictest risk designation in force over it, and marked when someone living there is under an
active order. Four queries for the whole building. Registered from ControlConfig.ready()."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from wangge.places.mapstatus import StatusMap, register_status
from wangge.places.models import Building, Household

from .models import ControlOrder, DesignationLevel
from .services import current_designations

LEGEND = {
    "order": (gettext_lazy("有人在管控中"), "#f1aeb5"),
    "sealed": (gettext_lazy("封控（足不出户）"), "#f8c291"),
    "designated": (gettext_lazy("管控区域内"), "#ffe69c"),
    "none": (gettext_lazy("无管控"), "#ffffff"),
}


def household_states(building: Building) -> StatusMap:
    over = current_designations().filter(
        Q(building=building) | Q(unit__building=building) | Q(estate_id=building.estate_id)
    )
    levels = {lv.pk: lv for lv in DesignationLevel.objects.all()}
    whole, per_unit = None, {}
    for unit_id, level_id in over.values_list("unit_id", "level_id"):
        level = levels[level_id]
        if unit_id is None:
            whole = level if whole is None or level.rank > whole.rank else whole
        elif unit_id not in per_unit or level.rank > per_unit[unit_id].rank:
            per_unit[unit_id] = level
    under_order = set(
        ControlOrder.objects.filter(
            status=ControlOrder.Status.ACTIVE,
            starts_on__lte=timezone.localdate(),
            household__building=building,
        ).values_list("household_id", flat=True)
    )
    out: StatusMap = {}
    for hh_id, unit_id in Household.objects.filter(building=building).values_list("pk", "unit_id"):
        candidates = [lv for lv in (whole, per_unit.get(unit_id)) if lv is not None]
        level = max(candidates, key=lambda lv: lv.rank) if candidates else None
        if hh_id in under_order:
            key, label = "order", str(LEGEND["order"][0])
        elif level is not None:
            key = "sealed" if level.seals else "designated"
            label = level.name
        else:
            key, label = "none", str(LEGEND["none"][0])
        out[hh_id] = (key, label)
    return out


@register_status("control", gettext_lazy("管控"), legend=LEGEND, default_key="none")
def control_status(building: Building) -> StatusMap:
    return household_states(building)
