"""Request and response schemas of the transfers API: transfers with their people (ID numbers
masked), destination, vehicle and the time of each step; the requests of each step; vehicles on
the roster with whether they are on the road."""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Field, Schema

from wangge.api.schemas import InSchema
from wangge.core.mask import mask_id

from .models_transfers import Transfer, Vehicle


class TransferPersonOut(Schema):
    id: int
    name: str
    id_number_masked: str

    @staticmethod
    def resolve_id_number_masked(obj) -> str:
        return mask_id(obj.id_number)


class TransferOut(Schema):
    id: int
    status: str
    status_label: str
    urgency: str
    person_id: int | None
    household_id: int | None
    persons: list[TransferPersonOut]
    people_count: int
    from_address: str
    destination: str
    site_id: int | None
    site_name: str
    hospital: str
    reason: str
    vehicle_id: int | None
    vehicle_plate: str
    driver_name: str
    driver_phone: str
    requested_at: dt.datetime
    assigned_at: dt.datetime | None
    picked_up_at: dt.datetime | None
    handed_over_at: dt.datetime | None
    received_by_name: str
    closed_at: dt.datetime | None
    note: str
    client_uuid: uuid.UUID | None

    @staticmethod
    def resolve_status_label(obj: Transfer) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_persons(obj: Transfer) -> list:
        return list(obj.persons.all())

    @staticmethod
    def resolve_people_count(obj: Transfer) -> int:
        return len(obj.persons.all())

    @staticmethod
    def resolve_site_name(obj: Transfer) -> str:
        return obj.site.name if obj.site_id else ""

    @staticmethod
    def resolve_vehicle_plate(obj: Transfer) -> str:
        return obj.vehicle.plate if obj.vehicle_id else ""


class TransferIn(InSchema):
    person_id: int | None = Field(None, description="转运一人（与 household_id 二选一）")
    household_id: int | None = Field(
        None, description="只给 household_id 时转运该住户现住的全部人员"
    )
    destination: Transfer.Destination
    site_id: int | None = None
    hospital: str = Field("", max_length=100)
    urgency: Transfer.Urgency = Transfer.Urgency.ROUTINE
    reason: str = Field(min_length=1, max_length=200)
    from_address: str = Field("", max_length=200, description="留空为住户地址")
    client_uuid: uuid.UUID | None = Field(None, description="客户端生成，重发时不会重复申请")


class AssignIn(InSchema):
    vehicle_id: int
    driver_name: str = Field("", max_length=50, description="留空为车辆登记的司机")
    driver_phone: str = Field("", max_length=40, description="留空为车辆登记的电话")


class PickupIn(InSchema):
    at: dt.datetime | None = Field(None, description="接到时间，留空为当前时间")


class HandoverIn(InSchema):
    received_by_name: str = Field("", max_length=50, description="接收人；送医院时必填")
    at: dt.datetime | None = Field(None, description="交接时间，留空为当前时间")


class CancelIn(InSchema):
    reason: str = Field(min_length=1, max_length=150)


class VehicleOut(Schema):
    id: int
    plate: str
    kind: Vehicle.Kind
    kind_label: str
    seats: int
    driver_name: str
    driver_phone: str
    on_call: bool
    busy: bool
    area_id: int
    note: str

    @staticmethod
    def resolve_kind_label(obj: Vehicle) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_busy(obj: Vehicle, context) -> bool:
        return obj.pk in getattr(obj, "busy_ids", set())
