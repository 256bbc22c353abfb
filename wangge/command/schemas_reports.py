"""Schemas of the reports API: a frozen day, one area's figures of a day, a grid report."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from wangge.api.schemas import InSchema


class ReportOut(Schema):
    day: dt.date
    cut_off_at: dt.datetime
    as_of: dt.datetime
    frozen_at: dt.datetime
    by_hand: bool


class UnitOut(Schema):
    kind: str
    name: str
    parent: str = ""
    leader: str = ""
    phone: str = ""


class ChildOut(Schema):
    area_id: int
    name: str
    level: int
    figures: dict[str, int]
    missing: int


class AreaReportOut(Schema):
    day: dt.date
    as_of: dt.datetime
    area_id: int
    area: str
    level: int
    figures: dict[str, int]
    labels: dict[str, str]
    summary: str
    missing: list[UnitOut]
    children: list[ChildOut]


class GridReportIn(InSchema):
    area_id: int = Field(description="网格的区域 id")
    note: str = Field("", max_length=1000, description="情况说明")


class GridReportOut(Schema):
    id: int
    area_id: int
    area: str
    day: dt.date
    reported_at: dt.datetime
    note: str
