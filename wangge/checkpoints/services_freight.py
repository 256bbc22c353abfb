"""Closed-loop freight: a vehicle registered at entry (idempotent with a client UUID), checked
out at exit (its entry gate or another), overdue once inside longer than expected."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.audit import record_change, snapshot
from wangge.core.models import ChangeLog
from wangge.core.normalize import (
    NormalizationError,
    normalize_name,
    normalize_phone,
    to_halfwidth,
)

from .gate import may_record
from .models import Checkpoint, FreightVehicle
from .services_board import day_bounds


def _uuid(value) -> uuid.UUID | None:
    if value in (None, ""):
        return None
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError as exc:
        raise ValidationError({"client_uuid": [_("记录编号格式不正确")]}) from exc


def clean_plate(value: str) -> str:
    plate = "".join(to_halfwidth(value or "").split()).upper().replace("·", "")
    if not plate:
        raise ValidationError({"plate": [_("请填写车牌号")]})
    if len(plate) < 5 or len(plate) > 12:
        raise ValidationError({"plate": [_("车牌号 %(p)s 格式不正确") % {"p": plate}]})
    return plate


def register_freight(
    checkpoint: Checkpoint,
    *,
    actor,
    plate: str,
    driver_name: str,
    driver_phone: str,
    cargo: str,
    origin: str,
    destination: str,
    escort: str = "",
    expected_minutes: int = 120,
    at: dt.datetime | None = None,
    client_uuid=None,
) -> tuple[FreightVehicle, bool]:
    """A vehicle checked in at entry. Returns (vehicle, created); a retry with the same client
    UUID returns the first record."""
    if not may_record(actor, checkpoint):
        raise PermissionDenied
    key = _uuid(client_uuid)
    if key is not None:
        first = FreightVehicle.objects.filter(client_uuid=key).first()
        if first is not None:
            return first, False
    errors: dict[str, list[str]] = {}
    try:
        plate = clean_plate(plate)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        phone = normalize_phone(driver_phone)
        if not phone:
            errors["driver_phone"] = [_("请填写司机电话")]
    except NormalizationError as exc:
        errors["driver_phone"] = [str(exc)]
        phone = ""
    values = {
        "driver_name": normalize_name(driver_name),
        "cargo": (cargo or "").strip(),
        "origin": (origin or "").strip(),
        "destination": (destination or "").strip(),
    }
    required = {
        "driver_name": _("请填写司机姓名"),
        "cargo": _("请填写货物"),
        "origin": _("请填写出发地"),
        "destination": _("请填写目的地"),
    }
    for name, msg in required.items():
        if not values[name]:
            errors[name] = [msg]
    if not 1 <= int(expected_minutes or 0) <= 24 * 60:
        errors["expected_minutes"] = [_("预计停留时间应在1分钟到24小时之间")]
    now = timezone.now()
    at = at or now
    if at > now + dt.timedelta(minutes=5):
        errors["at"] = [_("时间不能晚于当前时间")]
    if errors:
        raise ValidationError(errors)
    if FreightVehicle.objects.filter(plate=plate, exited_at__isnull=True).exists():
        msg = _("车辆 %(p)s 已登记在区内，尚未出场") % {"p": plate}
        raise ValidationError({"plate": [msg]})
    vehicle = FreightVehicle(
        checkpoint_in=checkpoint,
        plate=plate,
        driver_name=values["driver_name"][:50],
        driver_phone=phone,
        cargo=values["cargo"][:100],
        origin=values["origin"][:100],
        destination=values["destination"][:100],
        escort=(escort or "").strip()[:100],
        expected_minutes=int(expected_minutes),
        entered_at=at,
        recorded_by=actor if getattr(actor, "pk", None) else None,
        client_uuid=key,
    )
    try:
        with transaction.atomic():
            vehicle.save()
            record_change(actor, ChangeLog.Action.CREATE, vehicle, None, snapshot(vehicle))
    except IntegrityError:
        if key is None:
            raise
        return FreightVehicle.objects.get(client_uuid=key), False
    return vehicle, True


def freight_exit(
    vehicle: FreightVehicle, *, actor, checkpoint: Checkpoint, at: dt.datetime | None = None
) -> FreightVehicle:
    """The vehicle checked out at `checkpoint` (its entry gate or another)."""
    if not may_record(actor, checkpoint):
        raise PermissionDenied
    if vehicle.exited_at is not None:
        when = timezone.localtime(vehicle.exited_at)
        raise ValidationError(
            _("车辆 %(p)s 已于 %(t)s 出场") % {"p": vehicle.plate, "t": f"{when:%m-%d %H:%M}"}
        )
    at = at or timezone.now()
    if at < vehicle.entered_at:
        raise ValidationError({"at": [_("出场时间不能早于进入时间")]})
    before = snapshot(vehicle)
    vehicle.checkpoint_out, vehicle.exited_at = checkpoint, at
    with transaction.atomic():
        vehicle.save(update_fields=["checkpoint_out", "exited_at"])
        record_change(actor, ChangeLog.Action.UPDATE, vehicle, before, snapshot(vehicle))
    return vehicle


def due_at(vehicle: FreightVehicle) -> dt.datetime:
    return vehicle.entered_at + dt.timedelta(minutes=vehicle.expected_minutes)


def is_overdue(vehicle: FreightVehicle, at: dt.datetime | None = None) -> bool:
    return vehicle.exited_at is None and due_at(vehicle) < (at or timezone.now())


def inside(qs: QuerySet[FreightVehicle]) -> QuerySet[FreightVehicle]:
    return qs.filter(exited_at__isnull=True).select_related("checkpoint_in").order_by("entered_at")


def overdue(qs: QuerySet[FreightVehicle], at: dt.datetime | None = None) -> list[FreightVehicle]:
    """Vehicles inside longer than expected, longest overdue first."""
    at = at or timezone.now()
    return sorted((v for v in inside(qs) if is_overdue(v, at)), key=due_at)


def left_on(qs: QuerySet[FreightVehicle], day: dt.date) -> QuerySet[FreightVehicle]:
    start, end = day_bounds(day)
    return (
        qs.filter(exited_at__gte=start, exited_at__lt=end)
        .select_related("checkpoint_in", "checkpoint_out")
        .order_by("-exited_at")
    )
