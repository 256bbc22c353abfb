"""Schemas of the residents' API: notices and call lists (names masked)."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class NoticeOut(Schema):
    id: int
    area_id: int
    area: str
    title: str
    body: str
    signed: str
    created_at: dt.datetime

    @staticmethod
    def resolve_area(obj) -> str:
        return obj.area.name


class CallLineOut(Schema):
    place: str
    room: str
    names: list[str]
    status: str
    text: str


class CallListOut(Schema):
    what: str
    label: str
    source: str
    empty_reason: str
    count: int
    text: str
    lines: list[CallLineOut]
