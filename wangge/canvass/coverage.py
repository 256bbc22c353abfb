"""The "不漏一户" ledger of a campaign: per grid, building and unit, households targeted,
reached, to revisit, refused, vacant, moved and not yet attempted, with the grid and building
leaders; and the households not reached, one row each.

One grouped query over the campaign's households (GROUP BY the household's unit path, joined
to its status row) gives every count; grids and buildings are rolled up in Python, plus one
query each for grids, buildings, units and leaders, whatever the size of the area. A household
never attempted that the registry marks vacant counts as vacant.

The households behind a count come as ROW_FIELDS tuples (`household_values`, a queryset a page
can slice) turned into HouseholdRows with their grid leader (`make_rows`); `household_rows`
streams a whole list for exports. `action=EXPORT` scopes an export by the right to export.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Count, FilteredRelation, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.exports import XlsxColumn
from wangge.core.mask import mask_name, mask_phone
from wangge.core.scope import VIEW, split_path
from wangge.people.leaders import leaders
from wangge.people.models import LeaderAssignment
from wangge.places.models import Area, Building, Household, Unit

from .models import Campaign, Outcome
from .targets import target_households

# Ledger columns, in the order the table shows them (also the ?list= keys of the lists).
STATES = {
    "reached": gettext_lazy("已排查"),
    "revisit": gettext_lazy("需再访"),
    "refused": gettext_lazy("拒绝配合"),
    "vacant": gettext_lazy("空置"),
    "moved": gettext_lazy("已搬离"),
    "not_attempted": gettext_lazy("未走访"),
}
OUTCOME_STATE = {
    Outcome.ANSWERED: "reached",
    Outcome.ABSENT: "revisit",
    Outcome.REFUSED: "refused",
    Outcome.VACANT: "vacant",
    Outcome.MOVED: "moved",
}
# Not reached: still to be done by someone (the daily close and the command line list these).
NOT_REACHED = ("revisit", "refused", "not_attempted")


@dataclass
class Counts:
    targeted: int = 0
    reached: int = 0
    revisit: int = 0
    refused: int = 0
    vacant: int = 0
    moved: int = 0
    not_attempted: int = 0

    @property
    def not_reached(self) -> int:
        return self.revisit + self.refused + self.not_attempted

    @property
    def done(self) -> int:
        return self.targeted - self.not_reached

    @property
    def percent(self) -> float:
        return round(100 * self.done / self.targeted, 1) if self.targeted else 0.0

    def add(self, other: Counts) -> None:
        # Spelled out: a district's ledger adds up tens of thousands of these.
        self.targeted += other.targeted
        self.reached += other.reached
        self.revisit += other.revisit
        self.refused += other.refused
        self.vacant += other.vacant
        self.moved += other.moved
        self.not_attempted += other.not_attempted

    def as_dict(self) -> dict[str, int | float]:
        out: dict[str, int | float] = {"targeted": self.targeted}
        out.update({name: getattr(self, name) for name in STATES})
        out.update(not_reached=self.not_reached, percent=self.percent)
        return out


@dataclass
class Line:
    """One grid (children: its buildings, theirs: units) of the ledger."""

    label: str
    obj: Area | Building | Unit | None
    counts: Counts = field(default_factory=Counts)
    leader_name: str = ""
    leader_phone: str = ""
    parent: str = ""  # a grid's community
    path: str = ""
    children: list[Line] = field(default_factory=list)


@dataclass
class Ledger:
    campaign: Campaign
    grids: list[Line]
    total: Counts


def campaign_households(
    campaign: Campaign, user, prefix: str = "", *, action: str = VIEW
) -> QuerySet[Household]:
    """The campaign's households `user` may see (None: the system), below `prefix`, annotated
    with `st` (their status row in the campaign, if any). `action` EXPORT for an export."""
    qs = target_households(campaign)
    if user is not None:
        qs = qs.for_user(user, action)
    if prefix:
        qs = qs.within(prefix)
    return qs.annotate(
        st=FilteredRelation("canvass_statuses", condition=Q(canvass_statuses__campaign=campaign))
    )


def state_q(state: str) -> Q:
    """Households (annotated by campaign_households) in one ledger state."""
    if state == "not_attempted":
        return Q(st__outcome__isnull=True, vacant=False)
    if state == "vacant":
        return Q(st__outcome=Outcome.VACANT) | Q(st__outcome__isnull=True, vacant=True)
    outcome = next(o for o, s in OUTCOME_STATE.items() if s == state)
    return Q(st__outcome=outcome)


def unit_counts(campaign: Campaign, user, prefix: str = "") -> dict[str, Counts]:
    """Counts per household scope_path (a unit): one grouped query."""
    rows = (
        campaign_households(campaign, user, prefix)
        .values("scope_path")
        .annotate(
            n_targeted=Count("pk"),
            **{f"n_{state}": Count("pk", filter=state_q(state)) for state in STATES},
        )
        .values_list("scope_path", "n_targeted", *(f"n_{state}" for state in STATES))
    )
    return {path: Counts(*counts) for path, *counts in rows}


def _unit_id(path: str) -> int | None:
    i = path.find("u")
    return int(path[i + 1 : path.index("/", i)]) if i >= 0 else None


def _counted_buildings(building_counts: dict[int, Counts], grid_ids: list[int]) -> list[Building]:
    """The buildings counted, read by their grids (a district's 14,000 ids in an IN list cost
    more than the rows), and by id those whose path names a grid they are not in."""
    qs = Building.objects.select_related("estate")
    found = [b for b in qs.filter(area_id__in=grid_ids) if b.pk in building_counts]
    missing = set(building_counts) - {b.pk for b in found}
    return found + list(qs.filter(pk__in=missing)) if missing else found


def ledger(campaign: Campaign, user, prefix: str = "", *, units: bool = False) -> Ledger:
    """The campaign's ledger for `user`: grids with their buildings (and units when asked)."""
    per_unit = unit_counts(campaign, user, prefix)
    grid_counts: dict[str, Counts] = defaultdict(Counts)
    building_counts: dict[int, Counts] = defaultdict(Counts)
    building_grid: dict[int, str] = {}
    unit_lines: dict[int, list[tuple[int, Counts]]] = defaultdict(list)
    for path, counts in per_unit.items():
        grid_path, building_id = split_path(path)
        if building_id is None:
            grid_counts[grid_path].add(counts)
            continue
        building_counts[building_id].add(counts)
        building_grid[building_id] = grid_path
        unit_id = _unit_id(path)
        if units and unit_id is not None:
            unit_lines[building_id].append((unit_id, counts))
    for building_id, counts in building_counts.items():
        grid_counts[building_grid[building_id]].add(counts)
    areas = {
        a.path: a for a in Area.objects.filter(path__in=list(grid_counts)).select_related("parent")
    }
    areas_by_id = {a.pk: a for a in areas.values()}
    grid_ids = list(areas_by_id)
    buildings = _counted_buildings(building_counts, grid_ids)
    grid_leaders = leaders(LeaderAssignment.Role.GRID, area_id__in=grid_ids)
    b_leaders = leaders(
        LeaderAssignment.Role.BUILDING,
        building_id__in=Building.objects.filter(area_id__in=grid_ids).values("pk"),
    )
    strays = [b.pk for b in buildings if b.area_id not in areas_by_id]
    if strays:
        b_leaders.update(leaders(LeaderAssignment.Role.BUILDING, building_id__in=strays))
    unit_objs = {}
    if units:
        ids = [u for lines in unit_lines.values() for u, _c in lines]
        unit_objs = {u.pk: u for u in Unit.objects.filter(pk__in=ids)}
    lines: dict[str, Line] = {}
    for path in sorted(grid_counts, key=lambda p: (areas[p].code, p) if p in areas else ("", p)):
        area = areas.get(path)
        name, phone = grid_leaders.get(area.pk, ("", "")) if area else ("", "")
        label = area.name if area else str(_("未分配网格"))
        parent = area.parent.name if area and area.parent_id else ""
        lines[path] = Line(label, area, grid_counts[path], name, phone, parent, path)
    for b in sorted(buildings, key=lambda b: (b.estate.name if b.estate_id else "", b.sort_key)):
        name, phone = b_leaders.get(b.pk, ("", ""))
        line = Line(str(b), b, building_counts[b.pk], name, phone, path=b.scope_path)
        for unit_id, counts in sorted(
            unit_lines.get(b.pk, []), key=lambda uc: unit_objs[uc[0]].sort_key
        ):
            unit = unit_objs[unit_id]
            label = _("%(unit)s单元") % {"unit": unit.number}
            line.children.append(Line(label, unit, counts, path=unit.scope_path))
        lines[building_grid[b.pk]].children.append(line)
    total = Counts()
    for line in lines.values():
        total.add(line.counts)
    return Ledger(campaign, list(lines.values()), total)


# --- the households behind a count ------------------------------------------------------------


@dataclass(slots=True)
class HouseholdRow:
    household_id: int
    grid: str
    building: str
    unit: str
    floor: int
    room: str
    householder: str
    phone: str
    state: str
    visits: int
    last_at: object
    leader_name: str = ""
    leader_phone: str = ""
    label: str = ""  # the state's label, translated once per list by make_rows

    @property
    def state_label(self) -> str:
        return self.label or str(STATES[self.state])

    @property
    def masked_householder(self) -> str:
        return mask_name(self.householder)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


ROW_FIELDS = (
    "pk",
    "vacant",
    "building__area_id",
    "building__area__name",
    "building__number",
    "building__name",
    "building__estate__name",
    "unit__number",
    "floor",
    "room",
    "householder_name",
    "phone",
    "st__outcome",
    "st__visits",
    "st__last_at",
)


def states_q(states) -> Q:
    """Households (annotated by campaign_households) in any of `states`."""
    q = Q()
    for state in states:
        q |= state_q(state)
    return q if states else Q(pk__in=[])


def household_values(
    campaign: Campaign, user, states=NOT_REACHED, prefix: str = "", *, action: str = VIEW
) -> QuerySet:
    """The households of `user`'s part of the campaign in `states` as ROW_FIELDS tuples, by
    grid, building, unit, floor and room (a page of it goes to `make_rows`)."""
    return (
        campaign_households(campaign, user, prefix, action=action)
        .filter(states_q(states))
        .order_by(
            "building__area__code",
            "building__estate__name",
            "building__sort_key",
            "unit__sort_key",
            "floor",
            "room",
            "pk",
        )
        .values_list(*ROW_FIELDS)
    )


def make_rows(values, grid_leaders: dict[int, tuple[str, str]]) -> Iterator[HouseholdRow]:
    """HouseholdRows from ROW_FIELDS tuples, each with its grid leader from `grid_leaders`.
    Labels (states, buildings) are translated once per list, not once per row: gettext cost
    as much as the query on a district's 300,000 rows."""
    labels = {state: str(label) for state, label in STATES.items()}
    building_texts: dict[tuple, str] = {}
    for (
        pk,
        vacant,
        grid_id,
        grid,
        b_number,
        b_name,
        estate,
        unit,
        floor,
        room,
        householder,
        phone,
        outcome,
        visits,
        last_at,
    ) in values:
        if outcome:
            state = OUTCOME_STATE[outcome]
        else:
            state = "vacant" if vacant else "not_attempted"
        building = building_texts.get((b_number, b_name, estate))
        if building is None:
            building = Building.text_of(b_number, b_name, estate)
            building_texts[(b_number, b_name, estate)] = building
        name, phone_l = grid_leaders.get(grid_id, ("", ""))
        yield HouseholdRow(
            pk,
            grid,
            building,
            unit,
            floor,
            room,
            householder,
            phone,
            state,
            visits or 0,
            last_at,
            name,
            phone_l,
            labels[state],
        )


def grid_leaders_of(grid_ids) -> dict[int, tuple[str, str]]:
    """{grid id: (leader name, phone)}; one query."""
    return leaders(LeaderAssignment.Role.GRID, area_id__in=[g for g in set(grid_ids) if g])


def household_rows(
    campaign: Campaign, user, states=NOT_REACHED, prefix: str = "", *, action: str = VIEW
) -> Iterator[HouseholdRow]:
    """The households of `user`'s part of the campaign in `states`, by grid, building, unit,
    floor and room, each with its grid leader. Three queries, streamed."""
    grid_ids = (
        campaign_households(campaign, user, prefix, action=action)
        .filter(states_q(states))
        .values_list("building__area_id", flat=True)
        .distinct()
    )
    grid_leaders = grid_leaders_of(grid_ids)
    values = household_values(campaign, user, states, prefix, action=action)
    yield from make_rows(values.iterator(chunk_size=5000), grid_leaders)


NOT_REACHED_COLUMNS = [
    XlsxColumn(gettext_lazy("网格"), 12),
    XlsxColumn(gettext_lazy("楼栋"), 16),
    XlsxColumn(gettext_lazy("单元"), 6),
    XlsxColumn(gettext_lazy("户号"), 8),
    XlsxColumn(gettext_lazy("户主"), 10),
    XlsxColumn(gettext_lazy("联系电话"), 14),
    XlsxColumn(gettext_lazy("状态"), 10),
    XlsxColumn(gettext_lazy("走访次数"), 8),
    XlsxColumn(gettext_lazy("网格长"), 10),
    XlsxColumn(gettext_lazy("网格长电话"), 14),
]


def not_reached_columns() -> list[XlsxColumn]:
    """NOT_REACHED_COLUMNS with their labels in the active language (for CSV headers too)."""
    return [XlsxColumn(str(c.label), c.width, c.text) for c in NOT_REACHED_COLUMNS]


def export_line(row: HouseholdRow) -> list:
    """One not-reached household as exported (householder and phone masked; the leader's
    phone is a work phone, shown in full)."""
    return [
        row.grid,
        row.building,
        row.unit,
        row.room,
        row.masked_householder,
        row.masked_phone,
        row.state_label,
        row.visits,
        row.leader_name,
        row.leader_phone,
    ]
