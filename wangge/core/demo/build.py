"""Writing a planned demo street to the database: batched inserts in one transaction.

Area, Building and Unit compute their paths in save() from their own primary key; here the
rows are bulk-inserted (both SQLite and PostgreSQL return the new keys), then the paths are
set and written back with one bulk update per table. Households, persons, residences, special
groups and leaders get their scope_path directly from the place they belong to.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from wangge.core.db import analyze_after_bulk_load
from wangge.core.models import ChangeLog
from wangge.people.models import LeaderAssignment, Person, Residence, SpecialGroup
from wangge.places.models import Area, Building, CommandZone, Estate, Household, Unit

from .plan import DEFAULT_SEED, DemoError, StreetPlan, plan_street
from .users import DemoUserRow, create_demo_users
from .wipe import wipe_registry

BATCH = 2000


@dataclass
class Built:
    """The saved objects, in the same order as the plan's records."""

    areas: list[Area] = field(default_factory=list)
    zones: list[CommandZone] = field(default_factory=list)
    estates: list[Estate] = field(default_factory=list)
    buildings: list[Building] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    households: list[Household] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)


@dataclass
class DemoResult:
    plan: StreetPlan
    street: Area
    counts: dict[str, int]
    users: list[DemoUserRow]
    seconds: float


def build_demo(
    *,
    seed: int = DEFAULT_SEED,
    scale: float = 1.0,
    force: bool = False,
    actor=None,
    log: Callable[[str], None] | None = None,
) -> DemoResult:
    """Plan and write the demo street with its demo users, in one transaction.

    Refuses when the database already has areas or persons, unless `force`: then the whole registry
    (areas, places, people, leaders) and the demo users are deleted first.
    """
    say = log or (lambda _msg: None)
    started = time.monotonic()
    if not force and (Area.objects.exists() or Person.objects.exists()):
        raise DemoError(
            _(
                "数据库中已有区域或人员数据，演示数据只能建在空库中。"
                "如确需清空现有登记数据并重建，请加 --force 参数。"
            )
        )
    plan = plan_street(seed, scale)
    say(_("已生成演示街道方案，开始写入数据库……"))
    with transaction.atomic():
        if force:
            wiped = wipe_registry()
            if wiped:
                say(_("已清空原有登记数据：%(n)d 条") % {"n": wiped})
        built = write_street(plan, say)
        users = create_demo_users(plan, built)
        counts = plan.counts()
        street = built.areas[plan.layout.street]
        ChangeLog.objects.create(
            actor=actor if getattr(actor, "pk", None) else None,
            channel="cli",
            action=ChangeLog.Action.CREATE,
            model="demo",
            object_id=str(seed),
            object_repr=summary_line(counts)[:200],
            after={"seed": seed, "scale": scale, **counts},
            scope_path=street.path,
        )
    analyze_after_bulk_load(counts["persons"])
    return DemoResult(plan, street, counts, users, time.monotonic() - started)


def summary_line(counts: dict[str, int]) -> str:
    return (
        _(
            "演示街道：%(grids)d个网格、%(zones)d个指挥区、%(buildings)d栋楼、%(units)d个单元、"
            "%(households)d户、%(persons)d人"
        )
        % counts
    )


def write_street(plan: StreetPlan, say: Callable[[str], None] = lambda _m: None) -> Built:
    lay = plan.layout
    built = Built()
    for a in lay.areas:
        area = Area(
            name=a.name,
            code=a.code,
            level=a.level,
            parent=built.areas[a.parent] if a.parent is not None else None,
        )
        area.save()
        built.areas.append(area)
    areas = built.areas
    built.estates = Estate.objects.bulk_create(
        [
            Estate(
                name=e.name,
                area=areas[e.grid],
                gates=e.gates,
                address=e.address,
                property_company=e.property_company,
                property_phone=e.property_phone,
                scope_path=areas[e.grid].path,
            )
            for e in lay.estates
        ]
    )
    _write_zones(plan, built)
    _write_buildings_and_units(plan, built)
    say(_("区域、小区、楼栋、单元已写入"))
    households = []
    for h in lay.households:
        unit = built.units[h.unit]
        households.append(
            Household(
                building_id=unit.building_id,
                unit_id=unit.pk,
                floor=h.floor,
                room=h.room,
                householder_name=h.householder_name,
                people_count=len(h.people),
                phone=h.phone,
                vacant=h.vacant,
                notes=_("空置") if h.vacant else "",
                scope_path=unit.scope_path,
            )
        )
    built.households = Household.objects.bulk_create(households, batch_size=BATCH)
    say(_("住户已写入：%(n)d 户") % {"n": len(households)})
    _write_people(plan, built)
    say(_("人员已写入：%(n)d 人") % {"n": len(built.persons)})
    _write_leaders(plan, built)
    return built


def _write_zones(plan: StreetPlan, built: Built) -> None:
    street = built.areas[plan.layout.street]
    built.zones = CommandZone.objects.bulk_create(
        [CommandZone(name=z.name, street=street, scope_path=street.path) for z in plan.layout.zones]
    )
    grid_links, estate_links = CommandZone.grids.through, CommandZone.estates.through
    grid_links.objects.bulk_create(
        [
            grid_links(commandzone_id=zone.pk, area_id=built.areas[g].pk)
            for zone, z in zip(built.zones, plan.layout.zones, strict=True)
            for g in z.grids
        ]
    )
    estate_links.objects.bulk_create(
        [
            estate_links(commandzone_id=zone.pk, estate_id=built.estates[e].pk)
            for zone, z in zip(built.zones, plan.layout.zones, strict=True)
            for e in z.estates
        ]
    )


def _write_buildings_and_units(plan: StreetPlan, built: Built) -> None:
    lay = plan.layout
    buildings = [
        Building(
            estate=built.estates[b.estate],
            area=built.areas[b.grid],
            number=b.number,
            floors=b.floors,
            sort_key=int(b.number),
            address=f"{lay.estates[b.estate].address}{b.number}号楼",
        )
        for b in lay.buildings
    ]
    Building.objects.bulk_create(buildings, batch_size=BATCH)
    for b in buildings:
        b.scope_path = f"{b.area.path}b{b.pk}/"
    Building.objects.bulk_update(buildings, ["scope_path"], batch_size=500)
    built.buildings = buildings
    units = [
        Unit(
            building=buildings[u.building],
            number=u.number,
            sort_key=int(u.number),
            rooms_per_floor=u.rooms_per_floor,
        )
        for u in lay.units
    ]
    Unit.objects.bulk_create(units, batch_size=BATCH)
    for u in units:
        u.scope_path = f"{u.building.scope_path}u{u.pk}/"
    Unit.objects.bulk_update(units, ["scope_path"], batch_size=500)
    built.units = units


def _write_people(plan: StreetPlan, built: Built) -> None:
    persons = []
    for p in plan.persons:
        person = Person(
            name=p.name,
            id_number=p.id_number,
            sex=p.sex,
            birth_date=p.birth_date,
            phone=p.phone,
            has_smartphone=p.has_smartphone,
            notes=p.notes,
            scope_path=built.households[p.household].scope_path,
        )
        person.fill_derived()
        persons.append(person)
    built.persons = Person.objects.bulk_create(persons, batch_size=BATCH)
    Residence.objects.bulk_create(
        [
            Residence(
                person_id=person.pk,
                household_id=built.households[p.household].pk,
                relation=p.relation,
                registered=p.registered,
                living=True,
                scope_path=person.scope_path,
            )
            for p, person in zip(plan.persons, persons, strict=True)
        ],
        batch_size=BATCH,
    )
    SpecialGroup.objects.bulk_create(
        [
            SpecialGroup(person_id=person.pk, kind=kind, scope_path=person.scope_path)
            for p, person in zip(plan.persons, persons, strict=True)
            for kind in p.groups
        ],
        batch_size=BATCH,
    )


def _write_leaders(plan: StreetPlan, built: Built) -> None:
    rows = []
    for x in plan.leaders:
        row = LeaderAssignment(
            role=x.role, name=x.name, phone=x.phone, label=x.label, organisation=x.organisation
        )
        if x.person is not None:
            row.person_id = built.persons[x.person].pk
        if x.unit is not None:
            row.unit = built.units[x.unit]
            row.scope_path = row.unit.scope_path
        elif x.building is not None:
            row.building = built.buildings[x.building]
            row.scope_path = row.building.scope_path
        elif x.zone is not None:
            row.command_zone = built.zones[x.zone]
            row.scope_path = row.command_zone.scope_path
        else:
            row.area = built.areas[x.area]
            row.scope_path = row.area.path
        rows.append(row)
    LeaderAssignment.objects.bulk_create(rows, batch_size=BATCH)
