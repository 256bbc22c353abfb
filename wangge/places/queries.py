"""Counting queries for dashboards and lists, with a bounded number of statements.

Counts below a node of the chain are grouped by the path segment right under the node's
prefix: below a street that is ``<community id>/``, below a grid ``b<building id>/``, below a
building ``u<unit id>/``. One grouped query per metric, however many children there are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Value
from django.db.models.functions import StrIndex, Substr

from wangge.core.scope import ALL_SCOPE, CHANGE, VIEW, scope_paths
from wangge.people.models import LeaderAssignment, Residence, SpecialGroup

from .models import Area, Building, Household, Unit


@dataclass
class NodeCounts:
    households: int = 0
    vacant: int = 0
    people: int = 0
    special: dict[str, int] = field(default_factory=dict)
    leaders: dict[str, int] = field(default_factory=dict)

    @property
    def special_total(self) -> int:
        return sum(self.special.values())

    @property
    def leaders_total(self) -> int:
        return sum(self.leaders.values())


@dataclass
class Breakdown:
    """Counts at and below a node (`total`) and per child segment (`by_key`)."""

    prefix: str
    total: NodeCounts
    by_key: dict[str, NodeCounts]

    def get(self, key: str) -> NodeCounts:
        return self.by_key.get(key) or NodeCounts()


def child_key(prefix: str) -> Substr:
    """SQL for the path segment right below `prefix` (with its trailing slash; '' at the node)."""
    rest = Substr("scope_path", len(prefix) + 1)
    return Substr(rest, 1, StrIndex(rest, Value("/")))


def breakdown(user, prefix: str) -> Breakdown:
    """Households, living people, special groups by kind and leaders by role below `prefix`,
    limited to what `user` may see. Five queries."""
    key = child_key(prefix)
    by_key: dict[str, NodeCounts] = defaultdict(NodeCounts)
    total = NodeCounts()

    households = (
        Household.objects.for_user(user, VIEW)
        .within(prefix)
        .annotate(k=key)
        .values("k")
        .annotate(n=Count("id"), vacant=Count("id", filter=Q(vacant=True)))
    )
    for row in households:
        by_key[row["k"]].households = row["n"]
        by_key[row["k"]].vacant = row["vacant"]
        total.households += row["n"]
        total.vacant += row["vacant"]

    living = (
        Residence.objects.for_user(user, VIEW)
        .within(prefix)
        .filter(living=True, until__isnull=True)
    )
    for row in living.annotate(k=key).values("k").annotate(n=Count("person_id", distinct=True)):
        by_key[row["k"]].people = row["n"]
    total.people = living.aggregate(n=Count("person_id", distinct=True))["n"]

    special = (
        SpecialGroup.objects.for_user(user, VIEW)
        .within(prefix)
        .annotate(k=key)
        .values("k", "kind")
        .annotate(n=Count("id"))
    )
    for row in special:
        by_key[row["k"]].special[row["kind"]] = row["n"]
        total.special[row["kind"]] = total.special.get(row["kind"], 0) + row["n"]

    leaders = (
        LeaderAssignment.objects.for_user(user, VIEW)
        .within(prefix)
        .filter(active=True)
        .annotate(k=key)
        .values("k", "role")
        .annotate(n=Count("id"))
    )
    for row in leaders:
        by_key[row["k"]].leaders[row["role"]] = row["n"]
        total.leaders[row["role"]] = total.leaders.get(row["role"], 0) + row["n"]

    return Breakdown(prefix=prefix, total=total, by_key=dict(by_key))


def child_nodes(user, area: Area) -> list[tuple[str, Area | Building]]:
    """The in-scope children of an area with their path segment: child areas, or a grid's
    buildings."""
    if area.level >= Area.Level.GRID:
        buildings = Building.objects.for_user(user, VIEW).filter(area=area).select_related("estate")
        return [(f"b{b.pk}/", b) for b in buildings]
    return [(f"{a.pk}/", a) for a in Area.objects.for_user(user, VIEW).filter(parent=area)]


def unit_nodes(user, building: Building) -> list[tuple[str, Unit]]:
    units = Unit.objects.for_user(user, VIEW).filter(building=building)
    return [(f"u{u.pk}/", u) for u in units]


def scope_roots(user) -> list[Area | Building | Unit]:
    """The top places of a user's scope: the nodes of their role assignments (a superuser's are
    the root areas), without the ones inside another."""
    paths = scope_paths(user, VIEW)
    if not paths:
        return []
    if ALL_SCOPE in paths:
        return list(Area.objects.filter(parent=None))
    area_ids, building_ids, unit_ids = [], [], []
    for path in paths:
        last = path.rstrip("/").rsplit("/", 1)[-1]
        if last.startswith("u"):
            unit_ids.append(int(last[1:]))
        elif last.startswith("b"):
            building_ids.append(int(last[1:]))
        elif last.isdigit():
            area_ids.append(int(last))
    found: list[Area | Building | Unit] = list(Area.objects.filter(pk__in=area_ids))
    found += list(Building.objects.filter(pk__in=building_ids).select_related("estate", "area"))
    found += list(Unit.objects.filter(pk__in=unit_ids).select_related("building__estate"))
    order = {p: i for i, p in enumerate(paths)}
    return sorted(found, key=lambda n: order.get(n.scope_path, len(order)))


def annotate_building_counts(qs):
    """Buildings with `n_households`, `n_units` and `n_people` (living residents), by subqueries
    (no join fan-out, no query per building)."""
    from django.db.models import IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    def counted(sub, group: str, what: str = "id", distinct: bool = False):
        sub = sub.order_by().values(group).annotate(c=Count(what, distinct=distinct)).values("c")
        return Coalesce(Subquery(sub, output_field=IntegerField()), 0)

    return qs.annotate(
        n_households=counted(Household.objects.filter(building=OuterRef("pk")), "building"),
        n_units=counted(Unit.objects.filter(building=OuterRef("pk")), "building"),
        n_people=counted(
            Residence.objects.filter(
                household__building=OuterRef("pk"), living=True, until__isnull=True
            ),
            "household__building",
            "person",
            distinct=True,
        ),
    )


ROLE_ORDER = {role: i for i, role in enumerate(LeaderAssignment.Role.values)}


def sort_leaders(leaders) -> list[LeaderAssignment]:
    """Leaders in the order of the chain: street, road, grid, building, unit, commanders."""
    return sorted(leaders, key=lambda a: (ROLE_ORDER.get(a.role, 99), a.pk))


def acts_for_district(user, action: str = CHANGE) -> bool:
    """Whether `user` may perform `action` on an area at district level or higher: the right to
    keep what every street shares (the risk places, the measures' levels and durations)."""
    paths = scope_paths(user, action)
    if ALL_SCOPE in paths:
        return True
    areas = [p for p in paths if "b" not in p]
    return Area.objects.filter(path__in=areas, level__lte=Area.Level.DISTRICT).exists()
