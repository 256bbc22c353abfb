"""Writes about people: persons (normalised), residences, special groups, leader assignments."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wangge.core.normalize import (
    NormalizationError,
    normalize_id_number,
    normalize_name,
    normalize_phone,
)
from wangge.core.services import create_object, delete_object, update_object
from wangge.places.models import Area, Household

from .models import LeaderAssignment, Person, Residence, SpecialGroup


def clean_person_data(data: dict) -> dict:
    """Normalise name, ID number and phone; raise ValidationError naming the field."""
    out = dict(data)
    errors = {}
    if "name" in out:
        out["name"] = normalize_name(out["name"])
        if not out["name"]:
            errors["name"] = [_("姓名不能为空")]
    for field, fn in (("id_number", normalize_id_number), ("phone", normalize_phone)):
        if field in out:
            try:
                out[field] = fn(out[field])
            except NormalizationError as exc:
                errors[field] = [str(exc)]
    if "id_number" in out and not out.get("id_number"):
        out["id_number"] = None
    if errors:
        raise ValidationError(errors)
    return out


def _check_id_free(id_number: str | None, exclude_pk=None) -> None:
    if id_number and Person.objects.exclude(pk=exclude_pk).filter(id_number=id_number).exists():
        raise ValidationError({"id_number": [_("该身份证号已登记")]})


def create_person(*, actor, home_area: Area | None = None, **data) -> Person:
    data = clean_person_data(data)
    _check_id_free(data.get("id_number"))
    person = Person(home_area=home_area, **data)
    person.scope_path = home_area.path if home_area else ""
    return create_object(person, actor=actor)


def update_person(person: Person, data: dict, *, actor) -> bool:
    data = clean_person_data(data)
    _check_id_free(data.get("id_number"), exclude_pk=person.pk)
    return update_object(person, data, actor=actor)


def person_scope_path(person: Person) -> str:
    """Where a person is seen: the household they live in, else where they are registered."""
    res = (
        Residence.objects.filter(person=person, until__isnull=True)
        .order_by("-living", "-registered", "id")
        .values_list("scope_path", flat=True)
        .first()
    )
    if res:
        return res
    return person.home_area.path if person.home_area_id else person.scope_path


def refresh_person_scope(person: Person) -> None:
    path = person_scope_path(person)
    if path != person.scope_path:
        person.scope_path = path
        Person.objects.filter(pk=person.pk).update(scope_path=path)
        SpecialGroup.objects.filter(person=person).update(scope_path=path)


@transaction.atomic
def add_residence(
    *,
    person: Person,
    household: Household,
    actor,
    relation: str = Residence.Relation.MEMBER,
    registered: bool = True,
    living: bool = True,
    **fields,
) -> Residence:
    existing = Residence.objects.filter(person=person, household=household).first()
    if existing:
        update_object(
            existing,
            {
                "relation": relation,
                "registered": registered,
                "living": living,
                "until": None,
                **fields,
            },
            actor=actor,
        )
        res = existing
    else:
        res = create_object(
            Residence(
                person=person,
                household=household,
                relation=relation,
                registered=registered,
                living=living,
                **fields,
            ),
            actor=actor,
        )
    refresh_person_scope(person)
    return res


@transaction.atomic
def end_residence(residence: Residence, *, actor, until) -> None:
    """A person moved out: keep the history, stop counting them here."""
    update_object(residence, {"until": until, "living": False}, actor=actor)
    refresh_person_scope(residence.person)


@transaction.atomic
def set_special_groups(person: Person, kinds: set[str], *, actor) -> bool:
    """Make the person's special groups exactly `kinds`. Returns whether anything changed."""
    unknown = set(kinds) - set(SpecialGroup.Kind.values)
    if unknown:
        raise ValidationError(
            {"special_groups": [_("未知的特殊人群类别：%(k)s") % {"k": "、".join(sorted(unknown))}]}
        )
    current = {g.kind: g for g in person.special_groups.all()}
    changed = False
    for kind in set(kinds) - set(current):
        create_object(SpecialGroup(person=person, kind=kind), actor=actor)
        changed = True
    for kind in set(current) - set(kinds):
        delete_object(current[kind], actor=actor)
        changed = True
    return changed


def assign_leader(*, role: str, name: str, phone: str, actor, **place) -> LeaderAssignment:
    """Put a leader in charge of an area, building, unit or command zone."""
    try:
        phone = normalize_phone(phone)
    except NormalizationError as exc:
        raise ValidationError({"phone": [str(exc)]}) from exc
    return create_object(
        LeaderAssignment(role=role, name=normalize_name(name), phone=phone, **place), actor=actor
    )


def update_leader(leader: LeaderAssignment, data: dict, *, actor, **place) -> bool:
    """Change a leader's role, contact or place; `place`, when given, replaces all place links."""
    data = dict(data)
    if "phone" in data:
        try:
            data["phone"] = normalize_phone(data["phone"])
        except NormalizationError as exc:
            raise ValidationError({"phone": [str(exc)]}) from exc
    if "name" in data:
        data["name"] = normalize_name(data["name"])
    if place:
        for key in ("area", "building", "unit", "command_zone"):
            data[key] = place.get(key)
    return update_object(leader, data, actor=actor)
