"""Who is left in a round (未检人员): live counts per grid and per building, with the leaders.

Counts come from two grouped queries over persons (GROUP BY the person's scope_path, i.e. the
unit they live in), rolled up to buildings and grids in Python, plus one query each for the
grids, the buildings and their leaders: six queries, whatever the size of the street.

- expected: target_persons(round) (living residents of the round's area or buildings);
- sampled: of those, persons with a Sample in the round; not yet (未检) = expected − sampled;
- without result: sampled, and every tube they are in is still pending;
- positive: persons of the round's area in a positive tube (pooled or single);
- retest pending: in a positive pooled tube, without a later single-tube sample in the round.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from wangge.core.scope import VIEW, split_path
from wangge.people.leaders import leaders
from wangge.people.models import LeaderAssignment, Person
from wangge.places.models import Area, Building

from .models import Round, Sample, Tube
from .queries import target_persons

POSITIVE = Tube.Result.POSITIVE

# The lists behind the counts: ?list=<key>.
LISTS = {
    "not_yet": _("未检"),
    "no_result": _("已采未出结果"),
    "positive": _("阳性"),
    "retest": _("待单管复核"),
}


def status_exprs(rnd: Round, ref: str = "pk") -> dict[str, Exists]:
    """Per-person flags for the round, as EXISTS subqueries on OuterRef(ref) (a person id)."""
    samples = Sample.objects.filter(round=rnd, person=OuterRef(ref))
    later_single = Sample.objects.filter(
        round=rnd,
        person=OuterRef("person"),
        tube__capacity=1,
        tube__closed_at__gt=OuterRef("tube__closed_at"),
    )
    return {
        "sampled": Exists(samples),
        "has_result": Exists(samples.exclude(tube__result=Tube.Result.PENDING)),
        "positive": Exists(samples.filter(tube__result=POSITIVE)),
        "single_positive": Exists(samples.filter(tube__result=POSITIVE, tube__capacity=1)),
        "pool_positive": Exists(samples.filter(tube__result=POSITIVE, tube__capacity__gt=1)),
        "retest": Exists(
            samples.filter(tube__result=POSITIVE, tube__capacity__gt=1).exclude(
                Exists(later_single)
            )
        ),
    }


def sampled_persons(rnd: Round) -> QuerySet[Person]:
    """Everyone of the round's area with a sample in the round (residents or not)."""
    return Person.objects.within(rnd.area.path).filter(status_exprs(rnd)["sampled"])


def person_list(rnd: Round, user, kind: str, prefix: str = "", action: str = VIEW):
    """The persons behind one count, in `user`'s scope, below `prefix` (a grid or building
    path), ordered by where they live. `kind` is a key of LISTS, or single_positive /
    pool_positive (the two parts of the positives). `user` None is the system."""
    flags = status_exprs(rnd)
    if kind in ("not_yet", "no_result"):
        qs = target_persons(rnd)
        qs = qs.exclude(flags["sampled"]) if kind == "not_yet" else qs
        if kind == "no_result":
            qs = qs.filter(flags["sampled"]).exclude(flags["has_result"])
    elif kind in ("positive", "retest", "single_positive", "pool_positive"):
        qs = sampled_persons(rnd).filter(flags[kind])
    else:
        raise ValueError(kind)
    if user is not None:  # None: the system (command line) sees everything
        qs = qs.for_user(user, action)
    if prefix:
        qs = qs.within(prefix)
    return qs.order_by("scope_path", "name", "pk")


@dataclass
class Counts:
    expected: int = 0
    sampled: int = 0
    no_result: int = 0
    positive: int = 0
    retest: int = 0

    @property
    def not_yet(self) -> int:
        return max(self.expected - self.sampled, 0)

    @property
    def percent(self) -> float:
        return round(100 * self.sampled / self.expected, 1) if self.expected else 0.0

    def add(self, other: Counts) -> None:
        for name in ("expected", "sampled", "no_result", "positive", "retest"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, int | float]:
        return {
            "expected": self.expected,
            "sampled": self.sampled,
            "not_yet": self.not_yet,
            "no_result": self.no_result,
            "positive": self.positive,
            "retest": self.retest,
            "percent": self.percent,
        }


@dataclass
class Line:
    """One grid (children: its buildings) or one building of the table."""

    label: str
    obj: Area | Building | None
    counts: Counts = field(default_factory=Counts)
    leader_name: str = ""
    leader_phone: str = ""
    children: list[Line] = field(default_factory=list)
    parent: str = ""  # a grid's community: grid names repeat across communities


@dataclass
class Board:
    round: Round
    grids: list[Line]
    total: Counts


def unit_counts(rnd: Round, user, prefix: str = "") -> dict[str, Counts]:
    """Counts per person scope_path (a unit): two grouped queries."""
    flags = status_exprs(rnd)
    out: dict[str, Counts] = defaultdict(Counts)
    expected = target_persons(rnd).for_user(user, VIEW)
    if prefix:
        expected = expected.within(prefix)
    sampled, has_result = Q(sampled=True), Q(has_result=True)
    rows = (
        expected.annotate(sampled=flags["sampled"], has_result=flags["has_result"])
        .values("scope_path")
        .annotate(
            n=Count("pk", distinct=True),
            s=Count("pk", filter=sampled, distinct=True),
            nr=Count("pk", filter=sampled & ~has_result, distinct=True),
        )
    )
    for row in rows:
        c = out[row["scope_path"]]
        c.expected, c.sampled, c.no_result = row["n"], row["s"], row["nr"]
    found = sampled_persons(rnd).for_user(user, VIEW)
    if prefix:
        found = found.within(prefix)
    rows = (
        found.annotate(positive=flags["positive"], retest=flags["retest"])
        .filter(positive=True)
        .values("scope_path")
        .annotate(
            p=Count("pk", distinct=True),
            r=Count("pk", filter=Q(retest=True), distinct=True),
        )
    )
    for row in rows:
        c = out[row["scope_path"]]
        c.positive, c.retest = row["p"], row["r"]
    return dict(out)


def board(rnd: Round, user, prefix: str = "") -> Board:
    """The who-is-left table of a round for `user`, grids with their buildings, below `prefix`."""
    per_unit = unit_counts(rnd, user, prefix)
    grid_counts: dict[str, Counts] = defaultdict(Counts)
    building_counts: dict[int, Counts] = defaultdict(Counts)
    building_grid: dict[int, str] = {}
    for path, counts in per_unit.items():
        grid_path, building_id = split_path(path)
        grid_counts[grid_path].add(counts)
        if building_id is not None:
            building_counts[building_id].add(counts)
            building_grid[building_id] = grid_path
    grids = Area.objects.filter(path__in=list(grid_counts)).select_related("parent")
    areas = {a.path: a for a in grids}
    buildings = Building.objects.filter(pk__in=list(building_counts)).select_related("estate")
    grid_leaders = leaders(LeaderAssignment.Role.GRID, area_id__in=[a.pk for a in areas.values()])
    b_leaders = leaders(LeaderAssignment.Role.BUILDING, building_id__in=list(building_counts))
    lines: dict[str, Line] = {}
    for path in sorted(grid_counts, key=lambda p: (areas[p].code, p) if p in areas else ("", p)):
        area = areas.get(path)
        name, phone = grid_leaders.get(area.pk, ("", "")) if area else ("", "")
        label = area.name if area else str(_("未分配网格"))
        parent = area.parent.name if area and area.parent_id else ""
        lines[path] = Line(label, area, grid_counts[path], name, phone, parent=parent)
    for b in sorted(buildings, key=lambda b: (b.estate.name if b.estate_id else "", b.sort_key)):
        name, phone = b_leaders.get(b.pk, ("", ""))
        line = Line(str(b), b, building_counts[b.pk], name, phone)
        lines[building_grid[b.pk]].children.append(line)
    total = Counts()
    for line in lines.values():
        total.add(line.counts)
    return Board(rnd, list(lines.values()), total)
