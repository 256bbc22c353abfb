"""Schemas of the disinfection API: a place with today's progress, logging a disinfection,
and the compliance counts."""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Field, Schema

from wangge.api.schemas import InSchema


class PlaceOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    area_id: int
    building_id: int | None
    unit_id: int | None
    checkpoint_id: int | None
    site_id: int | None
    times_per_day: int
    day_starts: dt.time
    day_ends: dt.time
    active: bool
    done_today: int = 0
    expected_now: int = 0

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())


class LogIn(InSchema):
    place_id: int
    agent: str = Field("", max_length=60)
    done_at: dt.datetime | None = None
    concentration: str = Field("", max_length=30)
    done_by: str = Field("", max_length=50)
    note: str = Field("", max_length=200)
    client_uuid: uuid.UUID | None = None


class LogOut(Schema):
    id: int
    place_id: int
    place: str
    done_at: dt.datetime
    agent: str
    concentration: str
    worker_id: int | None
    done_by: str
    note: str
    has_photo: bool
    client_uuid: uuid.UUID | None
    created_at: dt.datetime

    @staticmethod
    def resolve_place(obj) -> str:
        return obj.place.name

    @staticmethod
    def resolve_has_photo(obj) -> bool:
        return bool(obj.photo)


class GridOut(Schema):
    area_id: int | None
    name: str
    leader: str
    total: int
    met: int
    behind: int


class ComplianceOut(Schema):
    day: dt.date
    at: dt.datetime
    summary: str
    total: int
    met: int
    behind: int
    grids: list[GridOut]
    behind_places: list[PlaceOut]
