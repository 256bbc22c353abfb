"""Response schema of the dashboard API: one area's figures now, its alerts and the newest items
behind them, and the time of the data."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class FigureOut(Schema):
    key: str
    section: str
    label: str
    value: int
    url: str
    left: bool
    alert: bool


class FeedItemOut(Schema):
    text: str
    detail: str
    at: dt.datetime | None
    url: str


class FeedOut(Schema):
    key: str
    section: str
    title: str
    url: str
    items: list[FeedItemOut]


class AreaRef(Schema):
    id: int
    name: str
    level: int


class DashboardOut(Schema):
    area: AreaRef | None
    at: dt.datetime
    figures: list[FigureOut]
    alerts: list[FigureOut]
    feeds: list[FeedOut]
