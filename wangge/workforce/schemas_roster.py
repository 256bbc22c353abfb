"""Request and response schemas of the roster API: shifts with their post and assignments
(worker names only, no phones), an assignment, and the check-in / check-out requests."""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Schema

from wangge.api.schemas import InSchema


class AssignmentOut(Schema):
    id: int
    shift_id: int
    worker_id: int
    worker_name: str
    source: str
    checked_in_at: dt.datetime | None
    checked_out_at: dt.datetime | None
    hours: float

    @staticmethod
    def resolve_worker_name(obj) -> str:
        return obj.worker.name


class ShiftOut(Schema):
    id: int
    post_id: int
    post_name: str
    post_kind: str
    area_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    needed: int
    staffed: int
    published: bool
    published_at: dt.datetime | None
    assignments: list[AssignmentOut]

    @staticmethod
    def resolve_post_name(obj) -> str:
        return obj.post.name

    @staticmethod
    def resolve_post_kind(obj) -> str:
        return obj.post.kind

    @staticmethod
    def resolve_area_id(obj) -> int:
        return obj.post.area_id

    @staticmethod
    def resolve_staffed(obj) -> int:
        return len(obj.assignments.all())

    @staticmethod
    def resolve_published(obj) -> bool:
        return obj.published_at is not None

    @staticmethod
    def resolve_assignments(obj) -> list:
        return list(obj.assignments.all())


class AssignIn(InSchema):
    worker_id: int


class CheckIn(InSchema):
    client_uuid: uuid.UUID | None = None
    at: dt.datetime | None = None
