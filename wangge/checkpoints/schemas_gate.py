"""Schemas of the gate API: a passage posted by a gate phone (or its offline queue), the
green channel and a turn-back, and what the gate answers."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from ninja import Field, Schema
from pydantic import BaseModel

Direction = Literal["out", "in"]


# The passage's in and out are plain pydantic models: ninja's Schema reads attributes through
# Django-aware getters, about 45 µs a request each way on the gates' hot path.
class PassageIn(BaseModel):
    direction: Direction
    token: str = Field("", max_length=500)
    id_number: str = Field("", max_length=40)
    plate: str = Field("", max_length=20)
    temperature: float | str | None = None
    health_code: Literal["", "green", "yellow", "red"] = ""
    at: dt.datetime | None = None
    client_uuid: uuid.UUID | None = None
    offline_outcome: Literal["", "allowed", "refused"] = ""
    note: str = Field("", max_length=200)
    # The gate page asks for who it was (address, masked name); machines need not.
    describe: bool = False


class GreenIn(Schema):
    green: Literal["dialysis", "labour", "newborn", "emergency", "other"]
    reason: str = Field("", max_length=150)
    escort: str = Field("", max_length=100)
    direction: Direction = "out"
    token: str = Field("", max_length=500)
    id_number: str = Field("", max_length=40)
    at: dt.datetime | None = None
    client_uuid: uuid.UUID | None = None
    describe: bool = False


class TurnBackIn(Schema):
    reason: str = Field(..., min_length=1, max_length=150)
    direction: Direction = "out"
    token: str = Field("", max_length=500)
    id_number: str = Field("", max_length=40)
    plate: str = Field("", max_length=20)
    at: dt.datetime | None = None
    client_uuid: uuid.UUID | None = None
    describe: bool = False


class PassageOut(BaseModel):
    id: int
    outcome: str
    code: str
    reason: str
    household_id: int | None
    created: bool
    who: str = ""


class VerifyOut(Schema):
    allowed: bool
    code: str
    reason: str
    household_id: int | None = None


class RevocationsOut(Schema):
    now: dt.datetime
    revoked: list[int]


class PublicKeyOut(Schema):
    key: str
    format: str
