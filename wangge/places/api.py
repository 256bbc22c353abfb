"""REST API for the chain: areas, buildings, units, households.

Every query goes through ``for_user``; writes call the same services as the web pages.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from wangge.api.access import (
    check_still_in_scope,
    create_once,
    readable,
    require_action,
    user_of,
    writable,
)
from wangge.api.schemas import (
    AreaIn,
    AreaOut,
    AreaPatch,
    BuildingIn,
    BuildingOut,
    BuildingPatch,
    ErrorOut,
    HouseholdIn,
    HouseholdListOut,
    HouseholdOut,
    HouseholdPatch,
    UnitIn,
    UnitOut,
    UnitPatch,
)
from wangge.core.audit import record_access
from wangge.core.normalize import NormalizationError, normalize_phone
from wangge.core.scope import ALL_SCOPE, MANAGE, VIEW, scope_paths
from wangge.core.services import update_object
from wangge.people.filters import search_households

from .models import Area, Building, Estate, Household, Unit
from .services import (
    create_area,
    create_building,
    create_household,
    create_unit,
    update_building,
    update_household,
)

PAGE = {"page_size": 50, "max_page_size": 500}
WRITE_RESPONSES = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}

areas = Router(tags=["areas"])
buildings = Router(tags=["buildings"])
units = Router(tags=["units"])
households = Router(tags=["households"])


def area_path(pk: int | None) -> str | None:
    """The path of an area (for ?area= filters; the result is still limited by scope)."""
    return Area.objects.filter(pk=pk).values_list("path", flat=True).first()


def within_area(qs, pk: int | None):
    if pk is None:
        return qs
    path = area_path(pk)
    return qs.within(path) if path else qs.none()


# Areas


@areas.get("", response=list[AreaOut], summary="区域列表")
@paginate(PageNumberPagination, **PAGE)
def list_areas(request, parent: int | None = None, level: Area.Level | None = None):
    qs = Area.objects.for_user(user_of(request), VIEW)
    if parent is not None:
        qs = qs.filter(parent_id=parent)
    if level is not None:
        qs = qs.filter(level=level)
    return qs


@areas.get("/{int:area_id}", response=AreaOut, summary="区域详情")
def get_area(request, area_id: int):
    return readable(Area, request, area_id)


@areas.post("", response={201: AreaOut, **WRITE_RESPONSES}, summary="新建区域")
@transaction.atomic
def post_area(request, payload: AreaIn):
    require_action(request, MANAGE)
    if payload.parent_id is not None:
        parent = writable(Area, request, payload.parent_id, MANAGE)
    elif ALL_SCOPE in scope_paths(user_of(request), MANAGE):
        parent = None
    else:
        raise ValidationError({"parent_id": [_("请指定上级区域")]})
    area = create_area(
        name=payload.name,
        level=payload.level,
        parent=parent,
        code=payload.code,
        wechat_group=payload.wechat_group,
        actor=user_of(request),
    )
    area.refresh_from_db()
    return Status(201, area)


@areas.patch("/{int:area_id}", response={200: AreaOut, **WRITE_RESPONSES}, summary="修改区域")
@transaction.atomic
def patch_area(request, area_id: int, payload: AreaPatch):
    area = writable(Area, request, area_id, MANAGE)
    update_object(area, payload.dict(exclude_unset=True), actor=user_of(request))
    return area


# Buildings


def _estate_for(request, estate_id: int | None, grid: Area) -> Estate | None:
    """An estate a building in `grid` may belong to: one in the grid, above it, or in scope."""
    if estate_id is None:
        return None
    estate = Estate.objects.filter(pk=estate_id).first()
    if estate is None:
        raise Http404
    related = grid.path.startswith(estate.scope_path) or estate.scope_path.startswith(grid.path)
    if (
        not related
        and not Estate.objects.for_user(user_of(request), VIEW).filter(pk=estate_id).exists()
    ):
        raise Http404
    return estate


def _grid(request, area_id: int) -> Area:
    grid = writable(Area, request, area_id)
    if grid.level != Area.Level.GRID:
        raise ValidationError({"area_id": [_("楼栋必须分配到网格")]})
    return grid


@buildings.get("", response=list[BuildingOut], summary="楼栋列表")
@paginate(PageNumberPagination, **PAGE)
def list_buildings(request, area: int | None = None, estate: int | None = None, q: str = ""):
    qs = Building.objects.for_user(user_of(request), VIEW).select_related("estate")
    qs = within_area(qs, area)
    if estate is not None:
        qs = qs.filter(estate_id=estate)
    if q.strip():
        q = q.strip()
        qs = qs.filter(
            Q(number=q)
            | Q(name__icontains=q)
            | Q(address__icontains=q)
            | Q(estate__name__icontains=q)
        )
    return qs


@buildings.get("/{int:building_id}", response=BuildingOut, summary="楼栋详情")
def get_building(request, building_id: int):
    return readable(Building, request, building_id)


@buildings.post("", response={201: BuildingOut, **WRITE_RESPONSES}, summary="新建楼栋")
@transaction.atomic
def post_building(request, payload: BuildingIn):
    require_action(request)
    grid = _grid(request, payload.area_id)
    data = payload.dict(exclude={"area_id", "estate_id"})
    estate = _estate_for(request, payload.estate_id, grid)
    building = create_building(area=grid, estate=estate, actor=user_of(request), **data)
    return Status(201, building)


@buildings.patch(
    "/{int:building_id}", response={200: BuildingOut, **WRITE_RESPONSES}, summary="修改楼栋"
)
@transaction.atomic
def patch_building(request, building_id: int, payload: BuildingPatch):
    building = writable(Building, request, building_id)
    data = payload.dict(exclude_unset=True)
    if "area_id" in data:
        if data["area_id"] is None:
            raise ValidationError({"area_id": [_("楼栋必须分配到网格")]})
        data["area"] = _grid(request, data.pop("area_id"))
    if "estate_id" in data:
        data["estate"] = _estate_for(
            request, data.pop("estate_id"), data.get("area", building.area)
        )
    update_building(building, data, actor=user_of(request))
    building.refresh_from_db()
    check_still_in_scope(request, building.scope_path)
    return building


# Units


@units.get("", response=list[UnitOut], summary="单元列表")
@paginate(PageNumberPagination, **PAGE)
def list_units(request, building: int | None = None):
    qs = Unit.objects.for_user(user_of(request), VIEW)
    if building is not None:
        qs = qs.filter(building_id=building)
    return qs


@units.get("/{int:unit_id}", response=UnitOut, summary="单元详情")
def get_unit(request, unit_id: int):
    return readable(Unit, request, unit_id)


@units.post("", response={201: UnitOut, **WRITE_RESPONSES}, summary="新建单元")
@transaction.atomic
def post_unit(request, payload: UnitIn):
    require_action(request)
    building = writable(Building, request, payload.building_id)
    unit = create_unit(
        building=building, actor=user_of(request), **payload.dict(exclude={"building_id"})
    )
    return Status(201, unit)


@units.patch("/{int:unit_id}", response={200: UnitOut, **WRITE_RESPONSES}, summary="修改单元")
@transaction.atomic
def patch_unit(request, unit_id: int, payload: UnitPatch):
    unit = writable(Unit, request, unit_id)
    update_object(unit, payload.dict(exclude_unset=True), actor=user_of(request))
    return unit


# Households


def clean_phone(data: dict) -> dict:
    if data.get("phone"):
        try:
            data["phone"] = normalize_phone(data["phone"])
        except NormalizationError as exc:
            raise ValidationError({"phone": [str(exc)]}) from exc
    elif "phone" in data:
        data["phone"] = ""
    return data


def _households():
    return Household.objects.select_related("building__estate", "unit")


@households.get("", response=list[HouseholdListOut], summary="住户列表（电话已脱敏）")
@paginate(PageNumberPagination, **PAGE)
def list_households(
    request,
    building: int | None = None,
    unit: int | None = None,
    area: int | None = None,
    q: str = "",
):
    qs = within_area(_households().for_user(user_of(request), VIEW), area)
    if building is not None:
        qs = qs.filter(building_id=building)
    if unit is not None:
        qs = qs.filter(unit_id=unit)
    return search_households(qs, q) if q.strip() else qs


@households.get(
    "/{int:household_id}", response=HouseholdOut, summary="住户详情（含完整电话，记录访问日志）"
)
def get_household(request, household_id: int):
    household = get_household_in_scope(request, household_id)
    record_access(user_of(request), "api", household, fields="phone")
    return household


def get_household_in_scope(request, household_id: int) -> Household:
    return get_object_or_404(_households().for_user(user_of(request), VIEW), pk=household_id)


@households.post(
    "",
    response={200: HouseholdOut, 201: HouseholdOut, **WRITE_RESPONSES},
    summary="新建住户（可带 client_uuid 以便安全重试）",
)
@transaction.atomic
def post_household(request, payload: HouseholdIn):
    require_action(request)
    unit = writable(Unit, request, payload.unit_id)
    data = clean_phone(payload.dict(exclude={"unit_id", "client_uuid"}))

    def create(**extra):
        return create_household(unit=unit, actor=user_of(request), **data, **extra)

    household, created = create_once(Household, request, payload.client_uuid, create)
    return Status(201 if created else 200, get_household_in_scope(request, household.pk))


@households.patch(
    "/{int:household_id}", response={200: HouseholdOut, **WRITE_RESPONSES}, summary="修改住户"
)
@transaction.atomic
def patch_household(request, household_id: int, payload: HouseholdPatch):
    household = writable(Household, request, household_id)
    data = clean_phone(payload.dict(exclude_unset=True))
    if "unit_id" in data:
        if data["unit_id"] is None:
            raise ValidationError({"unit_id": [_("该字段为必填项")]})
        data["unit"] = writable(Unit, request, data.pop("unit_id"))
    update_household(household, data, actor=user_of(request))
    check_still_in_scope(request, household.scope_path)
    return get_household_in_scope(request, household.pk)
