"""Request and response schemas of the inspections API: an inspection with its checklist
answers and findings, recording one (with findings, idempotent with client_uuid), a finding
(owner's phone masked), rectifying and verifying one."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone
from ninja import Field, Schema

from wangge.api.schemas import InSchema
from wangge.core.mask import mask_phone

from .models import Finding, Inspection, TargetType


class FindingOut(Schema):
    id: int
    inspection_id: int
    target_name: str
    area_id: int
    item_id: int | None
    item: str
    description: str
    severity: str
    owner_worker_id: int | None
    owner_name: str
    owner_phone_masked: str
    deadline: dt.datetime
    status: str
    status_label: str
    overdue: bool
    has_photo: bool
    rectified_at: dt.datetime | None
    rectification_note: str
    has_rectification_photo: bool
    verified_at: dt.datetime | None
    verification_note: str
    reopened: int
    created_at: dt.datetime

    @staticmethod
    def resolve_target_name(obj: Finding) -> str:
        return obj.inspection.target_name

    @staticmethod
    def resolve_area_id(obj: Finding) -> int:
        return obj.inspection.area_id

    @staticmethod
    def resolve_item(obj: Finding) -> str:
        return obj.item.text if obj.item_id else ""

    @staticmethod
    def resolve_owner_phone_masked(obj: Finding) -> str:
        return mask_phone(obj.owner_phone)

    @staticmethod
    def resolve_status_label(obj: Finding) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_overdue(obj: Finding) -> bool:
        return obj.status == Finding.Status.OPEN and obj.deadline < timezone.now()

    @staticmethod
    def resolve_has_photo(obj: Finding) -> bool:
        return bool(obj.photo)

    @staticmethod
    def resolve_has_rectification_photo(obj: Finding) -> bool:
        return bool(obj.rectification_photo)


class InspectionOut(Schema):
    id: int
    area_id: int
    area: str
    target_type: str
    target_type_label: str
    target_name: str
    post_id: int | None
    checkpoint_id: int | None
    sampling_point_id: int | None
    site_id: int | None
    venue_id: int | None
    inspected_at: dt.datetime
    shift: str
    inspector_name: str
    checks: dict[str, str]
    note: str
    client_uuid: uuid.UUID | None
    findings: list[FindingOut]

    @staticmethod
    def resolve_area(obj: Inspection) -> str:
        return obj.area.name

    @staticmethod
    def resolve_target_type_label(obj: Inspection) -> str:
        return str(obj.get_target_type_display())

    @staticmethod
    def resolve_findings(obj: Inspection) -> list:
        return list(obj.findings.select_related("item", "inspection"))


class FindingIn(InSchema):
    item_id: int | None = Field(None, description="检查清单项（须属于该对象类型）")
    description: str = Field(min_length=1, max_length=2000)
    severity: Finding.Severity = Finding.Severity.MINOR
    owner_worker_id: int | None = Field(None, description="整改责任人（该区域的工作人员）")
    owner_name: str = Field("", max_length=100, description="不选工作人员时必填")
    owner_phone: str = Field("", max_length=40)
    deadline: dt.datetime | None = Field(None, description="整改时限，默认 24 小时后")


class InspectionIn(InSchema):
    area_id: int | None = Field(None, description="所属区域，留空为督查对象所在区域")
    target_type: TargetType
    target_name: str = Field("", max_length=200, description="不选督查对象时必填")
    post_id: int | None = None
    checkpoint_id: int | None = None
    sampling_point_id: int | None = None
    site_id: int | None = None
    venue_id: int | None = None
    inspected_at: dt.datetime | None = Field(None, description="默认当前时间")
    shift: Inspection.Shift = Inspection.Shift.DAY
    checks: dict[str, str] = Field(
        default_factory=dict, description="{清单项 id: ok | problem | na}"
    )
    note: str = Field("", max_length=2000)
    findings: list[FindingIn] = Field(default_factory=list, max_length=50)
    client_uuid: uuid.UUID | None = Field(None, description="客户端生成，重发时不会重复提交")


class RectifyIn(InSchema):
    note: str = Field(min_length=1, max_length=2000, description="整改情况（照片请在网页上传）")


class VerifyIn(InSchema):
    passed: bool
    note: str = Field("", max_length=200, description="退回时必填")
    deadline: dt.datetime | None = Field(None, description="退回时必填：新的整改时限")
