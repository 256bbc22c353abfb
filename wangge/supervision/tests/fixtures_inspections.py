"""Helpers of the inspections part's tests: a fixed clock, a small real PNG, an inspector, a
worker of grid 1 with a user of his own, and an inspection of a checkpoint with findings."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from wangge.accounts.models import RoleAssignment, User
from wangge.accounts.roles import Role
from wangge.checkpoints.models import Checkpoint
from wangge.supervision import services_inspections as svc
from wangge.supervision.models import ChecklistItem
from wangge.workforce.models import Worker

T0 = timezone.make_aware(dt.datetime(2022, 4, 10, 9, 0))


def png(name: str = "site.png") -> SimpleUploadedFile:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def inspector(world, area=None) -> User:
    area = area or world.street
    user = User.objects.create_user(
        f"inspector_{area.pk}", password="x-Secret-2022", display_name="督查甲"
    )
    RoleAssignment.objects.create(user=user, role=Role.INSPECTOR, area=area)
    return user


def owner(world, *, user=None, name="孙值守") -> Worker:
    return Worker.objects.create(
        name=name, phone="13611112222", kind=Worker.Kind.GRID, area=world.grid1, user=user
    )


def checkpoint(world, name="阳光小区北门卡口") -> Checkpoint:
    return Checkpoint.objects.create(name=name, kind="estate_gate", area=world.grid1)


def item(target_type="checkpoint", order=0) -> ChecklistItem:
    return ChecklistItem.objects.filter(target_type=target_type, active=True).order_by("order")[
        order
    ]


def inspect_checkpoint(world, actor, *, findings=None, **kw):
    cp = kw.pop("checkpoint", None) or checkpoint(world)
    first = item()
    if findings is None:
        findings = [
            {
                "item": first,
                "description": "值守人员未佩戴口罩",
                "owner_name": "孙值守",
                "owner_phone": "13611112222",
            },
        ]
    inspection, _created = svc.record_inspection(
        world.grid1,
        actor=actor,
        target_type="checkpoint",
        checkpoint=cp,
        checks={str(first.pk): "problem"},
        findings=findings,
        **kw,
    )
    return inspection
