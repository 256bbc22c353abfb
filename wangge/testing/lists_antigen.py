"""Who is left for antigen kits and self-tests: households without kits (for a round or a date
range), living people without a result on a day, and positives, each per grid with the grid
leader's name and phone. Every query is limited to what the user may see."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, StrIndex, Substr

from wangge.core.scope import VIEW
from wangge.people.models import LeaderAssignment, Person, Residence
from wangge.places.models import Area, Household
from wangge.places.queries import sort_leaders

from .models import AntigenDelivery, AntigenResult, Round
from .queries import living_here, target_persons


@dataclass
class GridLine:
    grid: Area
    count: int
    leaders: list[LeaderAssignment]


def deliveries_for(rnd: Round | None, date_from=None, date_to=None) -> QuerySet:
    """Deliveries that count: those of the round, or of the date range (else any)."""
    qs = AntigenDelivery.objects.all()
    if rnd is not None:
        qs = qs.filter(round=rnd)
    if date_from:
        qs = qs.filter(date__gte=date_from)
    if date_to:
        qs = qs.filter(date__lte=date_to)
    return qs


def round_households(user, rnd: Round | None, prefix: str) -> QuerySet[Household]:
    """Occupied households the user may see below `prefix`, within the round's buildings when
    it targets some."""
    qs = Household.objects.for_user(user, VIEW).within(prefix).filter(vacant=False)
    if rnd is not None and rnd.target == Round.Target.BUILDINGS:
        qs = qs.filter(building__in=rnd.target_buildings.all())
    return qs.select_related("building__estate", "building__area", "unit")


def with_kits(qs: QuerySet[Household], deliveries: QuerySet) -> QuerySet[Household]:
    """Households annotated with `kits`, the number of kits of `deliveries` they received."""
    kits = (
        deliveries.filter(household=OuterRef("pk"))
        .order_by()
        .values("household")
        .annotate(n=Sum("count"))
        .values("n")
    )
    return qs.annotate(kits=Coalesce(Subquery(kits, output_field=IntegerField()), 0))


def with_living(qs: QuerySet[Household]) -> QuerySet[Household]:
    """Households annotated with `living`, the number of people living there."""
    living = (
        Residence.objects.filter(household=OuterRef("pk"), living=True, until__isnull=True)
        .order_by()
        .values("household")
        .annotate(n=Count("person", distinct=True))
        .values("n")
    )
    return qs.annotate(living=Coalesce(Subquery(living, output_field=IntegerField()), 0))


def households_without_kits(
    user, prefix: str, *, rnd: Round | None = None, date_from=None, date_to=None
) -> QuerySet[Household]:
    given = deliveries_for(rnd, date_from, date_to).filter(household=OuterRef("pk"))
    return (
        round_households(user, rnd, prefix)
        .exclude(Exists(given))
        .order_by("scope_path", "floor", "room", "id")
    )


def home_of(field: str = "pk") -> Subquery:
    """The id of the household a person lives in (their first current residence); `field`
    names the person from the outer query."""
    return Subquery(
        Residence.objects.filter(person=OuterRef(field), living=True, until__isnull=True)
        .order_by("pk")
        .values("household")[:1]
    )


def persons_without_result(
    user, prefix: str, day: dt.date, *, rnd: Round | None = None
) -> QuerySet[Person]:
    base = target_persons(rnd) if rnd is not None else Person.objects.filter(living_here())
    reported = AntigenResult.objects.filter(person=OuterRef("pk"), date=day)
    return (
        base.for_user(user, VIEW)
        .within(prefix)
        .exclude(Exists(reported))
        .order_by("scope_path", "id")
    )


def positives(user, prefix: str, date_from: dt.date, date_to: dt.date) -> QuerySet:
    return (
        AntigenResult.objects.for_user(user, VIEW)
        .within(prefix)
        .filter(result=AntigenResult.Result.POSITIVE, date__gte=date_from, date__lte=date_to)
        .select_related("person")
        .order_by("-date", "scope_path", "id")
    )


def grid_path() -> Substr:
    """SQL for the grid part of a scope path below a grid (``/1/4/9/b12/u30/`` → ``/1/4/9/``)."""
    return Substr("scope_path", 1, StrIndex("scope_path", Value("b")) - 1)


def grid_leaders(grid_ids: Iterable[int]) -> dict[int, list[LeaderAssignment]]:
    leaders: dict[int, list[LeaderAssignment]] = defaultdict(list)
    found = LeaderAssignment.objects.filter(
        role=LeaderAssignment.Role.GRID,
        area_id__in=set(grid_ids),
        active=True,
        building__isnull=True,
        unit__isnull=True,
    )
    for leader in sort_leaders(found):
        leaders[leader.area_id].append(leader)
    return leaders


def grid_lines(qs: QuerySet) -> list[GridLine]:
    """How many rows of `qs` fall in each grid, with the grid's leaders (three queries)."""
    counts = dict(
        qs.order_by()
        .filter(scope_path__contains="b")
        .annotate(g=grid_path())
        .values("g")
        .annotate(n=Count("pk", distinct=True))
        .values_list("g", "n")
    )
    grids = {a.path: a for a in Area.objects.filter(path__in=counts)}
    leaders = grid_leaders(a.pk for a in grids.values())
    return [
        GridLine(grids[path], n, leaders.get(grids[path].pk, []))
        for path, n in sorted(counts.items())
        if path in grids
    ]


def leader_text(leaders: list[LeaderAssignment]) -> tuple[str, str]:
    return "、".join(x.name for x in leaders), "、".join(x.phone for x in leaders if x.phone)


def homes_of(rows: list) -> dict[int, Household]:
    ids = {r.home_id for r in rows if r.home_id}
    found = Household.objects.filter(pk__in=ids).select_related(
        "building__estate", "building__area", "unit"
    )
    return {h.pk: h for h in found}


def attach(rows: Iterable, *, households: bool = False) -> Iterator:
    """Give each row `.home` (its household), `.grid` and `.leaders`, in chunks of 1,000 rows
    with two queries per chunk."""
    chunk: list = []

    def flush(chunk: list) -> Iterator:
        homes = {h.pk: h for h in chunk} if households else homes_of(chunk)
        grids = {h.building.area_id for h in homes.values()}
        leaders = grid_leaders(grids)
        for row in chunk:
            home = row if households else homes.get(row.home_id)
            row.home = home
            row.grid = home.building.area if home else None
            row.leaders = leaders.get(home.building.area_id, []) if home else []
            yield row

    for row in rows:
        chunk.append(row)
        if len(chunk) >= 1000:
            yield from flush(chunk)
            chunk = []
    if chunk:
        yield from flush(chunk)


def round_summary(user, rnd: Round, households: QuerySet[Household], day: dt.date) -> dict:
    """Kits and today's results for the kits page of a round."""
    given = deliveries_for(rnd).filter(household__in=households.values("pk"))
    counted = {
        "households": households.count(),
        "given": given.values("household").distinct().count(),
        "kits": given.aggregate(n=Coalesce(Sum("count"), 0))["n"],
    }
    results = (
        AntigenResult.objects.for_user(user, VIEW)
        .within(rnd.area.path)
        .filter(date=day)
        .aggregate(
            reported=Count("id"),
            positive=Count("id", filter=Q(result=AntigenResult.Result.POSITIVE)),
        )
    )
    return {**counted, **results}
