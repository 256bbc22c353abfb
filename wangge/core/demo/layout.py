"""Planning the places of the demo street: areas, command zones, estates, buildings, units, flats.

Pure Python, no database: `plan_layout` returns plain records whose counts are exactly the
targets for the scale (see `targets`). The population is planned on top of it in `people.py`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .names import (
    COMMUNITY_NAMES,
    ESTATE_PREFIXES,
    ESTATE_SUFFIXES,
    PROPERTY_COMPANIES,
    ROAD_NAMES,
    chinese_number,
    numbered,
    unique_names,
)

# The street in the reports (祥鹿街道): DOMAIN.md §1 and §2.
FULL_SCALE = {
    "communities": 8,
    "grids": 45,
    "zones": 22,
    "buildings": 348,
    "units": 1324,
    "households": 21345,
    "persons": 39303,
    "road_leaders": 3,
}
CITY = ("吉林市", "2202")
DISTRICT = ("船营区", "220204")
STREET = ("祥鹿街道", "220204009")
MIN_SCALE, MAX_SCALE = 0.005, 5.0
VACANT_SHARE = 0.08  # flats with nobody living there


def targets(scale: float) -> dict[str, int]:
    """The exact counts for a scale: every level at least 1, and enough flats for the people."""
    t = {k: max(1, round(v * scale)) for k, v in FULL_SCALE.items()}
    t["zones"] = min(t["zones"], t["grids"])
    t["communities"] = min(t["communities"], t["grids"])
    t["buildings"] = max(t["buildings"], t["grids"])
    t["units"] = max(t["units"], t["buildings"])
    t["households"] = max(t["households"], t["units"] * 2)
    return t


@dataclass(slots=True)
class AreaPlan:
    name: str
    code: str
    level: int
    parent: int | None  # index into StreetPlan.areas


@dataclass(slots=True)
class ZonePlan:
    name: str
    grids: list[int]  # area indices
    estates: list[int] = field(default_factory=list)


@dataclass(slots=True)
class EstatePlan:
    name: str
    grid: int  # area index
    gates: int
    address: str
    property_company: str
    property_phone: str


@dataclass(slots=True)
class BuildingPlan:
    estate: int
    grid: int  # area index
    number: str
    floors: int
    units: list[int] = field(default_factory=list)


@dataclass(slots=True)
class UnitPlan:
    building: int
    number: str
    rooms_per_floor: int
    households: list[int] = field(default_factory=list)


@dataclass(slots=True)
class HouseholdPlan:
    unit: int
    floor: int
    room: str
    vacant: bool = False
    phone: str = ""
    householder_name: str = ""
    people: list[int] = field(default_factory=list)  # person indices


def split(
    total: int, parts: int, rng: random.Random, spread: float = 0.35, minimum: int = 1
) -> list[int]:
    """`total` split into `parts` integers >= minimum, near-even with random spread, exact sum."""
    rest = total - minimum * parts
    if parts <= 0 or rest < 0:
        raise ValueError(f"cannot split {total} into {parts} parts of at least {minimum}")
    weights = [1 + rng.uniform(-spread, spread) for _ in range(parts)]
    scale = rest / sum(weights)
    raw = [w * scale for w in weights]
    out = [int(r) for r in raw]
    order = sorted(range(parts), key=lambda i: raw[i] - out[i], reverse=True)
    for i in order[: rest - sum(out)]:
        out[i] += 1
    return [o + minimum for o in out]


def room_label(floor: int, index: int) -> str:
    """Room numbers the way they are painted on doors: floor 5, second flat -> "502"."""
    return f"{floor}{index:02d}"


class Layout:
    """Areas, zones, estates, buildings, units and flats of one street (built by plan_layout)."""

    street = 2  # index of the street in `areas` (after the city and the district)

    def __init__(self) -> None:
        self.areas: list[AreaPlan] = []
        self.communities: list[int] = []
        self.grids: list[int] = []
        self.roads: list[str] = []
        self.zones: list[ZonePlan] = []
        self.estates: list[EstatePlan] = []
        self.buildings: list[BuildingPlan] = []
        self.units: list[UnitPlan] = []
        self.households: list[HouseholdPlan] = []


def plan_layout(t: dict[str, int], rng: random.Random) -> Layout:
    lay = Layout()
    _plan_areas(lay, t, rng)
    _plan_estates_and_buildings(lay, t, rng)
    _plan_zones(lay, t)
    _plan_flats(lay, t, rng)
    return lay


def _plan_areas(lay: Layout, t: dict[str, int], rng: random.Random) -> None:
    lay.areas += [
        AreaPlan(CITY[0], CITY[1], 1, None),
        AreaPlan(DISTRICT[0], DISTRICT[1], 2, 0),
        AreaPlan(STREET[0], STREET[1], 3, 1),
    ]
    names = numbered(COMMUNITY_NAMES, t["communities"], "社区")
    sizes = split(t["grids"], t["communities"], rng, spread=0.25)
    for c, (name, size) in enumerate(zip(names, sizes, strict=True), start=1):
        code = f"{STREET[1]}{c:03d}"
        lay.communities.append(len(lay.areas))
        lay.areas.append(AreaPlan(name, code, 4, lay.street))
        parent = lay.communities[-1]
        for g in range(1, size + 1):
            lay.grids.append(len(lay.areas))
            lay.areas.append(AreaPlan(f"第{chinese_number(g)}网格", f"{code}{g:03d}", 5, parent))
    lay.roads = numbered(ROAD_NAMES, t["road_leaders"], "")


def _plan_estates_and_buildings(lay: Layout, t: dict[str, int], rng: random.Random) -> None:
    per_grid = split(t["buildings"], len(lay.grids), rng, spread=0.4)
    estate_counts = [1 if n <= 4 else rng.choice((1, 2, 2)) if n <= 9 else 2 for n in per_grid]
    names = unique_names(ESTATE_PREFIXES, ESTATE_SUFFIXES, sum(estate_counts), rng)
    units = split(t["units"], t["buildings"], rng, spread=0.5)
    street_no = 0
    for grid, n_buildings, n_estates in zip(lay.grids, per_grid, estate_counts, strict=True):
        for size in split(n_buildings, n_estates, rng, spread=0.3):
            street_no += rng.randint(2, 9)
            estate = len(lay.estates)
            lay.estates.append(
                EstatePlan(
                    name=names[estate],
                    grid=grid,
                    gates=min(3, 1 + size // 4 + rng.randint(0, 1)),
                    address=f"{rng.choice(ROAD_NAMES)}{street_no}号",
                    property_company=rng.choice(PROPERTY_COMPANIES),
                    property_phone=f"0432-6{rng.randrange(10**6, 10**7)}",
                )
            )
            for number in range(1, size + 1):
                b = len(lay.buildings)
                lay.buildings.append(
                    BuildingPlan(estate, grid, str(number), _initial_floors(units[b], rng))
                )
    for b, building in enumerate(lay.buildings):
        high = building.floors >= 11
        for number in range(1, units[b] + 1):
            rooms = 3 if high and rng.random() < 0.15 else 2
            building.units.append(len(lay.units))
            lay.units.append(UnitPlan(b, str(number), rooms))


def _initial_floors(units: int, rng: random.Random) -> int:
    """Towers: few stairwells, many floors. Walk-ups (老旧小区): many stairwells, 5-7 floors."""
    if units <= 2:
        return rng.choices((6, 11, 17, 18), weights=(3, 3, 2, 2))[0]
    return rng.choices((5, 6, 7, 11, 18), weights=(2, 8, 3, 2, 1))[0]


def _plan_zones(lay: Layout, t: dict[str, int]) -> None:
    """Command zones group neighbouring grids (in order), 2-3 grids each at full scale."""
    sizes = [len(lay.grids) // t["zones"]] * t["zones"]
    for i in range(len(lay.grids) - sum(sizes)):
        sizes[-1 - i] += 1
    start = 0
    for z, size in enumerate(sizes, start=1):
        grids = lay.grids[start : start + size]
        start += size
        estates = [e for e, est in enumerate(lay.estates) if est.grid in set(grids)]
        lay.zones.append(ZonePlan(f"第{chinese_number(z)}指挥区", grids, estates))


def _plan_flats(lay: Layout, t: dict[str, int], rng: random.Random) -> None:
    """Adjust floors until the flats are exactly the household target, then number the rooms."""
    target = t["households"]

    def per_floor(b: BuildingPlan) -> int:
        return sum(lay.units[u].rooms_per_floor for u in b.units)

    capacity = sum(b.floors * per_floor(b) for b in lay.buildings)
    low, high = 5, 18
    for _ in range(200_000):
        if capacity < target:
            options = [b for b in lay.buildings if b.floors < high]
            if not options:
                high += 1
                continue
            b = rng.choice(options)
            b.floors += 1
            capacity += per_floor(b)
        elif capacity - target > len(lay.units):
            excess = capacity - target
            options = [b for b in lay.buildings if b.floors > low and per_floor(b) <= excess]
            if not options:
                low = max(1, low - 1)
                continue
            b = rng.choice(options)
            b.floors -= 1
            capacity -= per_floor(b)
        else:
            break
    # Ground-floor flats that are shops or the property office (门市) are not households.
    skip: dict[int, int] = {}
    for u in rng.sample(range(len(lay.units)), capacity - target):
        skip[u] = 1
    for u, unit in enumerate(lay.units):
        floors = lay.buildings[unit.building].floors
        for floor in range(1, floors + 1):
            first = 1 + (skip.get(u, 0) if floor == 1 else 0)
            for index in range(first, unit.rooms_per_floor + 1):
                unit.households.append(len(lay.households))
                lay.households.append(HouseholdPlan(u, floor, room_label(floor, index)))
    if len(lay.households) != target:
        raise AssertionError(f"planned {len(lay.households)} flats, wanted {target}")
