"""Importing the registry as workers keep it: one row per person (or per household), with
楼号、单元、楼层、户号、户名、现居人数、联系电话 and 姓名、身份证号、联系电话、与户主关系、特殊人群,
optionally 街道/社区/网格/小区 or a one-cell 地址.

A row is imported (a new person; a new household for a row without a person), updated (an
existing person or household matched, changed or not) or rejected (nothing of it is written).
Persons are matched by ID number, else by name within the household; households by
(unit, room); buildings by (grid, estate, number). Re-importing a file changes nothing.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.db import analyze_after_bulk_load
from wangge.core.imports import (
    Column,
    Importer,
    ImportFormatError,
    ImportSpec,
    Report,
    Row,
    RowError,
    Table,
    read_table,
)
from wangge.core.normalize import (
    NormalizationError,
    clean_text,
    normalize_id_number,
    normalize_name,
    normalize_number_label,
    normalize_phone,
    normalize_room,
    parse_address,
    parse_floor,
)
from wangge.core.scope import CHANGE, IMPORT, covers
from wangge.places.models import Area

from .import_areas import AreaIndex
from .import_writer import RegistryWriter
from .registry_vocab import COLUMNS, parse_relation, parse_special

PERSON_KEYS = ("name", "id_number", "relation", "special")


@lru_cache(maxsize=4096)
def _label(raw: str) -> str:
    return normalize_number_label(raw)


@lru_cache(maxsize=16384)
def _room(raw: str) -> str:
    return normalize_room(raw)


@lru_cache(maxsize=1024)
def _floor(raw: str) -> int | None:
    return parse_floor(raw)


@lru_cache(maxsize=4096)
def _place_name(raw: str) -> str:
    return clean_text(raw)


@lru_cache(maxsize=256)
def _count(raw: str) -> int:
    text = clean_text(raw).removesuffix("人").removesuffix("口").strip()
    if not text.isdigit() or int(text) > 999:
        raise NormalizationError(_("现居人数应为0到999之间的整数"))
    return int(text)


def _phone(raw: Any) -> str:
    return normalize_phone(raw)


NORMALISERS = {
    "street": _place_name,
    "community": _place_name,
    "grid": _place_name,
    "estate": _place_name,
    "address": clean_text,
    "building": _label,
    "unit": _label,
    "floor": _floor,
    "room": _room,
    "householder": normalize_name,
    "people_count": _count,
    "household_phone": _phone,
    "name": normalize_name,
    "id_number": normalize_id_number,
    "phone": _phone,
    "relation": parse_relation,
    "special": parse_special,
}
FILL_GROUPS = {
    "street": "area",
    "community": "area",
    "grid": "area",
    "estate": "area",
    "building": "building",
    "unit": "unit",
    "address": "household",
    "floor": "household",
    "room": "household",
    "householder": "household",
    "people_count": "household",
    "household_phone": "household",
}
RAW_CELLS = {"id_number", "phone", "household_phone", "floor"}

REGISTRY_SPEC = ImportSpec(
    columns=[
        Column(
            key, label, synonyms, NORMALISERS[key], FILL_GROUPS.get(key, ""), raw=key in RAW_CELLS
        )
        for key, label, synonyms in COLUMNS
    ],
    fill_order=("area", "building", "unit", "household"),
)
LOCATION_KEYS = ("building", "unit", "room")
MISSING = {
    "building": gettext_lazy("楼号不能为空"),
    "unit": gettext_lazy("单元不能为空"),
    "room": gettext_lazy("户号不能为空"),
}


class RegistryImporter(Importer):
    spec = REGISTRY_SPEC

    def __init__(
        self, *, area: Area | None, actor=None, create_areas: bool = False, progress=None
    ) -> None:
        super().__init__(actor=actor, progress=progress)
        self.area = area
        self.create_areas = create_areas
        self.seen_ids: dict[str, int] = {}
        self.seen_names: dict[tuple, int] = {}
        self.household_people: dict[tuple, int] = {}
        self.areas: AreaIndex | None = None
        self.writer: RegistryWriter | None = None

    # --- reading and checking rows ---------------------------------------------------------

    def check_table(self, table: Table) -> None:
        has_address = table.has("address")
        missing = [k for k in LOCATION_KEYS if not table.has(k)]
        if missing and not has_address:
            labels = "、".join(self.spec.by_key[k].label for k in missing)
            raise ImportFormatError(
                _("缺少列：%(cols)s（或一列“地址”，如 3号楼2单元501室）") % {"cols": labels}
            )

    def validate(self, table: Table, row: Row, values: dict[str, Any]) -> list[RowError]:
        errors: list[RowError] = []
        if any(not values.get(k) for k in LOCATION_KEYS) and values.get("address"):
            try:
                parts = parse_address(values["address"])
            except NormalizationError as exc:
                return [self.error(table, row, "address", str(exc))]
            for key in LOCATION_KEYS:
                values[key] = values.get(key) or getattr(parts, key)
            values["estate"] = values.get("estate") or parts.estate
            if values.get("floor") in ("", None):
                values["floor"] = parts.floor
        for key in LOCATION_KEYS:
            if not values.get(key):
                errors.append(
                    self.error(
                        table, row, key if table.has(key) else "address", str(MISSING[key]), ""
                    )
                )
        if errors:
            return errors
        floor = values.get("floor")
        if floor in ("", None):
            floor = parse_floor("", values["room"]) or 1
        if not -10 <= floor <= 200:
            return [self.error(table, row, "floor", _("楼层超出范围"))]
        values["floor"] = floor
        place = (
            values.get("street", ""),
            values.get("community", ""),
            values.get("grid", ""),
            values.get("estate", ""),
            values["building"],
            values["unit"],
            values["room"],
        )
        values["_place"] = place
        is_person = table.has("name") and any(values.get(k) for k in PERSON_KEYS)
        if not table.has("name") and values.get("phone") and not values.get("household_phone"):
            values["household_phone"] = values["phone"]  # a household list: the phone is theirs
        values["_person"] = is_person
        if not is_person:
            return []
        if not values.get("name"):
            return [self.error(table, row, "name", _("姓名不能为空"))]
        id_number = values.get("id_number")
        if id_number:
            first = self.seen_ids.setdefault(id_number, row.number)
            if first != row.number:
                return [
                    self.error(
                        table, row, "id_number", _("身份证号与第%(row)d行重复") % {"row": first}
                    )
                ]
        else:
            first = self.seen_names.setdefault((place, values["name"]), row.number)
            if first != row.number:
                return [
                    self.error(
                        table,
                        row,
                        "name",
                        _("同一户中姓名与第%(row)d行重复，请填写身份证号以区分") % {"row": first},
                    )
                ]
        self.household_people[place] = self.household_people.get(place, 0) + 1
        return []

    # --- writing ---------------------------------------------------------------------------

    def prepare(self, table: Table, accepted) -> None:
        self.areas = AreaIndex(self.area, create=self.create_areas, actor=self.actor)
        self.writer = RegistryWriter(self, table)

    def may_change(self, path: str) -> bool:
        """May this import change a person already registered at `path` (matched by ID)?"""
        if self.actor is None:
            return True
        if self.area is not None and path.startswith(self.area.path) and path:
            return True
        return covers(self.actor, path, CHANGE) or covers(self.actor, path, IMPORT)

    def resolve_grid(self, values: dict[str, Any]):
        return self.areas.resolve(
            (values.get("street", ""), values.get("community", ""), values.get("grid", ""))
        )

    def write_batch(self, table: Table, batch, report: Report) -> None:
        self.writer.write(batch, report)


def import_registry(
    source,
    *,
    name: str = "",
    area: Area | None,
    actor=None,
    create_areas: bool = False,
    progress=None,
) -> Report:
    """Read a registry file (path or bytes) and import it; raises ImportFormatError."""
    importer = RegistryImporter(
        area=area, actor=actor, create_areas=create_areas, progress=progress
    )
    report = importer.run(read_table(source, REGISTRY_SPEC, name))
    analyze_after_bulk_load(report.imported)
    return report


def run_import_job(job, progress) -> Report:
    """The task's entry point for ImportJob(kind="registry")."""
    with job.file.open("rb") as fh:
        data = fh.read()
    return import_registry(
        data,
        name=job.original_name,
        area=job.area,
        actor=job.user,
        create_areas=bool(job.options.get("create_areas")),
        progress=progress,
    )


def count_rows(source, name: str = "") -> int:
    """Data rows of a registry file (to decide between importing now and in the background)."""
    return len(read_table(source, REGISTRY_SPEC, name).rows)
