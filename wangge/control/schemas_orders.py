"""Request and response schemas of the orders API. ID numbers and phones are masked in every
response (the web detail page reveals them, logged)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Field, Schema

from wangge.api.schemas import InSchema
from wangge.core.mask import mask_id, mask_phone

from .models import ControlOrder


class OrderOut(Schema):
    id: int
    person_id: int
    person_name: str
    id_number_masked: str
    phone_masked: str
    household_id: int | None
    household: str
    order_type: str = Field(description="措施代码，如 home_quarantine")
    order_type_name: str
    kind: str
    starts_on: dt.date
    ends_on: dt.date
    extended_days: int
    days_remaining: int = Field(description="含今天的剩余天数；已解除或撤销为 0")
    status: str
    status_label: str
    source: str
    source_ref: str
    flag_id: int | None
    reason: str
    worker_id: int | None
    worker_name: str
    worker_phone: str
    released_at: dt.datetime | None
    release_note: str
    created_at: dt.datetime

    @staticmethod
    def resolve_person_name(obj: ControlOrder) -> str:
        return obj.person.name

    @staticmethod
    def resolve_id_number_masked(obj: ControlOrder) -> str:
        return mask_id(obj.person.id_number)

    @staticmethod
    def resolve_phone_masked(obj: ControlOrder) -> str:
        return mask_phone(obj.person.phone)

    @staticmethod
    def resolve_household(obj: ControlOrder) -> str:
        return obj.household.address if obj.household_id else ""

    @staticmethod
    def resolve_order_type(obj: ControlOrder) -> str:
        return obj.order_type.code

    @staticmethod
    def resolve_order_type_name(obj: ControlOrder) -> str:
        return obj.order_type.name

    @staticmethod
    def resolve_kind(obj: ControlOrder) -> str:
        return obj.order_type.kind

    @staticmethod
    def resolve_days_remaining(obj: ControlOrder) -> int:
        if obj.status != ControlOrder.Status.ACTIVE:
            return 0
        return obj.days_remaining(timezone.localdate())

    @staticmethod
    def resolve_status_label(obj: ControlOrder) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_worker_name(obj: ControlOrder) -> str:
        return obj.worker_name or (str(obj.worker) if obj.worker_id else "")


class RefusedOut(Schema):
    person_id: int | None
    name: str
    reason: str
    existing_order_id: int | None = Field(None, description="与之重叠、仍在管控中的措施")


class PlacementOut(Schema):
    placed: list[OrderOut]
    refused: list[RefusedOut]


class OverlapOut(Schema):
    detail: str
    existing_order_id: int


class _PlaceFields(InSchema):
    order_type: str = Field(
        description="措施代码：home_quarantine、home_monitoring、central_quarantine"
    )
    starts_on: dt.date | None = Field(None, description="开始日期；不填为今天")
    days: int | None = Field(None, ge=1, le=365, description="期限天数；不填按措施默认期限")
    reason: str = Field(min_length=1, max_length=200)
    source: ControlOrder.Source = ControlOrder.Source.MANUAL
    source_ref: str = Field("", max_length=200)
    worker_id: int | None = Field(None, description="责任人账号（须负责该人员所在区域）")
    worker_name: str = Field("", max_length=50)
    worker_phone: str = Field("", max_length=30)


class OrderIn(_PlaceFields):
    person_id: int | None = Field(None, description="一个人；与 household_id 二选一")
    household_id: int | None = Field(None, description="整户：在住的每个人")


class BulkIn(_PlaceFields):
    person_ids: list[int] = Field(min_length=1, max_length=2000)


class ExtendIn(InSchema):
    days: int = Field(ge=1, le=365)
    reason: str = Field(min_length=1, max_length=120)


class ReleaseIn(InSchema):
    note: str = Field("", max_length=200)
    early: bool = Field(False, description="期满前提前解除（须填写 note）")


class CancelIn(InSchema):
    reason: str = Field(min_length=1, max_length=200)
