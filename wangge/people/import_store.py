"""What the registry importer keeps in memory while it writes: the buildings, units, households,
persons, residences and special groups of every grid it touches, loaded once per grid (a few
queries), so that matching a row never queries the database."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.db import connections, models, router
from django.utils import timezone

from wangge.core.audit import _jsonable
from wangge.core.normalize import id_info, name_initials
from wangge.places.models import Area, Building, Estate, Household, Unit

from .import_areas import name_key
from .models import Person, Residence, SpecialGroup

CHUNK = 900


def chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class RegistryStore:
    def __init__(self) -> None:
        self.grids: set[int] = set()
        self.estates: dict[tuple[int, str], Estate] = {}
        self.estate_by_pk: dict[int, Estate] = {}
        self.buildings: dict[tuple[int, int | None, str], Building] = {}
        self.buildings_by_number: dict[tuple[int, str], list[Building]] = {}
        self.units: dict[tuple[int, str], Unit] = {}
        self.households: dict[tuple[int, str], Household] = {}
        self.persons: dict[int, Person] = {}
        self.by_id_number: dict[str, Person] = {}
        self.missing_ids: set[str] = set()
        self.members: dict[tuple[int, str], Person] = {}
        self.residences: dict[tuple[int, int], Residence] = {}
        self.groups: dict[int, dict[str, SpecialGroup]] = {}
        self.groups_loaded: set[int] = set()

    # --- registering (loaded or created) ----------------------------------------------------

    def add_estate(self, e: Estate) -> Estate:
        self.estates[(e.area_id, name_key(e.name))] = e
        self.estate_by_pk[e.pk] = e
        return e

    def add_building(self, b: Building) -> None:
        self.buildings[(b.area_id, b.estate_id, b.number)] = b
        self.buildings_by_number.setdefault((b.area_id, b.number), []).append(b)

    def add_unit(self, u: Unit) -> None:
        self.units[(u.building_id, u.number)] = u

    def add_household(self, h: Household) -> None:
        self.households[(h.unit_id, h.room)] = h

    def add_person(self, p: Person) -> Person:
        known = self.persons.get(p.pk)
        if known is not None:
            return known
        self.persons[p.pk] = p
        if p.id_number:
            self.by_id_number[p.id_number] = p
        return p

    def add_residence(self, r: Residence, person: Person, household: Household) -> None:
        r.person, r.household = person, household
        self.residences[(person.pk, household.pk)] = r
        self.members.setdefault((household.pk, person.name), person)

    def add_group(self, g: SpecialGroup) -> None:
        self.groups.setdefault(g.person_id, {})[g.kind] = g

    # --- loading ----------------------------------------------------------------------------

    def load_estates(self, area_ids: Iterable[int]) -> None:
        for e in Estate.objects.filter(area_id__in=list(area_ids)):
            if e.pk not in self.estate_by_pk:
                self.add_estate(e)

    def load_grid(self, grid: Area, ancestors: list[int]) -> None:
        """Everything in one grid, with related objects wired (no lazy queries afterwards)."""
        if grid.pk in self.grids:
            return
        self.grids.add(grid.pk)
        self.load_estates([grid.pk, *ancestors])
        buildings = {b.pk: b for b in Building.objects.filter(area_id=grid.pk)}
        missing = {b.estate_id for b in buildings.values()} - set(self.estate_by_pk) - {None}
        if missing:
            for e in Estate.objects.filter(pk__in=missing):
                self.add_estate(e)
        for b in buildings.values():
            b.area = grid
            b.estate = self.estate_by_pk.get(b.estate_id) if b.estate_id else None
            self.add_building(b)
        units = {u.pk: u for u in Unit.objects.filter(building__area_id=grid.pk)}
        for u in units.values():
            u.building = buildings[u.building_id]
            self.add_unit(u)
        households = {h.pk: h for h in Household.objects.filter(building__area_id=grid.pk)}
        for h in households.values():
            h.unit, h.building = units[h.unit_id], buildings[h.building_id]
            self.add_household(h)
        residences = list(
            Residence.objects.filter(household__building__area_id=grid.pk).order_by("id")
        )
        self.load_persons([r.person_id for r in residences if r.person_id not in self.persons])
        for r in residences:
            self.add_residence(r, self.persons[r.person_id], households[r.household_id])

    def load_persons(self, pks: list[int]) -> None:
        pks = [pk for pk in dict.fromkeys(pks) if pk not in self.persons]
        for part in chunks(pks):
            for p in Person.objects.filter(pk__in=part):
                self.add_person(p)
        self.load_groups(pks)

    def load_groups(self, pks: list[int]) -> None:
        pks = [pk for pk in pks if pk not in self.groups_loaded]
        self.groups_loaded.update(pks)
        for part in chunks(pks):
            for g in SpecialGroup.objects.filter(person_id__in=part):
                g.person = self.persons[g.person_id]
                self.add_group(g)

    def find_ids(self, id_numbers: Iterable[str]) -> None:
        """Load the persons with these ID numbers, wherever they live."""
        todo = [
            i
            for i in dict.fromkeys(id_numbers)
            if i and i not in self.by_id_number and i not in self.missing_ids
        ]
        found: list[int] = []
        for part in chunks(todo):
            for p in Person.objects.filter(id_number__in=part):
                found.append(self.add_person(p).pk)
        self.missing_ids.update(i for i in todo if i not in self.by_id_number)
        self.load_groups(found)


# --- fast writes ---------------------------------------------------------------------------
#
# Django's bulk_create spends most of its time compiling SQL in Python (about 20 µs a row here).
# These write the same rows with one executemany per table: ids are reserved from the sequence
# on PostgreSQL, and on SQLite read back from last_insert_rowid() (inside the batch's write
# transaction ids are consecutive: the tables are AUTOINCREMENT and no one else can write).


def _converter(field: models.Field, connection) -> Any:
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return connection.ops.adapt_datetimefield_value
    if kind == "DateField":
        return connection.ops.adapt_datefield_value
    if kind == "JSONField":
        encoder = field.encoder
        return lambda v: None if v is None else json.dumps(v, cls=encoder)
    if kind in ("UUIDField", "DecimalField", "TimeField", "DurationField", "BinaryField"):
        return lambda v, f=field: f.get_db_prep_save(v, connection)
    return None


def insert_rows(model: type[models.Model], columns: list[str], rows: list[tuple]) -> None:
    """INSERT plain value tuples (already in database form) into `model`'s table."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    qn = connection.ops.quote_name
    # Table and column names come from the model's metadata (quoted); values are parameters.
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: one round trip for the whole batch.
            copy_sql = (
                f"COPY {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
            )
            with cursor.cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        for part in chunks(rows, 5000):
            cursor.executemany(sql, part)


def bulk_insert(model: type[models.Model], objs: list[Any]) -> None:
    """Insert unsaved instances and give them their ids (like bulk_create, without signals)."""
    if not objs:
        return
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for obj in objs:
                if getattr(obj, f.attname) is None:
                    setattr(obj, f.attname, now)
    relations = [f for f in fields if f.is_relation]
    for obj in objs:
        cache, values = obj._state.fields_cache, obj.__dict__
        for f in relations:
            if values.get(f.attname) is None:
                related = cache.get(f.name)
                if related is not None:
                    values[f.attname] = related.pk  # not setattr: that would drop the cache
    convert = [(f.attname, _converter(f, connection)) for f in fields]
    rows = [
        tuple(conv(getattr(obj, name)) if conv else getattr(obj, name) for name, conv in convert)
        for obj in objs
    ]
    columns = [f.column for f in fields]
    pk = meta.pk
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, pk.column, len(objs)],
            )
            ids = [r[0] for r in cursor.fetchall()]
            rows = [(i, *row) for i, row in zip(ids, rows, strict=True)]
            columns = [pk.column, *columns]
            insert_rows(model, columns, rows)
        else:
            insert_rows(model, columns, rows)
            cursor.execute("SELECT last_insert_rowid()")
            last = cursor.fetchone()[0]
            ids = range(last - len(objs) + 1, last + 1)
            table, column = qn(meta.db_table), qn(pk.column)
            cursor.execute(
                f"SELECT COUNT(*) FROM {table} WHERE {column} BETWEEN %s AND %s",  # noqa: S608
                [ids[0], ids[-1]],
            )
            if cursor.fetchone()[0] != len(objs):
                raise RuntimeError(f"ids of {meta.db_table} are not consecutive")
    for obj, i in zip(objs, ids, strict=True):
        obj.pk = i
        obj._state.adding = False
        obj._state.db = connection.alias


# --- person search keys and audit snapshots, without per-row overhead ----------------------


def _letter(reading: str) -> str:
    return unicodedata.normalize("NFKD", reading[:1]).encode("ascii", "ignore").decode().lower()


@lru_cache(maxsize=1)
def _pinyin_tables() -> tuple[dict[str, str], dict]:
    """Character → initial of its first reading (what pypinyin gives a character outside any
    phrase), and pypinyin's phrase dictionary."""
    from pypinyin.phrases_dict import phrases_dict
    from pypinyin.pinyin_dict import pinyin_dict

    first = {}
    for code, readings in pinyin_dict.items():
        letter = _letter(readings.split(",", 1)[0])
        if letter.isascii() and letter.isalpha():
            first[chr(code)] = letter
    return first, phrases_dict


def initials(name: str) -> str:
    """Exactly normalize.name_initials(name), without pypinyin's segmentation for the usual
    name: Chinese characters of which no two or more in a row form a phrase it knows."""
    first, phrases = _pinyin_tables()
    try:
        letters = [first[c] for c in name]
    except KeyError:
        return name_initials(name)
    n = len(name)
    for i in range(n - 1):
        for j in range(i + 2, n + 1):
            if name[i:j] in phrases:
                return name_initials(name)
    return "".join(letters)


def fill_person(person: Person) -> None:
    """Person.fill_derived() with the fast initials (the tests check both agree)."""
    person.name_initials = initials(person.name)
    person.phone_tail = (person.phone or "")[-4:]
    person.id_tail = (person.id_number or "")[-4:]
    if person.id_number and len(person.id_number) == 18:
        info = id_info(person.id_number)
        if info:
            person.sex, person.birth_date = info


_PLAIN = (str, int, bool, float, type(None))


@lru_cache(maxsize=32)
def _snapshot_names(model: type[models.Model]) -> tuple[str, ...]:
    return tuple(
        f.attname for f in model._meta.concrete_fields if f.name not in {"scope_path", "updated_at"}
    )


def fast_snapshot(obj: models.Model) -> dict[str, Any]:
    """audit.snapshot(obj), converting only the values that need it."""
    out = {}
    for name in _snapshot_names(type(obj)):
        value = getattr(obj, name)
        out[name] = value if type(value) in _PLAIN else _jsonable(value)
    return out


LOG_COLUMNS = [
    "scope_path",
    "at",
    "actor_id",
    "channel",
    "action",
    "model",
    "object_id",
    "object_repr",
    "before",
    "after",
    "request_id",
]


class ChangeRows:
    """Change-log rows as value tuples (what audit.change_row builds, without model instances)."""

    def __init__(self, actor) -> None:
        from wangge.core.audit import channel_var, request_id_var
        from wangge.core.models import ChangeLog

        names = {f.column for f in ChangeLog._meta.concrete_fields if not f.primary_key}
        assert names == set(LOG_COLUMNS), "ChangeLog columns changed: update LOG_COLUMNS"
        connection = connections[router.db_for_write(ChangeLog)]
        self.at = connection.ops.adapt_datetimefield_value(timezone.now())
        self.actor_id = actor.pk if getattr(actor, "pk", None) else None
        self.channel, self.request_id = channel_var.get(), request_id_var.get()
        self.encoder = ChangeLog._meta.get_field("before").encoder
        self.rows: list[tuple] = []

    def add(self, action: str, obj: models.Model, before=None, after=None, text: str = "") -> None:
        dumps, enc = json.dumps, self.encoder
        self.rows.append(
            (
                getattr(obj, "scope_path", "") or "",
                self.at,
                self.actor_id,
                self.channel,
                action,
                obj._meta.label_lower,
                str(obj.pk),
                (text or str(obj))[:200],
                None if before is None else dumps(before, cls=enc),
                None if after is None else dumps(after, cls=enc),
                self.request_id,
            )
        )

    def write(self) -> None:
        from wangge.core.models import ChangeLog

        insert_rows(ChangeLog, LOG_COLUMNS, self.rows)
        self.rows = []
