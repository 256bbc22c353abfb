"""Linking an area's imported contact rows into merged people (筛重) and to the registry.

`link_pending(area, actor=…)` reads, in bulk, the area's rows not yet linked, its merged people
and its registry persons (with their households), runs the engine `link_frame` (exact keys,
then Splink — see linkage_frame / linkage_splink), and writes the result in one transaction:
rows join existing people or new ones, people get their registry match, household and scope,
and the grey zone becomes MatchPairs for the review queue (unless a worker already decided).
Linking is per area: rows of one street never join another street's people.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from wangge.core.audit import change_row
from wangge.core.models import ChangeLog
from wangge.core.normalize import normalize_name
from wangge.people.models import Person, Residence
from wangge.places.models import Area

from .linkage_frame import Links, link_frame
from .linkage_keys import valid_id
from .models import Batch, ContactPerson, ContactRow, ListKind, MatchDecision, MatchPair

__all__ = ["LinkResult", "Links", "link_frame", "link_pending", "refresh_people"]

KIND_ORDER = [ListKind.CLOSE, ListKind.SECONDARY, ListKind.SITE_ROSTER, ListKind.OTHER]


@dataclass
class LinkResult:
    rows: int = 0
    exact: int = 0  # rows joined by a valid ID or phone + name
    probabilistic: int = 0  # rows joined by the Splink model
    review: int = 0  # new pairs in the review queue
    new: int = 0  # new merged people
    registry: int = 0  # people newly matched to a registry person


def _registry(path: str) -> tuple[list[dict], dict[int, tuple[int, str]]]:
    """The registry persons under `path` as engine records, and person → (household, path)."""
    homes: dict[int, tuple[int, str, str]] = {}
    residences = (
        Residence.objects.filter(person__scope_path__startswith=path)
        .order_by("-living", "until", "pk")
        .values_list(
            "person_id",
            "household_id",
            "household__scope_path",
            "household__building__estate__name",
            "household__building__number",
            "household__unit__number",
            "household__room",
        )
    )
    for pid, hid, hpath, estate, building, unit, room in residences:
        if pid not in homes:
            homes[pid] = (hid, hpath, f"{estate or ''}{building}号楼{unit}单元{room}")
    records = [
        {
            "unique_id": f"p:{pk}",
            "name": name,
            "id_number": id_number or "",
            "phone": phone,
            "birth": birth,
            "address": homes.get(pk, (0, "", ""))[2],
        }
        for pk, name, id_number, phone, birth in Person.objects.within(path).values_list(
            "pk", "name", "id_number", "phone", "birth_date"
        )
    ]
    return records, {pid: (hid, hpath) for pid, (hid, hpath, _a) in homes.items()}


def _decisions() -> dict[tuple[str, str], bool]:
    return {
        (a, b): same for a, b, same in MatchDecision.objects.values_list("key_a", "key_b", "same")
    }


def refresh_people(pks) -> None:
    """Recompute each person's best values (most frequent name, valid ID, phone; longest
    address), kind, days and row count from their rows."""
    rows: dict[int, list] = {}
    for row in ContactRow.objects.filter(entity_id__in=list(pks)).values_list(
        "entity_id", "name", "id_number", "phone", "address", "batch__day", "batch__kind"
    ):
        rows.setdefault(row[0], []).append(row)
    people = list(ContactPerson.objects.filter(pk__in=list(rows)))
    for p in people:
        rs = rows[p.pk]
        ids = Counter(valid_id(r[2]) for r in rs if valid_id(r[2]))
        p.name = Counter(normalize_name(r[1]) for r in rs).most_common(1)[0][0]
        p.id_number = ids.most_common(1)[0][0] if ids else (p.id_number or "")
        phones = Counter(r[3] for r in rs if r[3])
        p.phone = phones.most_common(1)[0][0] if phones else p.phone
        p.address = max((r[4] for r in rs), key=len, default="") or p.address
        p.kind = min((r[6] for r in rs), key=lambda k: KIND_ORDER.index(k))
        p.first_day = min(r[5] for r in rs)
        p.last_day = max(r[5] for r in rs)
        p.rows_count = len(rs)
    fields = ["name", "id_number", "phone", "address", "kind", "first_day", "last_day"]
    ContactPerson.objects.bulk_update(people, [*fields, "rows_count"], batch_size=2000)


def link_pending(area: Area, *, actor=None, at=None) -> LinkResult:
    """Link every row under `area` that has no merged person yet (see module doc)."""
    path = area.path
    result = LinkResult()
    rows = list(
        ContactRow.objects.within(path)
        .filter(entity__isnull=True)
        .values_list(
            "pk", "name", "id_number", "phone", "birth_date", "address", "batch_id", "scope_path"
        )
    )
    if not rows:
        return result
    result.rows = len(rows)
    row_path = {f"r:{r[0]}": r[7] for r in rows}
    records = [
        {
            "unique_id": f"r:{pk}",
            "name": name,
            "id_number": idn,
            "phone": phone,
            "birth": birth,
            "address": address,
            "source": f"b:{batch}",
        }
        for pk, name, idn, phone, birth, address, batch, _p in rows
    ]
    existing = {}
    people = ContactPerson.objects.within(path)
    # A merged person has no birth date of their own: their rows' (a sheet's 出生日期 column),
    # else a row without an ID would no longer meet them on name + birth date.
    births: dict[int, Counter] = {}
    for pk, born in ContactRow.objects.filter(
        entity__in=people, birth_date__isnull=False
    ).values_list("entity_id", "birth_date"):
        births.setdefault(pk, Counter())[born] += 1
    birth = {pk: max(c, key=lambda d: (c[d], d)) for pk, c in births.items()}
    for pk, name, idn, phone, address, person_id in people.values_list(
        "pk", "name", "id_number", "phone", "address", "person_id"
    ):
        existing[pk] = person_id
        anchor = f"c:{pk}" + (f" reg:p:{person_id}" if person_id else "")
        records.append(
            {
                "unique_id": f"c:{pk}",
                "name": name,
                "id_number": idn,
                "phone": phone,
                "birth": birth.get(pk),
                "address": address,
                "source": "merged",
                "anchor": anchor,
            }
        )
    registry, homes = _registry(path)
    links = link_frame(records, registry, decisions=_decisions())
    with transaction.atomic():
        _write(links, existing, homes, row_path, result, actor, at)
        Batch.objects.filter(pk__in={r[6] for r in rows}).update(status=Batch.Status.LINKED)
    return result


def _write(links: Links, existing, homes, row_path, result: LinkResult, actor, at) -> None:
    person_of: dict[str, int] = {}  # engine uid (rows and merged people) -> ContactPerson pk
    today = timezone.localdate(at) if at else timezone.localdate()  # replaced by refresh_people
    new_people, new_members = [], []
    for i, members in enumerate(links.clusters):
        cps = sorted(int(u[2:]) for u in members if u.startswith("c:"))
        if cps:
            for u in members:
                person_of[u] = cps[0]
        elif any(u.startswith("r:") for u in members):
            first = min(row_path[u] for u in members if u.startswith("r:"))
            new_people.append(
                ContactPerson(
                    name="",
                    kind=ListKind.OTHER,
                    first_day=today,
                    last_day=today,
                    scope_path=first,
                )
            )
            new_members.append((i, members))
    ContactPerson.objects.bulk_create(new_people, batch_size=2000)
    for p, (_i, members) in zip(new_people, new_members, strict=True):
        for u in members:
            person_of[u] = p.pk
    result.new = len(new_people)
    # Rows join their person.
    row_objs = []
    for uid in row_path:
        how, score = links.how.get(uid, ("new", None))
        if how in ("id", "phone_name"):
            result.exact += 1
        elif how == "probabilistic":
            result.probabilistic += 1
        row_objs.append(
            ContactRow(pk=int(uid[2:]), entity_id=person_of[uid], link=how, score=score)
        )
    ContactRow.objects.bulk_update(row_objs, ["entity", "link", "score"], batch_size=2000)
    touched = {person_of[u] for u in row_path}
    refresh_people(touched)
    _registry_matches(links, person_of, existing, homes, result)
    _review_pairs(links, person_of, result)
    created = ContactPerson.objects.filter(pk__in=[p.pk for p in new_people])
    ChangeLog.objects.bulk_create(
        [change_row(actor, ChangeLog.Action.CREATE, p) for p in created], batch_size=2000
    )


def _registry_matches(links: Links, person_of, existing, homes, result: LinkResult) -> None:
    updates = []
    for i, (reg_uid, how) in links.registry.items():
        pk = next((person_of[u] for u in links.clusters[i] if u in person_of), None)
        pid = int(reg_uid[2:])
        if pk is None or existing.get(pk) == pid:
            continue
        hid, hpath = homes.get(pid, (None, ""))
        cp = ContactPerson(pk=pk, person_id=pid, household_id=hid, person_match=how)
        cp.scope_path = hpath
        updates.append(cp)
        result.registry += 1
    with_home = [p for p in updates if p.household_id]
    without = [p for p in updates if not p.household_id]
    ContactPerson.objects.bulk_update(
        with_home, ["person", "household", "person_match", "scope_path"], batch_size=2000
    )
    ContactPerson.objects.bulk_update(
        without, ["person", "household", "person_match"], batch_size=2000
    )


def _review_pairs(links: Links, person_of, result: LinkResult) -> None:
    ids = set(person_of.values())
    # A merged person matched to a registry person *is* that person: a pair asked against the
    # one is not asked again against the other when a later import links the list again.
    registered = dict(
        ContactPerson.objects.filter(pk__in=ids, person__isnull=False).values_list(
            "pk", "person_id"
        )
    )

    def keys(left: int, right: int | None, person: int | None) -> set[frozenset]:
        raw = frozenset((f"c{left}", f"c{right}" if right else f"p{person}"))
        resolved = frozenset(
            f"p{registered[pk]}" if pk in registered else f"c{pk}" for pk in (left, right) if pk
        ) | ({f"p{person}"} if person else set())
        return {raw, resolved} if len(resolved) == 2 else {raw}

    asked: set[frozenset] = set()
    for left, right, rp in MatchPair.objects.filter(
        status__in=(MatchPair.Status.PENDING, MatchPair.Status.LATER)  # the queue: few
    ).values_list("left_id", "right_id", "right_person_id"):
        asked |= keys(left, right, rp)
    paths = dict(ContactPerson.objects.filter(pk__in=ids).values_list("pk", "scope_path"))
    pairs = []
    for rp in links.review:
        a, b = (rp.b, rp.a) if rp.a.startswith("p:") else (rp.a, rp.b)
        left = person_of.get(a)
        if left is None:
            continue
        if b.startswith("p:"):
            right, person = None, int(b[2:])
        else:
            right, person = person_of.get(b), None
            if right is None or right == left:
                continue
        these = keys(left, right, person)
        if these & asked:
            continue
        asked |= these
        pairs.append(
            MatchPair(
                left_id=left,
                right_id=right,
                right_person_id=person,
                score=rp.score,
                evidence=rp.evidence,
                scope_path=paths[left],
            )
        )
    MatchPair.objects.bulk_create(pairs, batch_size=2000)
    result.review = len(pairs)
