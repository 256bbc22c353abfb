"""The whole demo street as plain data: `plan_street(seed, scale)`, no database involved."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .layout import MAX_SCALE, MIN_SCALE, Layout, plan_layout, targets
from .names import ORGANISATIONS, NamePicker
from .people import PersonPlan, PhoneBook, assign_groups, assign_ids, plan_people

DEFAULT_SEED = 2022


class DemoError(ValueError):
    """The demo cannot be planned or built (bad parameters, a registry already present)."""


@dataclass(slots=True)
class LeaderPlan:
    role: str  # LeaderAssignment.Role value
    name: str
    phone: str
    person: int | None = None  # index into StreetPlan.persons when the leader lives here
    area: int | None = None
    building: int | None = None
    unit: int | None = None
    zone: int | None = None
    label: str = ""
    organisation: str = ""


@dataclass
class StreetPlan:
    seed: int
    scale: float
    layout: Layout
    persons: list[PersonPlan]
    leaders: list[LeaderPlan]
    staff: list[tuple[str, str]]  # (name, phone) for demo users who are not leaders

    def counts(self) -> dict[str, int]:
        lay = self.layout
        levels = Counter(a.level for a in lay.areas)
        out = {
            "cities": levels[1],
            "districts": levels[2],
            "streets": levels[3],
            "communities": levels[4],
            "grids": levels[5],
            "zones": len(lay.zones),
            "estates": len(lay.estates),
            "buildings": len(lay.buildings),
            "units": len(lay.units),
            "households": len(lay.households),
            "vacant": sum(1 for h in lay.households if h.vacant),
            "persons": len(self.persons),
            "residences": len(self.persons),
            "special_groups": sum(len(p.groups) for p in self.persons),
            "leaders": len(self.leaders),
        }
        out.update({f"leaders_{r}": n for r, n in Counter(x.role for x in self.leaders).items()})
        kinds = Counter(k for p in self.persons for k in p.groups)
        out.update({f"group_{k}": n for k, n in kinds.items()})
        return out


def plan_street(seed: int = DEFAULT_SEED, scale: float = 1.0) -> StreetPlan:
    """Plan the demo street. At scale 1.0 the counts are exactly those of 祥鹿街道."""
    if not MIN_SCALE <= scale <= MAX_SCALE:
        raise DemoError(
            _("--scale 应在 %(low)s 与 %(high)s 之间") % {"low": MIN_SCALE, "high": MAX_SCALE}
        )
    t = targets(scale)
    lay = plan_layout(t, random.Random(f"layout-{seed}"))
    phones = PhoneBook(random.Random(f"phones-{seed}"))
    persons = plan_people(lay, t["persons"], random.Random(f"people-{seed}"), phones)
    assign_groups(persons, random.Random(f"groups-{seed}"))
    assign_ids(persons, random.Random(f"ids-{seed}"))
    rng = random.Random(f"leaders-{seed}")
    leaders = plan_leaders(lay, persons, rng, phones)
    names = NamePicker(rng)
    staff = [(names.full(rng.choice("MF"), rng.randint(24, 55)), phones.mobile()) for _ in range(8)]
    return StreetPlan(seed, scale, lay, persons, leaders, staff)


def plan_leaders(
    lay: Layout, persons: list[PersonPlan], rng: random.Random, phones: PhoneBook
) -> list[LeaderPlan]:
    """The five leaders (五长制) and each command zone's commander and deputies."""
    names = NamePicker(rng)

    def outsider(role: str, **kw) -> LeaderPlan:
        sex = "M" if rng.random() < 0.6 else "F"
        return LeaderPlan(role, names.full(sex, rng.randint(32, 56)), phones.mobile(), **kw)

    leaders = [outsider("street", area=lay.street, organisation="祥鹿街道党工委")]
    leaders += [
        outsider("road", area=lay.street, label=road, organisation="祥鹿街道办事处")
        for road in lay.roads
    ]
    for grid in lay.grids:
        community = lay.areas[lay.areas[grid].parent].name
        leaders.append(outsider("grid", area=grid, organisation=f"{community}居民委员会"))
    for z in range(len(lay.zones)):
        leaders.append(outsider("commander", zone=z, organisation=rng.choice(ORGANISATIONS)))
        leaders += [
            outsider("deputy", zone=z, organisation=rng.choice(ORGANISATIONS))
            for _ in range(rng.randint(1, 2))
        ]
    # Building and unit leaders are residents (usually a party member or a retired teacher).
    for b, building in enumerate(lay.buildings):
        chosen: set[int] = set()
        in_building = [_candidates(lay, persons, u) for u in building.units]
        pool = [i for c in in_building for i in c]
        leaders.append(
            _resident_leader("building", pool, persons, rng, chosen, outsider, building=b)
        )
        for u, candidates in zip(building.units, in_building, strict=True):
            leaders.append(
                _resident_leader("unit", candidates, persons, rng, chosen, outsider, unit=u)
            )
    return leaders


def _candidates(lay: Layout, persons: list[PersonPlan], unit: int) -> list[int]:
    return [
        i
        for h in lay.units[unit].households
        for i in lay.households[h].people
        if 25 <= persons[i].age <= 68 and persons[i].phone
    ]


def _resident_leader(role, pool, persons, rng, chosen, outsider, **place) -> LeaderPlan:
    free = [i for i in pool if i not in chosen]
    if not free:
        return outsider(role, **place)
    i = rng.choice(free)
    chosen.add(i)
    return LeaderPlan(role, persons[i].name, persons[i].phone, person=i, **place)
