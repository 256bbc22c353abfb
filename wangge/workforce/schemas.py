"""Schemas of the workforce registry API: workers (phones and ID numbers masked in lists,
unmasked in one worker's detail), a new worker, organisations."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from wangge.api.schemas import InSchema
from wangge.core.mask import mask_id, mask_phone

from .models import Organization, Worker


class WorkerOut(Schema):
    id: int
    name: str
    phone_masked: str
    id_number_masked: str
    kind: str
    kind_label: str
    area_id: int
    area_name: str
    organization_id: int | None
    organization_name: str
    estate_id: int | None
    reserve: bool
    skills: list[str]
    availability: str
    health: str
    status: str
    user_id: int | None
    created_at: dt.datetime

    @staticmethod
    def resolve_phone_masked(obj: Worker) -> str:
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_id_number_masked(obj: Worker) -> str:
        return mask_id(obj.id_number)

    @staticmethod
    def resolve_kind_label(obj: Worker) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_area_name(obj: Worker) -> str:
        return obj.area.name

    @staticmethod
    def resolve_organization_name(obj: Worker) -> str:
        return obj.organization.name if obj.organization_id else ""


class WorkerDetailOut(WorkerOut):
    phone: str
    id_number: str
    note: str


class WorkerIn(InSchema):
    name: str = Field(min_length=1, max_length=50)
    phone: str = Field(min_length=1, max_length=40)
    id_number: str = Field("", max_length=40)
    kind: Worker.Kind
    area_id: int
    organization_id: int | None = None
    estate_id: int | None = None
    reserve: bool = False
    skills: list[Worker.Skill] = []
    availability: str = Field("", max_length=200)
    health: Worker.Health = Worker.Health.GREEN
    status: Worker.Status = Worker.Status.ACTIVE
    note: str = Field("", max_length=200)


class OrganizationOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    area_id: int
    area_name: str
    contact: str
    estate_ids: list[int]
    workers: int

    @staticmethod
    def resolve_kind_label(obj: Organization) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_area_name(obj: Organization) -> str:
        return obj.area.name

    @staticmethod
    def resolve_estate_ids(obj: Organization) -> list[int]:
        return [e.pk for e in obj.estates.all()]

    @staticmethod
    def resolve_workers(obj: Organization) -> int:
        return getattr(obj, "n_workers", 0)
