"""Request and response schemas of the support requests API: a request with its household,
kind, priority (and why), deadline, status and the time of each step (phones masked); filing
one; and the steps that take input (delivered, closed, cancelled)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone
from ninja import Field, Schema

from wangge.api.schemas import InSchema
from wangge.core.mask import mask_phone

from .models import SupportRequest


class RequestOut(Schema):
    id: int
    household_id: int
    household: str
    person_id: int | None
    kind: str
    kind_name: str
    urgency: str
    text: str
    medicine_name: str
    prescription_needed: bool
    contact_phone_masked: str
    priority: bool
    priority_reasons: list[str]
    source: str
    status: str
    status_label: str
    due_at: dt.datetime
    overdue: bool
    worker_id: int | None
    route_id: int | None
    assigned_at: dt.datetime | None
    accepted_at: dt.datetime | None
    on_way_at: dt.datetime | None
    delivered_at: dt.datetime | None
    delivered_by: str
    delivery_note: str
    has_photo: bool
    confirmed_at: dt.datetime | None
    closed_at: dt.datetime | None
    close_reason: str
    client_uuid: uuid.UUID | None
    created_at: dt.datetime

    @staticmethod
    def resolve_household(obj: SupportRequest) -> str:
        return str(obj.household)

    @staticmethod
    def resolve_kind(obj: SupportRequest) -> str:
        return obj.kind.code

    @staticmethod
    def resolve_kind_name(obj: SupportRequest) -> str:
        return obj.kind.name

    @staticmethod
    def resolve_contact_phone_masked(obj: SupportRequest) -> str:
        return mask_phone(obj.contact_phone)

    @staticmethod
    def resolve_status_label(obj: SupportRequest) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_overdue(obj: SupportRequest) -> bool:
        return obj.status in SupportRequest.OPEN and obj.due_at < timezone.now()

    @staticmethod
    def resolve_has_photo(obj: SupportRequest) -> bool:
        return bool(obj.delivery_photo)


class RequestIn(InSchema):
    household_id: int
    kind: str = Field(
        min_length=1, max_length=20, description="诉求类型代码，如 groceries、medicine"
    )
    urgency: SupportRequest.Urgency = SupportRequest.Urgency.NORMAL
    text: str = Field("", max_length=500)
    medicine_name: str = Field("", max_length=100, description="药品类必填")
    prescription_needed: bool = False
    person_id: int | None = Field(None, description="求助人（须为该户在住人员）")
    contact_phone: str = Field("", max_length=40, description="留空为住户登记的电话")
    client_uuid: uuid.UUID | None = Field(None, description="客户端生成，重发时不会重复提交")


class DeliverIn(InSchema):
    delivered_by: str = Field("", max_length=50, description="送达人，留空为当前用户")
    note: str = Field("", max_length=200)


class ReasonIn(InSchema):
    reason: str = Field(min_length=1, max_length=200)
