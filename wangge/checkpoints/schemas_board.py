"""Request and response schemas of the board part of the checkpoints API: a checkpoint's day
(totals, each hour, each roster shift with its staff), freight vehicles (driver's phone
masked)."""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Field, Schema

from wangge.api.schemas import InSchema
from wangge.core.mask import mask_phone


class FiguresOut(Schema):
    people_in: int
    people_out: int
    vehicles_in: int
    vehicles_out: int
    turned_back: int
    green: int
    quota: int
    refused: int


class HourOut(FiguresOut):
    hour: int


class ShiftFiguresOut(FiguresOut):
    shift_id: int = Field(description="workforce 班次 id")
    post_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    needed: int
    assigned: int
    checked_in: int


class DayFiguresOut(Schema):
    checkpoint_id: int
    checkpoint_name: str
    date: dt.date
    total: FiguresOut
    hours: list[HourOut]
    shifts: list[ShiftFiguresOut]


class FreightOut(Schema):
    id: int
    plate: str
    driver_name: str
    driver_phone_masked: str
    cargo: str
    origin: str
    destination: str
    escort: str
    expected_minutes: int
    checkpoint_in_id: int
    checkpoint_out_id: int | None
    entered_at: dt.datetime
    exited_at: dt.datetime | None
    due_at: dt.datetime
    overdue: bool
    created: bool = True

    @staticmethod
    def resolve_driver_phone_masked(obj) -> str:
        return mask_phone(obj.driver_phone)

    @staticmethod
    def resolve_due_at(obj) -> dt.datetime:
        return obj.entered_at + dt.timedelta(minutes=obj.expected_minutes)

    @staticmethod
    def resolve_overdue(obj) -> bool:
        from .services_freight import is_overdue

        return is_overdue(obj)


class FreightIn(InSchema):
    plate: str = Field(max_length=20)
    driver_name: str = Field(max_length=50)
    driver_phone: str = Field(max_length=30)
    cargo: str = Field(max_length=100)
    origin: str = Field(max_length=100)
    destination: str = Field(max_length=100)
    escort: str = Field("", max_length=100)
    expected_minutes: int = Field(120, ge=1, le=1440)
    at: dt.datetime | None = None
    client_uuid: uuid.UUID | None = None


class FreightExitIn(InSchema):
    checkpoint_id: int | None = Field(None, description="出口卡口；不填为入口卡口")
    at: dt.datetime | None = None
