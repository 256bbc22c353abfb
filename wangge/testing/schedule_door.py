"""Who a round's call-down schedule expects per unit, and the door-to-door list (上门采样).

People who cannot come down are sampled at home. They come from the sources listed in
`DOOR_REASON_SOURCES`: functions ``(round) -> iterable of (person_id, household_id, reason)``,
reason one of DoorVisit.Reason: here the round's target persons in the special group 行动不便
(immobile); the control app appends people in sealed households (SEALED) and people under home
quarantine (QUARANTINE), wangge/control/door.py. The proposal takes everyone they yield off the
call-down counts and puts them on the door list.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator

from django.db.models import Exists, OuterRef

from wangge.people.models import Residence, SpecialGroup

from .models import DoorTeam, DoorVisit, Round
from .queries import target_persons

DoorEntry = tuple[int, int, str]  # person id, household id, DoorVisit.Reason


def target_residences(rnd: Round, persons=None) -> Iterator[tuple[int, int, int]]:
    """(person id, household id, unit id) of each target person's current home inside the
    round's target, one per person (their first residence there)."""
    qs = Residence.objects.filter(
        person_id__in=(persons if persons is not None else target_persons(rnd)).values("pk"),
        living=True,
        until__isnull=True,
        household__scope_path__startswith=rnd.area.path,
    )
    if rnd.target == Round.Target.BUILDINGS:
        qs = qs.filter(household__building__in=rnd.target_buildings.all())
    seen: set[int] = set()
    rows = qs.order_by("person_id", "pk").values_list(
        "person_id", "household_id", "household__unit_id"
    )
    for person_id, household_id, unit_id in rows.iterator(chunk_size=5000):
        if person_id not in seen:
            seen.add(person_id)
            yield person_id, household_id, unit_id


def immobile_source(rnd: Round) -> Iterable[DoorEntry]:
    """Target persons who cannot walk downstairs (特殊人群：行动不便)."""
    immobile = target_persons(rnd).filter(
        Exists(SpecialGroup.objects.filter(person=OuterRef("pk"), kind=SpecialGroup.Kind.IMMOBILE))
    )
    for person_id, household_id, _unit in target_residences(rnd, immobile):
        yield person_id, household_id, DoorVisit.Reason.IMMOBILE


DOOR_REASON_SOURCES: list[Callable[[Round], Iterable[DoorEntry]]] = [immobile_source]


def door_entries(rnd: Round) -> dict[int, tuple[int, str]]:
    """person id -> (household id, reason) over every source (the first source wins)."""
    found: dict[int, tuple[int, str]] = {}
    for source in DOOR_REASON_SOURCES:
        for person_id, household_id, reason in source(rnd):
            found.setdefault(person_id, (household_id, reason))
    return found


def unit_loads(rnd: Round, door_people: Iterable[int] = ()) -> dict[int, int]:
    """unit id -> people expected to come down (target persons not on the door list)."""
    skip = set(door_people)
    loads: Counter[int] = Counter()
    for person_id, _household, unit_id in target_residences(rnd):
        if person_id not in skip:
            loads[unit_id] += 1
    return dict(loads)


def _depth(path: str) -> int:
    return path.count("/")


def _pick_team(teams: list[DoorTeam], path: str, turns: Counter) -> DoorTeam | None:
    """The team whose area contains the building (the most specific), else the next team in
    turn among all; teams covering the same area take buildings in turn."""
    if not teams:
        return None
    containing = [t for t in teams if path.startswith(t.area.path)]
    if containing:
        deepest = max(_depth(t.area.path) for t in containing)
        candidates = [t for t in containing if _depth(t.area.path) == deepest]
    else:
        candidates = teams
    key = tuple(t.pk for t in candidates)
    team = candidates[turns[key] % len(candidates)]
    turns[key] += 1
    return team


def sync_door_visits(rnd: Round, entries: dict[int, tuple[int, str]]) -> int:
    """Make the round's door list match `entries`: new people added, people no longer on any
    source removed (hand-added "other" entries stay), teams kept; visits without a team get
    one, building by building. Returns the number of visits."""
    from wangge.places.models import Household

    existing = {v.person_id: v for v in DoorVisit.objects.filter(round=rnd)}
    stale = [
        v.pk
        for pid, v in existing.items()
        if pid not in entries and v.reason != DoorVisit.Reason.OTHER
    ]
    DoorVisit.objects.filter(pk__in=stale).delete()
    households = {
        h.pk: h
        for h in Household.objects.filter(pk__in={hid for hid, _r in entries.values()}).only(
            "pk", "building_id", "scope_path"
        )
    }
    new = [
        DoorVisit(
            round=rnd,
            person_id=pid,
            household_id=hid,
            reason=reason,
            scope_path=households[hid].scope_path,
        )
        for pid, (hid, reason) in entries.items()
        if pid not in existing and hid in households
    ]
    DoorVisit.objects.bulk_create(new, batch_size=1000)
    assign_teams(rnd)
    return DoorVisit.objects.filter(round=rnd).count()


def assign_teams(rnd: Round) -> None:
    """Give every visit without a team one: the team already visiting its building, else by
    `_pick_team`, one building at a time (a building is never split between teams)."""
    teams = list(DoorTeam.objects.filter(round=rnd).select_related("area").order_by("name", "pk"))
    visits = list(
        DoorVisit.objects.filter(round=rnd).select_related("household").order_by("scope_path")
    )
    by_building: dict[int, list[DoorVisit]] = defaultdict(list)
    for v in visits:
        by_building[v.household.building_id].append(v)
    turns: Counter = Counter()
    changed = []
    for group in by_building.values():
        todo = [v for v in group if v.team_id is None]
        if not todo:
            continue
        current = Counter(v.team_id for v in group if v.team_id is not None)
        if current:
            team_id = current.most_common(1)[0][0]
        else:
            building_path = group[0].household.scope_path.rsplit("u", 1)[0]
            team = _pick_team(teams, building_path, turns)
            team_id = team.pk if team else None
        for v in todo:
            v.team_id = team_id
        changed.extend(todo)
    DoorVisit.objects.bulk_update([v for v in changed if v.team_id], ["team"], batch_size=1000)
