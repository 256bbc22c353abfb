"""Request and response schemas of the registry API (areas … persons, residences).

List schemas show ID numbers and phones masked; the detail schemas of households and persons
add the unmasked values (and the detail endpoints log the access).
"""

import datetime as dt
import uuid

from ninja import Field, Schema
from pydantic import ConfigDict

from wangge.core.mask import mask_id, mask_phone
from wangge.people.models import Person, Residence, SpecialGroup
from wangge.places.models import Area


class InSchema(Schema):
    """Input: unknown fields are an error (a typo must not be silently ignored)."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)


class ErrorOut(Schema):
    detail: str | dict[str, list[str]]


# Areas


class AreaOut(Schema):
    id: int
    name: str
    code: str
    level: int
    level_label: str
    parent_id: int | None
    path: str
    wechat_group: str

    @staticmethod
    def resolve_level_label(obj) -> str:
        return str(obj.get_level_display())


class AreaIn(InSchema):
    name: str = Field(min_length=1, max_length=100)
    level: Area.Level
    parent_id: int | None = None
    code: str = Field("", max_length=32)
    wechat_group: str = Field("", max_length=100)


class AreaPatch(InSchema):
    name: str | None = Field(None, min_length=1, max_length=100)
    code: str | None = Field(None, min_length=1, max_length=32)
    wechat_group: str | None = Field(None, max_length=100)


# Buildings and units


class BuildingOut(Schema):
    id: int
    area_id: int
    estate_id: int | None
    number: str
    name: str
    label: str
    floors: int
    address: str


class BuildingIn(InSchema):
    area_id: int
    estate_id: int | None = None
    number: str = Field(min_length=1, max_length=20)
    name: str = Field("", max_length=100)
    floors: int = Field(6, ge=1, le=200)
    address: str = Field("", max_length=200)


class BuildingPatch(InSchema):
    area_id: int | None = None
    estate_id: int | None = None
    number: str | None = Field(None, min_length=1, max_length=20)
    name: str | None = Field(None, max_length=100)
    floors: int | None = Field(None, ge=1, le=200)
    address: str | None = Field(None, max_length=200)


class UnitOut(Schema):
    id: int
    building_id: int
    number: str
    floors: int | None
    rooms_per_floor: int


class UnitIn(InSchema):
    building_id: int
    number: str = Field(min_length=1, max_length=20)
    floors: int | None = Field(None, ge=1, le=200)
    rooms_per_floor: int = Field(2, ge=1, le=50)


class UnitPatch(InSchema):
    number: str | None = Field(None, min_length=1, max_length=20)
    floors: int | None = Field(None, ge=1, le=200)
    rooms_per_floor: int | None = Field(None, ge=1, le=50)


# Households


class HouseholdListOut(Schema):
    id: int
    building_id: int
    unit_id: int
    floor: int
    room: str
    address: str
    householder_name: str
    people_count: int
    phone_masked: str
    vacant: bool
    notes: str
    client_uuid: uuid.UUID | None

    @staticmethod
    def resolve_phone_masked(obj) -> str:
        return mask_phone(obj.phone)


class HouseholdOut(HouseholdListOut):
    phone: str


class HouseholdIn(InSchema):
    unit_id: int
    floor: int = Field(ge=-10, le=200)
    room: str = Field(min_length=1, max_length=20)
    householder_name: str = Field("", max_length=50)
    people_count: int = Field(0, ge=0, le=1000)
    phone: str = Field("", max_length=30)
    vacant: bool = False
    notes: str = Field("", max_length=200)
    client_uuid: uuid.UUID | None = None


class HouseholdPatch(InSchema):
    unit_id: int | None = None
    floor: int | None = Field(None, ge=-10, le=200)
    room: str | None = Field(None, min_length=1, max_length=20)
    householder_name: str | None = Field(None, max_length=50)
    people_count: int | None = Field(None, ge=0, le=1000)
    phone: str | None = Field(None, max_length=30)
    vacant: bool | None = None
    notes: str | None = Field(None, max_length=200)


# Residences


class ResidenceOut(Schema):
    id: int
    person_id: int
    person_name: str
    household_id: int
    household_address: str
    relation: str
    registered: bool
    living: bool
    since: dt.date | None
    until: dt.date | None
    client_uuid: uuid.UUID | None

    @staticmethod
    def resolve_person_name(obj) -> str:
        return obj.person.name

    @staticmethod
    def resolve_household_address(obj) -> str:
        return obj.household.address


class ResidenceIn(InSchema):
    person_id: int
    household_id: int
    relation: Residence.Relation = Residence.Relation.MEMBER
    registered: bool = True
    living: bool = True
    since: dt.date | None = None
    client_uuid: uuid.UUID | None = None


class ResidencePatch(InSchema):
    relation: Residence.Relation | None = None
    registered: bool | None = None
    living: bool | None = None
    since: dt.date | None = None
    until: dt.date | None = None


# Persons


class PersonListOut(Schema):
    id: int
    name: str
    sex: str
    birth_date: dt.date | None
    id_number_masked: str
    phone_masked: str
    has_smartphone: bool
    notes: str
    home_area_id: int | None
    special_groups: list[str]
    client_uuid: uuid.UUID | None

    @staticmethod
    def resolve_id_number_masked(obj) -> str:
        return mask_id(obj.id_number)

    @staticmethod
    def resolve_phone_masked(obj) -> str:
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_special_groups(obj) -> list[str]:
        return sorted(g.kind for g in obj.special_groups.all())


class PersonOut(PersonListOut):
    id_number: str | None
    phone: str
    residences: list[ResidenceOut]

    @staticmethod
    def resolve_residences(obj) -> list:
        return list(obj.residences.all())


class PersonIn(InSchema):
    name: str = Field(min_length=1, max_length=50)
    id_number: str | None = Field(None, max_length=40)
    phone: str = Field("", max_length=30)
    sex: Person.Sex | None = None
    has_smartphone: bool = True
    notes: str = Field("", max_length=200)
    home_area_id: int | None = None
    household_id: int | None = Field(None, description="住户：同时登记居住关系")
    relation: Residence.Relation = Residence.Relation.MEMBER
    special_groups: list[SpecialGroup.Kind] = []
    client_uuid: uuid.UUID | None = None


class PersonPatch(InSchema):
    name: str | None = Field(None, min_length=1, max_length=50)
    id_number: str | None = Field(None, max_length=40)
    phone: str | None = Field(None, max_length=30)
    sex: Person.Sex | None = None
    has_smartphone: bool | None = None
    notes: str | None = Field(None, max_length=200)
    home_area_id: int | None = None
    special_groups: list[SpecialGroup.Kind] | None = None
