"""Schemas of the dispatch API: assigning a request, the board's counts per grid, delivery
routes and making one. Householder names are masked."""

import datetime as dt

from ninja import Field, Schema

from wangge.api.schemas import InSchema
from wangge.core.mask import mask_name

from .models import DeliveryRoute, SupportRequest


class AssignIn(InSchema):
    worker_id: int | None = Field(None, description="承办人（工作人员 id）")
    route_id: int | None = Field(None, description="配送路线 id；只给路线时承办人为路线的配送人员")


class AssignedOut(Schema):
    id: int
    status: str
    status_label: str
    household_id: int
    householder_masked: str
    kind: str
    due_at: dt.datetime
    worker_id: int | None
    worker_name: str
    route_id: int | None
    assigned_at: dt.datetime | None

    @staticmethod
    def resolve_status_label(obj: SupportRequest) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_householder_masked(obj: SupportRequest) -> str:
        return mask_name(obj.household.householder_name)

    @staticmethod
    def resolve_kind(obj: SupportRequest) -> str:
        return obj.kind.code

    @staticmethod
    def resolve_worker_name(obj: SupportRequest) -> str:
        return obj.worker.name if obj.worker_id else ""


class GridCountOut(Schema):
    area_id: int | None
    name: str
    leader_name: str
    new: int
    overdue: int
    in_progress: int
    done: int


class RouteIn(InSchema):
    worker_id: int
    request_ids: list[int] = Field(
        default_factory=list, description="所选诉求；与 building_id 二选一"
    )
    building_id: int | None = Field(None, description="该楼栋当天全部待编路线的可配送诉求")
    name: str = Field("", max_length=100, description="留空自动命名")
    day: dt.date | None = Field(None, description="配送日期，留空为今天")


class RouteOut(Schema):
    id: int
    name: str
    area_id: int
    day: dt.date
    worker_id: int | None
    worker_name: str
    request_ids: list[int]

    @staticmethod
    def resolve_worker_name(obj: DeliveryRoute) -> str:
        return obj.worker.name if obj.worker_id else ""

    @staticmethod
    def resolve_request_ids(obj: DeliveryRoute) -> list[int]:
        return sorted(r.pk for r in obj.requests.all())
