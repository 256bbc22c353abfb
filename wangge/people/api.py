"""REST API for people: persons and residences.

Lists show ID numbers and phones masked; the person detail returns them unmasked and logs
the access (kind "api"). Writes call the same services as the web pages.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from wangge.api.access import (
    check_still_in_scope,
    create_once,
    require_action,
    user_of,
    writable,
)
from wangge.api.schemas import (
    PersonIn,
    PersonListOut,
    PersonOut,
    PersonPatch,
    ResidenceIn,
    ResidenceOut,
    ResidencePatch,
)
from wangge.core.audit import record_access
from wangge.core.scope import VIEW
from wangge.core.services import update_object
from wangge.places.api import PAGE, WRITE_RESPONSES, within_area
from wangge.places.models import Area, Household

from .filters import search_persons
from .models import Person, Residence, SpecialGroup
from .services import (
    add_residence,
    create_person,
    refresh_person_scope,
    set_special_groups,
    update_person,
)

persons = Router(tags=["persons"])
residences = Router(tags=["residences"])


def _residences():
    return Residence.objects.select_related(
        "person", "household__building__estate", "household__unit"
    )


def person_detail(request, person_id: int) -> Person:
    """A person in the caller's scope, with their residences and special groups."""
    qs = Person.objects.for_user(user_of(request), VIEW).prefetch_related(
        "special_groups", Prefetch("residences", queryset=_residences())
    )
    return get_object_or_404(qs, pk=person_id)


# Persons


@persons.get("", response=list[PersonListOut], summary="人员列表（身份证号、电话已脱敏）")
@paginate(PageNumberPagination, **PAGE)
def list_persons(
    request,
    q: str = "",
    household: int | None = None,
    area: int | None = None,
    special_group: SpecialGroup.Kind | None = None,
):
    qs = Person.objects.for_user(user_of(request), VIEW).prefetch_related("special_groups")
    qs = within_area(qs, area)
    if q.strip():
        qs = search_persons(qs, q)
    if household is not None:
        qs = qs.filter(residences__household_id=household).distinct()
    if special_group is not None:
        qs = qs.filter(special_groups__kind=special_group).distinct()
    return qs


@persons.get(
    "/{int:person_id}", response=PersonOut, summary="人员详情（含完整身份证号和电话，记录访问日志）"
)
def get_person(request, person_id: int):
    person = person_detail(request, person_id)
    record_access(user_of(request), "api", person, fields="id_number,phone")
    return person


def _home_area(request, area_id: int | None) -> Area | None:
    return writable(Area, request, area_id) if area_id is not None else None


@persons.post(
    "",
    response={200: PersonOut, 201: PersonOut, **WRITE_RESPONSES},
    summary="新建人员（可同时登记住户；可带 client_uuid 以便安全重试）",
)
@transaction.atomic
def post_person(request, payload: PersonIn):
    require_action(request)
    actor = user_of(request)
    household = (
        writable(Household, request, payload.household_id)
        if payload.household_id is not None
        else None
    )
    home_area = _home_area(request, payload.home_area_id)
    if household is None and home_area is None:
        raise ValidationError({"household_id": [_("请指定住户或所属区域")]})
    if home_area is None:
        home_area = household.building.area
    data = payload.dict(include={"name", "id_number", "phone", "has_smartphone", "notes"})
    if payload.sex is not None:
        data["sex"] = payload.sex

    def create(**extra):
        person = create_person(actor=actor, home_area=home_area, **data, **extra)
        if household is not None:
            add_residence(
                person=person, household=household, relation=payload.relation, actor=actor
            )
        if payload.special_groups:
            set_special_groups(person, set(payload.special_groups), actor=actor)
        check_still_in_scope(request, person.scope_path)
        return person

    person, created = create_once(Person, request, payload.client_uuid, create)
    return Status(201 if created else 200, person_detail(request, person.pk))


@persons.patch("/{int:person_id}", response={200: PersonOut, **WRITE_RESPONSES}, summary="修改人员")
@transaction.atomic
def patch_person(request, person_id: int, payload: PersonPatch):
    actor = user_of(request)
    person = writable(Person, request, person_id)
    data = payload.dict(exclude_unset=True)
    kinds = data.pop("special_groups", None)
    if "home_area_id" in data:
        data["home_area"] = _home_area(request, data.pop("home_area_id"))
    if data.get("sex") is None:
        data.pop("sex", None)
    update_person(person, data, actor=actor)
    if kinds is not None:
        set_special_groups(person, set(kinds), actor=actor)
    if "home_area" in data:
        refresh_person_scope(person)
    check_still_in_scope(request, person.scope_path)
    return person_detail(request, person.pk)


# Residences


@residences.get("", response=list[ResidenceOut], summary="居住关系列表")
@paginate(PageNumberPagination, **PAGE)
def list_residences(request, person: int | None = None, household: int | None = None):
    qs = _residences().for_user(user_of(request), VIEW)
    if person is not None:
        qs = qs.filter(person_id=person)
    if household is not None:
        qs = qs.filter(household_id=household)
    return qs


def residence_detail(request, residence_id: int) -> Residence:
    return get_object_or_404(_residences().for_user(user_of(request), VIEW), pk=residence_id)


@residences.get("/{int:residence_id}", response=ResidenceOut, summary="居住关系详情")
def get_residence(request, residence_id: int):
    return residence_detail(request, residence_id)


@residences.post(
    "",
    response={200: ResidenceOut, 201: ResidenceOut, **WRITE_RESPONSES},
    summary="登记居住关系（已存在则更新；可带 client_uuid 以便安全重试）",
)
@transaction.atomic
def post_residence(request, payload: ResidenceIn):
    require_action(request)
    actor = user_of(request)
    household = writable(Household, request, payload.household_id)
    person = writable(Person, request, payload.person_id)
    data = payload.dict(include={"relation", "registered", "living", "since"})

    def create(**extra):
        res = add_residence(person=person, household=household, actor=actor, **data, **extra)
        check_still_in_scope(request, res.scope_path)
        return res

    res, created = create_once(Residence, request, payload.client_uuid, create)
    return Status(201 if created else 200, residence_detail(request, res.pk))


@residences.patch(
    "/{int:residence_id}",
    response={200: ResidenceOut, **WRITE_RESPONSES},
    summary="修改居住关系（填写迁出日期即为迁出）",
)
@transaction.atomic
def patch_residence(request, residence_id: int, payload: ResidencePatch):
    res = writable(Residence, request, residence_id)
    data = payload.dict(exclude_unset=True)
    if data.get("relation", "") is None:
        raise ValidationError({"relation": [_("该字段为必填项")]})
    for flag in ("registered", "living"):
        if flag in data and data[flag] is None:
            raise ValidationError({flag: [_("该字段为必填项")]})
    if data.get("until"):
        data["living"] = False
    update_object(res, data, actor=user_of(request))
    refresh_person_scope(res.person)
    return residence_detail(request, res.pk)
