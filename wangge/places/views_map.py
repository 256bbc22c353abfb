"""The building map (楼栋图): one column block per unit, floors top to bottom, a cell per room
with its people count, special-group marks and a status colour from a status provider."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.utils.translation import pgettext_lazy

from wangge.core.scope import VIEW
from wangge.people.models import Residence, SpecialGroup

from .crumbs import building_crumbs
from .mapstatus import get_provider, providers
from .models import Building, Household, Unit

K = SpecialGroup.Kind
# One character per special group, printed in the cell; the legend spells them out.
SPECIAL_MARKS = {
    K.ELDERLY_ALONE: pgettext_lazy("special group mark", "独"),
    K.IMMOBILE: pgettext_lazy("special group mark", "行"),
    K.PREGNANT: pgettext_lazy("special group mark", "孕"),
    K.DIALYSIS: pgettext_lazy("special group mark", "透"),
    K.CHRONIC: pgettext_lazy("special group mark", "慢"),
    K.DISABLED: pgettext_lazy("special group mark", "残"),
    K.ONLINE_SCHOOL: pgettext_lazy("special group mark", "课"),
    K.NO_SMARTPHONE: pgettext_lazy("special group mark", "机"),
    K.NO_ID: pgettext_lazy("special group mark", "证"),
    K.INFANT: pgettext_lazy("special group mark", "婴"),
}


@dataclass
class Cell:
    household: Household
    people: int
    marks: list[tuple[str, str]]
    status: str
    status_label: str
    colour: str


@dataclass
class FloorRow:
    floor: int
    cells: list[Cell] = field(default_factory=list)
    filler: int = 0  # empty grid columns after the cells


@dataclass
class UnitBlock:
    unit: Unit
    rows: list[FloorRow]
    columns: int
    households: int
    people: int


def _floors(unit: Unit, present: set[int]) -> list[int]:
    top = max([unit.floor_count or 1, *present])
    bottom = min([1, *present])
    return [f for f in range(top, bottom - 1, -1) if f != 0 or f in present]


def map_blocks(user, building: Building, provider) -> list[UnitBlock]:
    """The map's data in five queries, whatever the number of households."""
    statuses = provider.statuses(building)
    units = list(Unit.objects.for_user(user, VIEW).filter(building=building))
    for unit in units:
        unit.building = building  # floor_count falls back to the building's floors
    live = Q(residences__living=True, residences__until__isnull=True)
    households = (
        Household.objects.for_user(user, VIEW)
        .filter(building=building)
        .annotate(n_living=Count("residences", filter=live))
        .order_by("unit_id", "-floor", "room")
    )
    kinds: dict[int, set[str]] = defaultdict(set)
    rows = Residence.objects.filter(
        household__building=building, living=True, until__isnull=True
    ).values_list("household_id", "person__special_groups__kind")
    for hh_id, kind in rows:
        if kind:
            kinds[hh_id].add(kind)
    by_unit: dict[int, dict[int, list[Cell]]] = defaultdict(lambda: defaultdict(list))
    for hh in households:
        key, label = statuses.get(hh.pk, (provider.default_key, ""))
        marks = [(str(SPECIAL_MARKS[k]), str(k.label)) for k in K if k in kinds[hh.pk]]
        by_unit[hh.unit_id][hh.floor].append(
            Cell(
                household=hh,
                people=hh.people_count or hh.n_living,
                marks=marks,
                status=key,
                status_label=label,
                colour=provider.colour(key),
            )
        )
    blocks = []
    for unit in units:
        floors = by_unit.get(unit.pk, {})
        rows_ = [FloorRow(f, floors.get(f, [])) for f in _floors(unit, set(floors))]
        cells = [c for r in rows_ for c in r.cells]
        columns = max([len(r.cells) for r in rows_] + [unit.rooms_per_floor or 1])
        for r in rows_:
            r.filler = columns - len(r.cells)
        blocks.append(
            UnitBlock(
                unit=unit,
                rows=rows_,
                columns=columns,
                households=len(cells),
                people=sum(c.people for c in cells),
            )
        )
    return blocks


@login_required
def building_map(request, pk: int):
    user = request.user
    building = get_object_or_404(
        Building.objects.for_user(user, VIEW).select_related("estate", "area"), pk=pk
    )
    provider = get_provider(request.GET.get("status"))
    blocks = map_blocks(user, building, provider)
    return render(
        request,
        "places/building_map.html",
        {
            "building": building,
            "blocks": blocks,
            "provider": provider,
            "providers": providers(),
            "marks_legend": [(str(mark), str(kind.label)) for kind, mark in SPECIAL_MARKS.items()],
            "crumbs": building_crumbs(user, building, link_self=True),
            "total_households": sum(b.households for b in blocks),
            "total_people": sum(b.people for b in blocks),
        },
    )
