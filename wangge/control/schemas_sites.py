"""Request and response schemas of the quarantine site API: sites with their occupancy, rooms
with who is in them (names masked), check-in and check-out."""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Field, Schema

from wangge.api.schemas import InSchema
from wangge.core.mask import mask_name

from .models_sites import Stay


class SiteOut(Schema):
    id: int
    name: str
    area_id: int
    area_name: str
    address: str
    phone: str
    active: bool
    rooms: int = Field(description="房间数")
    rooms_out_of_service: int
    rooms_used: int = Field(description="有人入住的房间数")
    rooms_free: int = Field(description="空闲且未停用的房间数")
    beds: int = Field(description="未停用房间的床位数")
    people_in: int = Field(description="在住人数")

    @staticmethod
    def resolve_area_name(obj) -> str:
        return obj.area.name

    # Counted in the list's query (api_sites._with_occupancy) under n_<name>.
    @staticmethod
    def resolve_rooms(obj) -> int:
        return obj.n_rooms

    @staticmethod
    def resolve_rooms_out_of_service(obj) -> int:
        return obj.n_rooms_out_of_service

    @staticmethod
    def resolve_rooms_used(obj) -> int:
        return obj.n_rooms_used

    @staticmethod
    def resolve_rooms_free(obj) -> int:
        return obj.n_rooms_free

    @staticmethod
    def resolve_beds(obj) -> int:
        return obj.n_beds

    @staticmethod
    def resolve_people_in(obj) -> int:
        return obj.n_people_in


class OccupantOut(Schema):
    stay_id: int
    person_id: int
    name: str = Field(description="脱敏")
    checked_in_at: dt.datetime
    order_id: int | None
    days_remaining: int | None = Field(description="管控措施剩余天数（含当天）")


class RoomOut(Schema):
    id: int
    building: str
    floor: int
    number: str
    capacity: int
    room_type: str
    out_of_service: bool
    note: str
    occupants: list[OccupantOut]
    free_beds: int


class NewPersonIn(InSchema):
    name: str = Field(min_length=1, max_length=50)
    id_number: str = Field("", max_length=40)
    phone: str = Field("", max_length=30)


class CheckInIn(InSchema):
    room_id: int
    person_id: int | None = Field(
        None, description="人员库中的人员（须在您的管辖范围内或在转运单上）"
    )
    transfer_id: int | None = Field(None, description="送往本隔离点的转运单；未交接的将同时交接")
    new_person: NewPersonIn | None = Field(None, description="人员库中没有的人员（如外市来人）")
    order_id: int | None = Field(None, description="不填则关联其集中隔离措施")
    arrived_from: str = Field("", max_length=200)
    file_note: str = Field("", max_length=2000)
    diet: Stay.Diet = Stay.Diet.NORMAL
    diet_note: str = Field("", max_length=100)
    medical_needs: str = Field("", max_length=200)
    checked_in_at: dt.datetime | None = Field(None, description="入住时间；不填为当前时间")
    client_uuid: uuid.UUID | None = Field(None, description="客户端生成；重试时带同一个值")


class CheckOutIn(InSchema):
    note: str = Field("", max_length=200, description="管控措施未解除时必填")
    checked_out_at: dt.datetime | None = Field(None, description="离开时间；不填为当前时间")


class StayOut(Schema):
    id: int
    site_id: int
    room_id: int
    room: str
    person_id: int
    person_name: str = Field(description="脱敏")
    order_id: int | None
    transfer_id: int | None
    arrived_from: str
    diet: str
    diet_note: str
    medical_needs: str
    checked_in_at: dt.datetime
    checked_out_at: dt.datetime | None
    checkout_note: str
    client_uuid: uuid.UUID | None

    @staticmethod
    def resolve_room(obj: Stay) -> str:
        return str(obj.room)

    @staticmethod
    def resolve_person_name(obj: Stay) -> str:
        return mask_name(obj.person.name)
