"""The names behind the who-is-left counts: one row per person with where they live, marks,
the door-to-door marker and the grid leader; the export columns (ID numbers and phones masked)
shared by the web export, the print list, the API and `wangge testing missing`; and the
round-over-round comparison."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.exports import XlsxColumn
from wangge.core.gcpause import gc_paused
from wangge.core.mask import mask_id, mask_phone
from wangge.core.scope import VIEW
from wangge.people.leaders import leaders
from wangge.people.models import LeaderAssignment, Person, Residence, SpecialGroup

from .models import DoorVisit, Round, Sample, Tube
from .whoisleft import Board, Counts, board

SPECIAL_LABELS = dict(SpecialGroup.Kind.choices)
DOOR_LABELS = dict(DoorVisit.Reason.choices)


@dataclass(slots=True)
class PersonRow:
    person_id: int
    name: str
    id_number: str
    phone: str
    grid_id: int | None = None
    grid: str = ""
    building_id: int | None = None
    building: str = ""
    unit: str = ""
    floor: int | None = None
    room: str = ""
    special: list[str] = field(default_factory=list)
    door: str = ""  # why the person is on the round's door-to-door list, if they are
    leader_name: str = ""
    leader_phone: str = ""
    tubes: list[str] = field(default_factory=list)  # positive tubes (positive/retest lists)
    retest_pending: bool = False
    sort_key: tuple = ()

    @property
    def address(self) -> str:
        if not self.building:
            return ""
        return _("%(building)s%(unit)s单元%(room)s室") % {
            "building": self.building,
            "unit": self.unit,
            "room": self.room,
        }

    @property
    def masked_id(self) -> str:
        return mask_id(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


HOME_FIELDS = (
    "person_id",
    "household__building__area_id",
    "household__building__area__name",
    "household__building__area__parent__name",
    "household__building__area__code",
    "household__building_id",
    "household__building__number",
    "household__building__name",
    "household__building__sort_key",
    "household__building__estate__name",
    "household__unit__number",
    "household__unit__sort_key",
    "household__floor",
    "household__room",
)


CHUNK = 10000  # ids per IN (…) list: below SQLite's and PostgreSQL's parameter limits


def _each(qs: QuerySet, field: str, ids: list[int] | QuerySet, *values: str) -> Iterable[tuple]:
    """values_list rows of `qs` whose `field` is one of `ids`: a subquery when `ids` is a
    queryset of persons (one statement, no ids through Python), else a chunk of ids at a time."""
    if isinstance(ids, QuerySet):
        yield from qs.filter(**{f"{field}__in": ids.order_by().values("pk")}).values_list(*values)
        return
    for i in range(0, len(ids), CHUNK):
        yield from qs.filter(**{f"{field}__in": ids[i : i + CHUNK]}).values_list(*values)


def person_rows(
    rnd: Round,
    persons: QuerySet[Person] | list[int],
    *,
    positive_tubes: bool = False,
    marks: bool = True,
) -> list[PersonRow]:
    """Rows for `persons` (a queryset or a list of ids), sorted by grid, building, unit, floor
    and room. Five or six queries for up to CHUNK persons (three or four more per CHUNK);
    `marks=False` leaves out the special groups and the door-to-door marker (two queries less,
    for the exports that do not show them)."""
    with gc_paused():
        return _person_rows(rnd, persons, positive_tubes, marks)


def _person_rows(rnd, persons, positive_tubes: bool, marks: bool) -> list[PersonRow]:
    qs = persons if isinstance(persons, QuerySet) else Person.objects.filter(pk__in=persons)
    rows: dict[int, PersonRow] = {}
    for pid, name, id_number, phone in qs.order_by().values_list(
        "pk", "name", "id_number", "phone"
    ):
        rows[pid] = PersonRow(pid, name, id_number or "", phone, sort_key=("~", name))
    # The persons' own query again as a subquery, rather than thousands of ids as parameters.
    ids = persons if isinstance(persons, QuerySet) else list(rows)
    homes = _each(
        Residence.objects.filter(living=True, until__isnull=True).order_by("-registered", "id"),
        "person_id",
        ids,
        *HOME_FIELDS,
    )
    seen: set[int] = set()
    labels: dict[int, str] = {}  # building id -> label (gettext once per building)
    for pid, *home in homes:
        if pid in seen or pid not in rows:
            continue
        seen.add(pid)
        row = rows[pid]
        (
            area_id,
            grid,
            parent,
            code,
            b_id,
            number,
            b_name,
            b_key,
            estate,
            unit,
            u_key,
            floor,
            room,
        ) = home
        if b_id not in labels:
            label = b_name or _("%(number)s号楼") % {"number": number}
            labels[b_id] = f"{estate} {label}" if estate else label
        row.grid_id, row.grid, row.building_id = area_id, f"{parent} {grid}".strip(), b_id
        row.building = labels[b_id]
        row.unit, row.floor, row.room = unit, floor, room
        row.sort_key = (code, estate or "", b_key, number, u_key, unit, floor, room, row.name)
    if marks:
        special = {k: str(v) for k, v in SPECIAL_LABELS.items()}
        groups = SpecialGroup.objects.all()
        for pid, kind in _each(groups, "person_id", ids, "person_id", "kind"):
            rows[pid].special.append(special.get(kind, kind))
        door = {k: str(v) for k, v in DOOR_LABELS.items()}
        # A round's door-to-door list is short: read it whole rather than through the persons.
        visits = DoorVisit.objects.filter(round=rnd).values_list("person_id", "reason")
        for pid, reason in visits:
            if pid in rows:
                rows[pid].door = door.get(reason, reason)
    if positive_tubes:
        samples = Sample.objects.filter(round=rnd, tube__result=Tube.Result.POSITIVE)
        fields = ("person_id", "tube__barcode", "tube__capacity")
        for pid, barcode, capacity in _each(samples, "person_id", ids, *fields):
            rows[pid].tubes.append(barcode if capacity > 1 else _("%(b)s（单管）") % {"b": barcode})
    grid_leaders = leaders(
        LeaderAssignment.Role.GRID, area_id__in={r.grid_id for r in rows.values() if r.grid_id}
    )
    for row in rows.values():
        row.leader_name, row.leader_phone = grid_leaders.get(row.grid_id, ("", ""))
    return sorted(rows.values(), key=lambda r: r.sort_key)


# --- export columns --------------------------------------------------------------------------

COLUMNS = [
    XlsxColumn(gettext_lazy("网格"), 14),
    XlsxColumn(gettext_lazy("楼栋"), 16),
    XlsxColumn(gettext_lazy("单元"), 6, text=True),
    XlsxColumn(gettext_lazy("户号"), 8, text=True),
    XlsxColumn(gettext_lazy("姓名"), 10),
    XlsxColumn(gettext_lazy("身份证号"), 22, text=True),
    XlsxColumn(gettext_lazy("联系电话"), 14, text=True),
    XlsxColumn(gettext_lazy("网格长"), 10),
    XlsxColumn(gettext_lazy("网格长电话"), 14, text=True),
]
EXTRA_COLUMNS = [
    XlsxColumn(gettext_lazy("特殊人群"), 16),
    XlsxColumn(gettext_lazy("上门采样"), 10),
    XlsxColumn(gettext_lazy("阳性试管"), 18, text=True),
]


def columns(extra: bool = True) -> list[XlsxColumn]:
    """The columns with their labels in the active language."""
    cols = COLUMNS + (EXTRA_COLUMNS if extra else [])
    return [XlsxColumn(str(c.label), c.width, c.text) for c in cols]


def export_row(row: PersonRow, extra: bool = True) -> list[str]:
    """One row of the list, masked: grid, building, unit, room, name, ID, phone, leader."""
    out = [
        row.grid,
        row.building,
        row.unit,
        row.room,
        row.name,
        row.masked_id,
        row.masked_phone,
        row.leader_name,
        row.leader_phone,
    ]
    if extra:
        out += ["、".join(row.special), row.door, "、".join(row.tubes)]
    return out


def group_by_unit(rows: Iterable[PersonRow]) -> list[tuple[str, list[PersonRow]]]:
    """Rows grouped by grid, building and unit, for the door-knocking print list."""
    groups: dict[str, list[PersonRow]] = defaultdict(list)
    for row in rows:
        key = " ".join(x for x in (row.grid, row.building, _("%(n)s单元") % {"n": row.unit}) if x)
        groups[key if row.building else row.grid or _("住址未登记")].append(row)
    return list(groups.items())


# --- round over round ------------------------------------------------------------------------

STABLE_SHARE = 0.02  # sampled within ±2 % of the previous round


@dataclass
class CompareLine:
    label: str
    now: Counts
    before: Counts | None
    leader_name: str = ""
    leader_phone: str = ""
    parent: str = ""

    @property
    def change(self) -> int | None:
        return None if self.before is None else self.now.sampled - self.before.sampled

    @property
    def stable(self) -> bool | None:
        if self.before is None:
            return None
        return abs(self.change) <= STABLE_SHARE * max(self.before.sampled, 1)


def _key(line) -> object:
    return line.obj.pk if line.obj is not None else line.label


def compare(rnd: Round, user) -> tuple[list[CompareLine], CompareLine]:
    """Per grid, this round's expected and sampled beside the previous round's."""
    now: Board = board(rnd, user)
    prev = board(rnd.previous, user) if rnd.previous_id else None
    before = {_key(line): line.counts for line in prev.grids} if prev else {}
    lines = [
        CompareLine(
            line.label,
            line.counts,
            before.get(_key(line), Counts()) if prev else None,
            line.leader_name,
            line.leader_phone,
            line.parent,
        )
        for line in now.grids
    ]
    return lines, CompareLine(_("合计"), now.total, prev.total if prev else None)


def dropped_persons(rnd: Round, user) -> QuerySet[Person]:
    """People sampled in the previous round but not (yet) in this one, in the user's scope."""
    if not rnd.previous_id:
        return Person.objects.none()
    prev = Sample.objects.filter(round_id=rnd.previous_id, person=OuterRef("pk"))
    this = Sample.objects.filter(round=rnd, person=OuterRef("pk"))
    return (
        Person.objects.for_user(user, VIEW)
        .within(rnd.area.path)
        .filter(Exists(prev))
        .exclude(Exists(this))
        .order_by("scope_path", "name", "pk")
    )
