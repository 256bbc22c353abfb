"""Writes to the chain: areas (also created from a path of names), estates, buildings, units,
households."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wangge.core.services import create_object, update_object

from .models import Area, Building, Estate, Household, Unit

LEVEL_BY_DEPTH = [
    Area.Level.CITY,
    Area.Level.DISTRICT,
    Area.Level.STREET,
    Area.Level.COMMUNITY,
    Area.Level.GRID,
]


def next_area_code(parent: Area | None) -> str:
    """A code for a new area: the parent's code plus a two/three-digit sequence."""
    prefix = parent.code if parent else "A"
    width = 3 if parent and parent.level >= Area.Level.STREET else 2
    n = Area.objects.filter(parent=parent).count() + 1
    while True:
        code = f"{prefix}{n:0{width}d}"
        if not Area.objects.filter(code=code).exists():
            return code
        n += 1


def create_area(
    *, name: str, level: int, parent: Area | None, actor, code: str = "", **fields
) -> Area:
    if parent is not None and level <= parent.level:
        raise ValidationError({"level": _("下级区域的层级必须低于上级区域")})
    if parent is None and level != Area.Level.CITY and Area.objects.filter(parent=None).exists():
        pass  # several roots are allowed (e.g. a district installation)
    area = Area(
        name=name.strip(), level=level, parent=parent, code=code or next_area_code(parent), **fields
    )
    return create_object(area, actor=actor)


def resolve_area(ref: str) -> Area | None:
    """An area by its code, its id (``#12``) or its path of names from the top
    (``吉林市/船营区/…``)."""
    ref = (ref or "").strip()
    if not ref:
        return None
    if ref.startswith("#") and ref[1:].isdigit():
        return Area.objects.filter(pk=int(ref[1:])).first()
    area = Area.objects.filter(code=ref).first()
    if area or "/" not in ref:
        return area or Area.objects.filter(name=ref).order_by("level").first()
    parent = None
    for name in [p.strip() for p in ref.split("/") if p.strip()]:
        parent = Area.objects.filter(parent=parent, name=name).first()
        if parent is None:
            return None
    return parent


AREA_PATH = re.compile(r"^/(\d+/)+(b\d+/(u\d+/)?)?$")


def area_prefix(ref: str) -> str | None:
    """The scope path prefix a command line's --area names, or None when it names nothing: an
    area's code, its id (12 or #12), its path of names (吉林市/船营区/…) or a path prefix
    (/1/2/3/, or a building's /1/2/3/4/5/b7/)."""
    ref = ref.strip()
    if AREA_PATH.match(ref):
        return ref if Area.objects.filter(path=ref.split("b")[0]).exists() else None
    area = resolve_area(ref)
    if area is None and ref.isdigit():
        area = Area.objects.filter(pk=int(ref)).first()
    return area.path if area is not None else None


@transaction.atomic
def ensure_area_path(ref: str, *, actor) -> Area:
    """Resolve `ref`; when it is a path of names, create the missing levels (city → … → grid)."""
    found = resolve_area(ref)
    if found is not None:
        return found
    names = [p.strip() for p in ref.split("/") if p.strip()]
    if not names or len(names) > len(LEVEL_BY_DEPTH):
        raise ValidationError(_("区域路径应为 市/区/街道/社区/网格 形式，最多五级"))
    parent = None
    for depth, name in enumerate(names):
        existing = Area.objects.filter(parent=parent, name=name).first()
        parent = existing or create_area(
            name=name, level=LEVEL_BY_DEPTH[depth], parent=parent, actor=actor
        )
    return parent


def ensure_child_area(parent: Area, name: str, *, actor) -> Area:
    """The named child of `parent` (a community under a street, a grid under a community),
    created when missing."""
    child = Area.objects.filter(parent=parent, name=name).first()
    if child:
        return child
    if parent.level >= Area.Level.GRID:
        raise ValidationError(_("网格下不能再建下级区域"))
    return create_area(name=name, level=parent.level + 1, parent=parent, actor=actor)


def create_estate(*, name: str, area: Area, actor, **fields) -> Estate:
    return create_object(Estate(name=name, area=area, **fields), actor=actor)


def create_building(
    *, area: Area, number: str, actor, estate: Estate | None = None, floors: int = 6, **fields
) -> Building:
    if area.level != Area.Level.GRID:
        raise ValidationError({"area": _("楼栋必须分配到网格")})
    return create_object(
        Building(area=area, estate=estate, number=number, floors=floors, **fields), actor=actor
    )


def create_unit(*, building: Building, number: str, actor, **fields) -> Unit:
    return create_object(Unit(building=building, number=number, **fields), actor=actor)


def create_household(*, unit: Unit, room: str, floor: int, actor, **fields) -> Household:
    return create_object(
        Household(building=unit.building, unit=unit, room=room, floor=floor, **fields), actor=actor
    )


@transaction.atomic
def update_household(household: Household, data: dict, *, actor) -> bool:
    """Update a household; when it moves to another unit, its residents' scope moves with it."""
    if "unit" in data and data["unit"] is not None:
        data = {**data, "building": data["unit"].building}
    old_path = household.scope_path
    changed = update_object(household, data, actor=actor)
    if changed and household.scope_path != old_path:
        from wangge.people.models import Residence
        from wangge.people.services import refresh_person_scope

        household.residences.update(scope_path=household.scope_path)
        for res in Residence.objects.filter(household=household).select_related("person"):
            refresh_person_scope(res.person)
    return changed


def update_building(building: Building, data: dict, *, actor) -> bool:
    """Update a building; when it moves to another grid, everything inside moves with it."""
    old_path = building.scope_path
    changed = update_object(building, data, actor=actor)
    if changed and building.compute_path() != old_path:
        move_subtree(old_path, building.compute_path())
    return changed


def move_subtree(old_prefix: str, new_prefix: str) -> None:
    """Rewrite scope paths below `old_prefix` (a building moved to another grid)."""
    from django.db.models import Value
    from django.db.models.functions import Concat, Substr

    from wangge.accounts.models import RoleAssignment
    from wangge.people.models import LeaderAssignment, Person, Residence, SpecialGroup

    start = len(old_prefix) + 1
    for model in (
        Building,
        Unit,
        Household,
        Person,
        Residence,
        SpecialGroup,
        LeaderAssignment,
        RoleAssignment,
    ):
        model.objects.filter(scope_path__startswith=old_prefix).update(
            scope_path=Concat(Value(new_prefix), Substr("scope_path", start))
        )
