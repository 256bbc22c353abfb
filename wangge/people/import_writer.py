"""Writing one batch of accepted registry rows: every row is first checked against the database
(its area, the person its ID number belongs to, its building), then the batch is written with
one bulk INSERT/UPDATE per table and one change-log row per object created or changed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.audit import _jsonable
from wangge.core.imports import Report, Row, RowError, Table
from wangge.core.models import ChangeLog
from wangge.core.services import create_object
from wangge.places.models import Area, Building, Estate, Household, Unit, _number_key

from .import_areas import AreaError, PendingArea, name_key, real
from .import_store import ChangeRows, RegistryStore, bulk_insert, fast_snapshot, fill_person
from .models import Person, Residence, SpecialGroup

if TYPE_CHECKING:
    from .imports import RegistryImporter

CREATE, UPDATE, DELETE = ChangeLog.Action.CREATE, ChangeLog.Action.UPDATE, ChangeLog.Action.DELETE
PERSON_DERIVED = [
    "name_initials",
    "phone_tail",
    "id_tail",
    "sex",
    "birth_date",
    "scope_path",
    "updated_at",
]


@dataclass(eq=False)
class Plan:
    row: Row
    values: dict[str, Any]
    grid: Any = None
    estate: Estate | None = None
    building: Building | None = None
    unit: Unit | None = None
    household: Household | None = None
    person: Person | None = None
    created: bool = False
    changed: bool = False
    extra: dict = field(default_factory=dict)


class RegistryWriter:
    def __init__(self, importer: RegistryImporter, table: Table) -> None:
        self.imp, self.table, self.actor = importer, table, importer.actor
        self.store = RegistryStore()
        self.areas = importer.areas
        self.ancestor_cache: dict[int, list[Area]] = {}
        self.estate_cache: dict[tuple[int, str], Estate] = {}

    # --- helpers ---------------------------------------------------------------------------

    def reject(self, report: Report, plan: Plan, column: str, reason: str) -> None:
        report.reject(
            [
                RowError(
                    plan.row.number,
                    self.table.label(column),
                    plan.row.values.get(column, ""),
                    reason,
                )
            ]
        )

    def _set(self, plan: Plan, obj: models.Model, name: str, value: Any) -> None:
        current = getattr(obj, name)
        if current == value:
            return
        if obj.pk is not None:
            entry = self.dirty.setdefault(id(obj), (obj, {}))
            entry[1].setdefault(name, current)
            plan.changed = True
        setattr(obj, name, value)

    def _ancestors(self, grid: Area) -> list[Area]:
        found = self.ancestor_cache.get(grid.pk)
        if found is None:
            found, node = [], grid
            while node.parent_id:
                node = self.areas.by_id[node.parent_id]
                found.append(node)
            self.ancestor_cache[grid.pk] = found
        return found

    # --- one batch -------------------------------------------------------------------------

    def write(self, batch: list[tuple[Row, dict[str, Any]]], report: Report) -> None:
        self.dirty: dict[int, tuple[models.Model, dict[str, Any]]] = {}
        self.logs = ChangeRows(self.actor)
        plans = self._check(batch, report)
        self._buildings(plans)
        self._units(plans)
        self._households(plans)
        self._persons(plans)
        self._flush(plans)
        for plan in plans:
            if plan.created:
                report.imported += 1
            else:
                report.updated += 1
                report.unchanged += not plan.changed

    def _check(self, batch, report: Report) -> list[Plan]:
        """Everything that can reject a row, before anything is written."""
        plans: list[Plan] = []
        for row, values in batch:
            plan = Plan(row, values)
            try:
                plan.grid = self.imp.resolve_grid(values)
            except AreaError as exc:
                self.reject(report, plan, exc.column, exc.reason)
                continue
            plans.append(plan)
        for plan in plans:  # persons living in the grids come with them: fewer ID lookups
            grid = plan.grid
            if isinstance(grid, Area) and grid.pk not in self.store.grids:
                self.store.load_grid(grid, [a.pk for a in self._ancestors(grid)])
        self.store.find_ids(
            p.values["id_number"]
            for p in plans
            if p.values["_person"] and p.values.get("id_number")
        )
        kept: list[Plan] = []
        for plan in plans:
            id_number = plan.values.get("id_number") if plan.values["_person"] else ""
            person = self.store.by_id_number.get(id_number) if id_number else None
            if person is not None and not self.imp.may_change(person.scope_path):
                self.reject(
                    report,
                    plan,
                    "id_number",
                    _("该身份证号已登记在您无权修改的区域，请联系其所在社区"),
                )
                continue
            plan.person = person
            kept.append(plan)
        self.areas.materialise([p.grid for p in kept if isinstance(p.grid, PendingArea)])
        plans, kept = kept, []
        for plan in plans:
            try:
                plan.grid = real(plan.grid)
            except AreaError as exc:
                self.reject(report, plan, exc.column, exc.reason)
                continue
            if plan.grid.pk not in self.store.grids:
                self.store.load_grid(plan.grid, [a.pk for a in self._ancestors(plan.grid)])
            if not plan.values.get("estate"):
                same = self.store.buildings_by_number.get((plan.grid.pk, plan.values["building"]))
                if same and len(same) > 1 and not any(b.estate_id is None for b in same):
                    self.reject(
                        report,
                        plan,
                        "building",
                        _("该网格有多个%(number)s号楼，请填写“小区”列以区分")
                        % {"number": plan.values["building"]},
                    )
                    continue
            kept.append(plan)
        return kept

    # --- places ----------------------------------------------------------------------------

    def _estate(self, grid: Area, name: str) -> Estate:
        found = self.estate_cache.get((grid.pk, name))
        if found is None:
            found = self._find_estate(grid, name)
            self.estate_cache[(grid.pk, name)] = found
        return found

    def _find_estate(self, grid: Area, name: str) -> Estate:
        key = name_key(name)
        for area in (grid, *self._ancestors(grid)):
            found = self.store.estates.get((area.pk, key))
            if found is not None:
                return found
        parent = self.areas.by_id.get(grid.parent_id) if grid.parent_id else None
        home = parent if parent is not None and parent.level == Area.Level.COMMUNITY else grid
        return self.store.add_estate(create_object(Estate(name=name, area=home), actor=self.actor))

    def _buildings(self, plans: list[Plan]) -> None:
        new: list[Building] = []
        for plan in plans:
            grid, number, v = plan.grid, plan.values["building"], plan.values
            if v.get("estate"):
                plan.estate = self._estate(grid, v["estate"])
                building = self.store.buildings.get((grid.pk, plan.estate.pk, number))
            else:
                same = self.store.buildings_by_number.get((grid.pk, number), [])
                building = (
                    same[0]
                    if len(same) == 1
                    else next((b for b in same if b.estate_id is None), None)
                )
            if building is None:
                building = Building(
                    area=grid,
                    estate=plan.estate,
                    number=number,
                    sort_key=_number_key(number),
                    floors=1,
                )
                self.store.add_building(building)
                new.append(building)
            if building.pk is None:
                building.floors = max(building.floors, v["floor"])
            plan.building = building
        if new:
            bulk_insert(Building, new)
            for b in new:
                b.scope_path = b.compute_path()
            Building.objects.bulk_update(new, ["scope_path"], batch_size=1000)
            for b in new:
                self.logs.add(CREATE, b, None, fast_snapshot(b))

    def _units(self, plans: list[Plan]) -> None:
        new: list[Unit] = []
        for plan in plans:
            key = (plan.building.pk, plan.values["unit"])
            unit = self.store.units.get(key)
            if unit is None:
                unit = Unit(building=plan.building, number=key[1], sort_key=_number_key(key[1]))
                self.store.add_unit(unit)
                new.append(unit)
            plan.unit = unit
        if new:
            bulk_insert(Unit, new)
            for u in new:
                u.scope_path = u.compute_path()
            Unit.objects.bulk_update(new, ["scope_path"], batch_size=1000)
            for u in new:
                self.logs.add(CREATE, u, None, fast_snapshot(u))

    def _households(self, plans: list[Plan]) -> None:
        self.new_households: list[Household] = []
        counts = self.imp.household_people
        has_floor = self.table.has("floor")
        for plan in plans:
            v = plan.values
            unit = plan.unit
            hh = self.store.households.get((unit.pk, v["room"]))
            if hh is None:
                people = v.get("people_count")
                hh = Household(
                    building=unit.building,
                    unit=unit,
                    room=v["room"],
                    floor=v["floor"],
                    householder_name=v.get("householder") or "",
                    people_count=people if people not in ("", None) else counts.get(v["_place"], 0),
                    phone=v.get("household_phone") or "",
                    scope_path=unit.scope_path,
                )
                self.store.add_household(hh)
                self.new_households.append(hh)
                plan.created = not v["_person"]
            else:
                if has_floor and plan.row.values.get("floor"):
                    self._set(plan, hh, "floor", v["floor"])
                for key, name in (
                    ("householder", "householder_name"),
                    ("people_count", "people_count"),
                    ("household_phone", "phone"),
                ):
                    if v.get(key) not in ("", None):
                        self._set(plan, hh, name, v[key])
            plan.household = hh

    # --- people ----------------------------------------------------------------------------

    def _persons(self, plans: list[Plan]) -> None:
        store = self.store
        self.new_persons: list[Person] = []
        self.new_residences: list[Residence] = []
        self.new_groups: list[SpecialGroup] = []
        self.gone_groups: list[SpecialGroup] = []
        self.batch_residences: dict[tuple[int, int], Residence] = {}
        self.batch_groups: set[tuple[int, str]] = set()
        batch_members: dict[tuple[int, str], Person] = {}
        for plan in plans:
            if not plan.values["_person"]:
                continue
            v, hh = plan.values, plan.household
            name, id_number, phone = v["name"], v.get("id_number") or None, v.get("phone") or ""
            person = plan.person
            if person is None:
                person = batch_members.get((id(hh), name))
                if person is None and hh.pk is not None:
                    person = store.members.get((hh.pk, name))
                if person is not None and id_number and person.id_number not in (None, id_number):
                    person = None  # a namesake with another ID number
            if person is None:
                person = Person(
                    name=name, id_number=id_number, phone=phone, scope_path=hh.scope_path
                )
                fill_person(person)
                self.new_persons.append(person)
                plan.created = True
                if id_number:
                    store.by_id_number[id_number] = person
            else:
                self._update_person(plan, person, name, id_number, phone)
            batch_members[(id(hh), name)] = person
            plan.person = person
            self._residence(plan, person, hh)
            if v.get("special") not in ("", None):
                self._groups(plan, person, v["special"])

    def _update_person(
        self, plan: Plan, person: Person, name: str, id_number: str | None, phone: str
    ) -> None:
        self._set(plan, person, "name", name)
        if id_number and person.id_number != id_number:
            self._set(plan, person, "id_number", id_number)
            self.store.by_id_number[id_number] = person
        if phone:
            self._set(plan, person, "phone", phone)
        if id(person) in self.dirty:
            fill_person(person)

    def _residence(self, plan: Plan, person: Person, hh: Household) -> None:
        v = plan.values
        relation = v.get("relation") or ""
        res = self.store.residences.get((person.pk, hh.pk)) if person.pk and hh.pk else None
        if res is None:
            res = self.batch_residences.get((id(person), id(hh)))
        if res is None:
            if not relation:
                relation = (
                    Residence.Relation.HOUSEHOLDER
                    if person.name == hh.householder_name
                    else Residence.Relation.MEMBER
                )
            res = Residence(
                person=person, household=hh, relation=relation, scope_path=hh.scope_path
            )
            self.new_residences.append(res)
            self.batch_residences[(id(person), id(hh))] = res
            if person.pk is not None:
                plan.changed = True
                if "/b" not in person.scope_path:
                    self._set(plan, person, "scope_path", hh.scope_path)
        else:
            if relation:
                self._set(plan, res, "relation", relation)
            if res.until is not None:
                self._set(plan, res, "until", None)
                self._set(plan, res, "living", True)
        if res.relation == Residence.Relation.HOUSEHOLDER:
            if not hh.householder_name:
                self._set(plan, hh, "householder_name", person.name)
            if not hh.phone and person.phone and not self.table.has("household_phone"):
                self._set(plan, hh, "phone", person.phone)

    def _groups(self, plan: Plan, person: Person, kinds: frozenset[str]) -> None:
        current = self.store.groups.get(person.pk, {}) if person.pk else {}
        for kind in kinds - set(current):
            if (id(person), kind) in self.batch_groups:
                continue
            self.batch_groups.add((id(person), kind))
            self.new_groups.append(SpecialGroup(person=person, kind=kind))
            if person.pk:
                plan.changed = True
        for kind in set(current) - kinds:
            self.gone_groups.append(current.pop(kind))
            plan.changed = True

    # --- writing ---------------------------------------------------------------------------

    def _flush(self, plans: list[Plan]) -> None:
        bulk_insert(Household, self.new_households)
        bulk_insert(Person, self.new_persons)
        for r in self.new_residences:
            r.scope_path = r.household.scope_path
        bulk_insert(Residence, self.new_residences)
        for g in self.new_groups:
            g.scope_path = g.person.scope_path
        bulk_insert(SpecialGroup, self.new_groups)
        store = self.store
        for p in self.new_persons:
            store.add_person(p)
            store.groups_loaded.add(p.pk)
        for h in self.new_households:
            store.add_household(h)
        for r in self.new_residences:
            store.add_residence(r, r.person, r.household)
        for g in self.new_groups:
            store.add_group(g)
        add = self.logs.add
        for objs in (self.new_households, self.new_persons, self.new_residences):
            for o in objs:
                add(CREATE, o, None, fast_snapshot(o))
        kinds = {k: str(label) for k, label in SpecialGroup.Kind.choices}
        for g in self.new_groups:
            add(CREATE, g, None, fast_snapshot(g), f"{g.person} {kinds.get(g.kind, g.kind)}")
        if self.gone_groups:
            for g in self.gone_groups:
                add(DELETE, g, fast_snapshot(g), None, f"{g.person} {kinds.get(g.kind, g.kind)}")
            SpecialGroup.objects.filter(pk__in=[g.pk for g in self.gone_groups]).delete()
        self._flush_updates()
        self.logs.write()

    def _flush_updates(self) -> None:
        now = timezone.now()
        by_model: dict[type, tuple[list, set]] = {}
        for obj, original in self.dirty.values():
            changed = {k: v for k, v in original.items() if getattr(obj, k) != v}
            if not changed:
                continue
            audited = [k for k in changed if k != "scope_path"]
            if audited:
                self.logs.add(
                    UPDATE,
                    obj,
                    {k: _jsonable(changed[k]) for k in audited},
                    {k: _jsonable(getattr(obj, k)) for k in audited},
                )
            if type(obj) is Person and "scope_path" in changed:
                SpecialGroup.objects.filter(person_id=obj.pk).update(scope_path=obj.scope_path)
            objs, fields = by_model.setdefault(type(obj), ([], set()))
            objs.append(obj)
            fields.update(changed)
            if type(obj) is Person:
                fields.update(PERSON_DERIVED)
            if hasattr(obj, "updated_at"):
                obj.updated_at = now
                fields.add("updated_at")
        for model, (objs, fields) in by_model.items():
            model.objects.bulk_update(objs, sorted(fields), batch_size=500)
