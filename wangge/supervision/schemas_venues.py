"""Schemas of the venues API: a venue (owner's phone masked), registering one, changing its
state."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from wangge.api.schemas import InSchema
from wangge.core.mask import mask_phone

from .models_venues import Venue


class VenueOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    supply: bool
    area_id: int
    area_name: str
    address: str
    owner_name: str
    owner_phone_masked: str
    state: str
    state_label: str
    state_since: dt.date
    active: bool

    @staticmethod
    def resolve_kind_label(obj: Venue) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_supply(obj: Venue) -> bool:
        return obj.is_supply

    @staticmethod
    def resolve_area_name(obj: Venue) -> str:
        return obj.area.name

    @staticmethod
    def resolve_owner_phone_masked(obj: Venue) -> str:
        return mask_phone(obj.owner_phone)

    @staticmethod
    def resolve_state_label(obj: Venue) -> str:
        return str(obj.get_state_display())


class VenueStateOut(Schema):
    id: int
    state: str
    since: dt.date
    note: str
    changed_by_id: int | None


class VenueDetailOut(VenueOut):
    owner_phone: str
    states: list[VenueStateOut]

    @staticmethod
    def resolve_states(obj: Venue) -> list:
        return list(obj.states.all())


class VenueIn(InSchema):
    area_id: int
    name: str = Field(min_length=1, max_length=100)
    kind: Venue.Kind
    address: str = Field(min_length=1, max_length=200)
    owner_name: str = Field(min_length=1, max_length=50)
    owner_phone: str = Field("", max_length=40)
    state: Venue.State | None = Field(None, description="留空按类型：商超限流开放，其他关停")
    since: dt.date | None = Field(None, description="状态起始日期，留空为今天")


class StateIn(InSchema):
    state: Venue.State
    since: dt.date
    note: str = Field("", max_length=200)
