"""Vehicles (转运车辆): the roster of vehicles on call for transfers, each dispatched by a
street or community (its area) with its driver; which ones a dispatcher may assign (in their
CHANGE scope or above it) and which are out on a transfer now. Putting a vehicle on the
roster, editing it and the on-call switch need CHANGE over its area.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from wangge.core.normalize import NormalizationError, normalize_phone
from wangge.core.scope import CHANGE, covers
from wangge.core.services import create_object, update_object
from wangge.places.models import Area

from .models_transfers import Transfer, Vehicle
from .services_transfers_access import ON_ROAD


def usable_vehicles(user) -> QuerySet[Vehicle]:
    """Vehicles a dispatcher may assign: in their CHANGE scope or above it."""
    return Vehicle.objects.touching(user, CHANGE)


def busy_vehicle_ids() -> set[int]:
    return set(
        Transfer.objects.filter(status__in=ON_ROAD, vehicle__isnull=False).values_list(
            "vehicle_id", flat=True
        )
    )


def _plate(value: str) -> str:
    return "".join((value or "").split()).upper()


def _vehicle_data(data: dict, *, current: Vehicle | None = None) -> dict:
    data = dict(data)
    errors: dict[str, list[str]] = {}
    if "plate" in data:
        data["plate"] = _plate(data["plate"])
        if not data["plate"]:
            errors["plate"] = [_("请填写车牌号")]
        else:
            taken = Vehicle.objects.filter(plate=data["plate"])
            if current is not None:
                taken = taken.exclude(pk=current.pk)
            if taken.exists():
                errors["plate"] = [_("车牌号 %(plate)s 已登记") % {"plate": data["plate"]}]
    if "driver_name" in data:
        data["driver_name"] = (data["driver_name"] or "").strip()
        if not data["driver_name"]:
            errors["driver_name"] = [_("请填写司机姓名")]
    if "driver_phone" in data:
        try:
            data["driver_phone"] = normalize_phone(data["driver_phone"])
        except NormalizationError as exc:
            errors["driver_phone"] = [str(exc)]
        else:
            if not data["driver_phone"]:
                errors["driver_phone"] = [_("请填写司机电话")]
    if "seats" in data and (data["seats"] is None or data["seats"] < 1):
        errors["seats"] = [_("座位数至少为 1")]
    if "kind" in data and data["kind"] not in Vehicle.Kind.values:
        errors["kind"] = [_("请选择车型")]
    if errors:
        raise ValidationError(errors)
    return data


def create_vehicle(
    *,
    actor,
    area: Area,
    plate: str,
    driver_name: str,
    driver_phone: str,
    kind: str = Vehicle.Kind.CAR,
    seats: int = 4,
    on_call: bool = True,
    note: str = "",
) -> Vehicle:
    """Put a vehicle on the roster of `area` (the street or community that dispatches it)."""
    if not covers(actor, area.path, CHANGE):
        raise PermissionDenied
    data = _vehicle_data(
        {
            "plate": plate,
            "driver_name": driver_name,
            "driver_phone": driver_phone,
            "kind": kind,
            "seats": seats,
        }
    )
    return create_object(
        Vehicle(area=area, on_call=on_call, note=(note or "").strip(), **data), actor=actor
    )


def update_vehicle(vehicle: Vehicle, data: dict, *, actor) -> Vehicle:
    """Edit a vehicle (plate, kind, seats, driver, note, area, on call)."""
    if not covers(actor, vehicle.scope_path, CHANGE):
        raise PermissionDenied
    data = _vehicle_data(data, current=vehicle)
    if "area" in data and not covers(actor, data["area"].path, CHANGE):
        raise ValidationError({"area": [_("所选区域不在您的管辖范围内")]})
    update_object(vehicle, data, actor=actor)
    return vehicle


def set_on_call(vehicle: Vehicle, on_call: bool, *, actor) -> Vehicle:
    """Put a vehicle on call (待命) or take it off."""
    if not covers(actor, vehicle.scope_path, CHANGE):
        raise PermissionDenied
    update_object(vehicle, {"on_call": bool(on_call)}, actor=actor)
    return vehicle
