"""Response schemas of the hours API: hours and person-times per worker over a period with the
totals and the open check-ins, and who is left on the roster (phones of workers masked)."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class WorkerHoursOut(Schema):
    worker_id: int
    name: str
    kind: str
    organization: str
    posts: list[str]
    person_times: int
    hours: float
    open: int


class HoursTotalOut(Schema):
    workers: int
    person_times: int
    hours: float
    open: int


class HoursOut(Schema):
    since: dt.date
    until: dt.date
    workers: list[WorkerHoursOut]
    total: HoursTotalOut


class GapOut(Schema):
    shift_id: int
    post_id: int
    post: str
    place: str
    grid: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    running: bool
    needed: int
    assigned: int
    missing: int
    leader_name: str
    leader_phone: str


class AbsenceOut(Schema):
    assignment_id: int
    shift_id: int
    worker_id: int
    name: str
    phone_masked: str
    post: str
    grid: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    late_minutes: int
    leader_name: str
    leader_phone: str


class LeftOut(Schema):
    at: dt.datetime
    understaffed: list[GapOut]
    absent: list[AbsenceOut]
