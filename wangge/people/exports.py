"""Exporting the registry of an area in the import's own columns, so that the file can be edited
and imported back (an unedited export re-imports to no change). ID numbers and phones are
written unmasked, since the file is for re-import: every export is logged in the access log."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.audit import record_access
from wangge.core.exports import XlsxColumn, write_xlsx
from wangge.core.scope import EXPORT
from wangge.places.models import Area, Household

from .import_areas import AreaIndex
from .models import Residence, SpecialGroup
from .registry_vocab import HEADERS, RELATION_LABELS, special_label

EXPORT_KEYS = [
    "street",
    "community",
    "grid",
    "estate",
    "building",
    "unit",
    "floor",
    "room",
    "householder",
    "people_count",
    "household_phone",
    "name",
    "id_number",
    "phone",
    "relation",
    "special",
]
TEXT_KEYS = {"building", "unit", "room", "household_phone", "id_number", "phone"}
WIDTHS = {
    "id_number": 21,
    "phone": 14,
    "household_phone": 14,
    "special": 18,
    "estate": 14,
    "grid": 12,
    "community": 12,
    "street": 12,
}
COLUMNS = [XlsxColumn(HEADERS[k], WIDTHS.get(k, 9), k in TEXT_KEYS) for k in EXPORT_KEYS]
RELATION_ORDER = {"householder": 0, "member": 1, "tenant": 2, "temporary": 3}


def _scoped(qs: QuerySet, user, action: str = EXPORT) -> QuerySet:
    """The system (user None: command line) sees everything; a user only their scope."""
    return qs if user is None else qs.for_user(user, action)


def registry_rows(area: Area, user=None) -> Iterator[list]:
    """One row per person living in a household of `area` (each person once), and one row per
    household without anyone, ordered as the buildings are walked."""
    households = (
        _scoped(Household.objects, user)
        .filter(scope_path__startswith=area.path)
        .select_related("building__estate", "building__area", "unit")
        .order_by(
            "building__area__path",
            "building__estate__name",
            "building__sort_key",
            "building__number",
            "unit__sort_key",
            "unit__number",
            "floor",
            "room",
        )
    )
    residences = (
        _scoped(Residence.objects, user)
        .filter(scope_path__startswith=area.path, until__isnull=True)
        .select_related("person")
        .order_by("household_id", "id")
    )
    by_household: dict[int, list[Residence]] = {}
    for r in residences.iterator(chunk_size=5000):
        by_household.setdefault(r.household_id, []).append(r)
    kinds: dict[int, list[str]] = {}
    groups = SpecialGroup.objects.filter(scope_path__startswith=area.path)
    for person_id, kind in _scoped(groups, user).values_list("person_id", "kind"):
        kinds.setdefault(person_id, []).append(kind)
    index = AreaIndex(None, create=False, actor=None)
    names: dict[int, dict[str, str]] = {}
    seen: set[int] = set()
    for hh in households.iterator(chunk_size=2000):
        b = hh.building
        if b.area_id not in names:
            names[b.area_id] = index.names(index.by_id[b.area_id])
        place = names[b.area_id]
        head = [
            place["street"],
            place["community"],
            place["grid"],
            b.estate.name if b.estate_id else "",
            b.number,
            hh.unit.number,
            hh.floor,
            hh.room,
            hh.householder_name,
            hh.people_count,
            hh.phone,
        ]
        people = sorted(
            by_household.get(hh.pk, []), key=lambda r: (RELATION_ORDER.get(r.relation, 9), r.pk)
        )
        people = [r for r in people if r.person_id not in seen]
        if not people:
            yield [*head, "", "", "", "", ""]
        for r in people:
            seen.add(r.person_id)
            p = r.person
            yield [
                *head,
                p.name,
                p.id_number or "",
                p.phone,
                RELATION_LABELS.get(r.relation, ""),
                special_label(kinds.get(p.pk, [])),
            ]


def export_title(area: Area) -> str:
    return _("%(area)s 人口登记表（导出于 %(date)s）") % {
        "area": area.full_name(),
        "date": timezone.localdate().isoformat(),
    }


def export_registry(area: Area, target, *, user=None) -> int:
    """Write the registry of `area` to `target` (path or file) and log the export; returns rows."""
    count = write_xlsx(
        target,
        columns=COLUMNS,
        rows=registry_rows(area, user),
        title=export_title(area),
        sheet_name=area.name,
    )
    record_access(
        user,
        "export",
        _("人口登记表：%(area)s") % {"area": area.full_name()},
        fields="id_number,phone",
        rows=count,
        scope_path=area.path,
    )
    return count


def export_filename(area: Area) -> str:
    return f"{area.name}-人口登记表-{timezone.localdate():%Y%m%d}.xlsx"
