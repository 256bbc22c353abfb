"""One demo account per role, placed in the demo street and named after its leaders."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.hashers import make_password

from wangge.accounts.models import RoleAssignment, User
from wangge.accounts.roles import Role

if TYPE_CHECKING:
    from .build import Built
    from .plan import StreetPlan

# The same password for every demo account: printed by `wangge demo`, for trying things out.
DEMO_PASSWORD = "wangge2022"  # noqa: S105

# username, role, where: street / community (the first) / grid (the first) / grid2 (the second
# grid, or the first) / building (the first of the first grid) / unit (its first unit).
DEMO_USERS: list[tuple[str, str, str]] = [
    ("demo_admin", Role.ADMIN, "street"),
    ("demo_commander", Role.COMMANDER, "street"),
    ("demo_community_worker", Role.COMMUNITY_WORKER, "community"),
    ("demo_data_team", Role.DATA_TEAM, "street"),
    ("demo_grid_leader", Role.GRID_LEADER, "grid"),
    ("demo_building_leader", Role.BUILDING_LEADER, "building"),
    ("demo_unit_leader", Role.UNIT_LEADER, "unit"),
    ("demo_cadre", Role.CADRE, "grid2"),
    ("demo_volunteer", Role.VOLUNTEER, "grid"),
    ("demo_inspector", Role.INSPECTOR, "street"),
]
DEMO_USERNAMES = [username for username, _role, _where in DEMO_USERS]


@dataclass(frozen=True)
class DemoUserRow:
    username: str
    password: str
    role: str  # the role's label
    place: str
    name: str


def _leader(plan: StreetPlan, role: str, **where) -> tuple[str, str] | None:
    for x in plan.leaders:
        if x.role == role and all(getattr(x, k) == v for k, v in where.items()):
            return x.name, x.phone
    return None


def _people(plan: StreetPlan) -> dict[str, tuple[str, str]]:
    """Who each demo account is: the matching leader where there is one, else a staff member."""
    lay = plan.layout
    grid, grid2 = lay.grids[0], lay.grids[min(1, len(lay.grids) - 1)]
    building = next(b for b, x in enumerate(lay.buildings) if x.grid == grid)
    unit = lay.buildings[building].units[0]
    zone2 = next(z for z, x in enumerate(lay.zones) if grid2 in x.grids)
    staff = iter(plan.staff)
    people = {
        "demo_commander": _leader(plan, "commander", zone=0),
        "demo_grid_leader": _leader(plan, "grid", area=grid),
        "demo_building_leader": _leader(plan, "building", building=building),
        "demo_unit_leader": _leader(plan, "unit", unit=unit),
        "demo_cadre": _leader(plan, "deputy", zone=zone2),
    }
    return {u: people.get(u) or next(staff) for u in DEMO_USERNAMES}


def create_demo_users(plan: StreetPlan, built: Built) -> list[DemoUserRow]:
    """Create (or reset) the demo accounts with one role assignment each."""
    lay = plan.layout
    grid = lay.grids[0]
    building_index = next(b for b, x in enumerate(lay.buildings) if x.grid == grid)
    building = built.buildings[building_index]
    unit = built.units[lay.buildings[building_index].units[0]]
    places = {
        "street": {"area": built.areas[lay.street]},
        "community": {"area": built.areas[lay.communities[0]]},
        "grid": {"area": built.areas[grid]},
        "grid2": {"area": built.areas[lay.grids[min(1, len(lay.grids) - 1)]]},
        "building": {"area": building.area, "building": building},
        "unit": {"area": building.area, "building": building, "unit": unit},
    }
    people = _people(plan)
    hashed = make_password(DEMO_PASSWORD)
    rows = []
    for username, role, where in DEMO_USERS:
        name, phone = people[username]
        user = User.objects.filter(username=username).first() or User(username=username)
        user.display_name, user.phone, user.password = name, phone, hashed
        user.is_staff, user.is_active, user.is_superuser = role == Role.ADMIN, True, False
        user.save()
        user.role_assignments.all().delete()
        assignment = RoleAssignment(user=user, role=role, **places[where])
        assignment.save()
        rows.append(
            DemoUserRow(
                username, DEMO_PASSWORD, str(Role(role).label), _place_label(places[where]), name
            )
        )
    return rows


def _place_label(place: dict) -> str:
    area = place["area"]
    area_name = "/".join(a.name for a in [*area.ancestors(), area] if a.level >= area.Level.STREET)
    if "unit" in place:
        return f"{area_name} {place['unit']}"
    if "building" in place:
        return f"{area_name} {place['building']}"
    return area_name
