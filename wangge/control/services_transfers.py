"""Transfers (转运): a request to move a person or a whole household from their address to a
quarantine site or a hospital; a vehicle on call and its driver assigned; picked up; handed
over, confirmed by the receiving site (or, for a hospital, by the transfer's own workers with
the receiving person's name); closed. A request may be cancelled, with a reason, until the
people are picked up. Each step stamps its time and is audited.

Who may do what:
- request, assign, close, cancel: CHANGE over the household (or person) transferred;
  the vehicle must be one the dispatcher can use (in their scope or above it: the street's);
- pick up: RECORD over the household (the worker at the door);
- hand over: RECORD at the destination site (its staff), or over the household for a hospital.

A transfer is seen by users whose scope covers its household, and by the staff of the site it
is going to (`visible_transfers`). Requests carry a client UUID: a retry returns the first
transfer.

Who sees and who may are services_transfers_access' (visible_transfers is importable from here
too); the vehicles on the roster are services_vehicles'.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.normalize import NormalizationError, normalize_phone
from wangge.core.scope import CHANGE, RECORD, covers
from wangge.core.services import create_object, update_object
from wangge.people.models import Person, Residence
from wangge.places.models import Household

from .models_sites import Site
from .models_transfers import Transfer, Vehicle
from .services import household_members
from .services_transfers_access import (
    ON_ROAD,
    OPEN,
    may_hand_over,
    usable_sites,
    visible_transfers,  # also provided here for the other parts
)
from .services_vehicles import usable_vehicles

Status = Transfer.Status
# A time typed on a phone may run a little ahead of the server's clock.
CLOCK_SKEW = dt.timedelta(minutes=5)


# --- requests ---------------------------------------------------------------------------------


def home_of(person: Person) -> Household | None:
    res = (
        Residence.objects.filter(person=person, living=True, until__isnull=True)
        .select_related("household__building__estate", "household__unit")
        .order_by("-registered", "pk")
        .first()
    )
    return res.household if res else None


def _names(persons) -> str:
    return "、".join(p.name for p in persons)


def _phone(value: str, field: str) -> str:
    try:
        return normalize_phone(value)
    except NormalizationError as exc:
        raise ValidationError({field: [str(exc)]}) from exc


def submit_request(
    *,
    actor,
    person: Person | None = None,
    household: Household | None = None,
    destination: str,
    site: Site | None = None,
    hospital: str = "",
    urgency: str = Transfer.Urgency.ROUTINE,
    reason: str,
    from_address: str = "",
    client_uuid: uuid.UUID | None = None,
    note: str = "",
) -> tuple[Transfer, bool]:
    """request_transfer, also saying whether the transfer was created (False on a retry)."""
    if client_uuid is not None:
        first = Transfer.objects.filter(client_uuid=client_uuid).first()
        if first is not None:
            if not visible_transfers(actor).filter(pk=first.pk).exists():
                raise ValidationError({"client_uuid": [_("该 client_uuid 已被使用")]})
            return first, False
    if person is None and household is None:
        raise ValidationError({"person": [_("请选择要转运的人员或住户")]})
    if person is not None:
        household = household or home_of(person)
        persons = [person]
    else:
        persons = household_members(household)
    for target in (person, household):
        if target is not None and not covers(actor, target.scope_path, CHANGE):
            raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if not persons:
        errors["household"] = [_("该住户没有登记在住人员，请改为选择具体人员")]
    busy_ids = set(
        Transfer.persons.through.objects.filter(
            transfer__status__in=OPEN, person__in=persons
        ).values_list("person_id", flat=True)
    )
    busy = [p for p in persons if p.pk in busy_ids]
    if busy:
        errors["person"] = [_("%(names)s 已有未完成的转运，请勿重复申请") % {"names": _names(busy)}]
    site_obj = None
    hospital = (hospital or "").strip()
    if destination == Transfer.Destination.SITE:
        if site is None:
            errors["site"] = [_("请选择隔离点")]
        elif not usable_sites(actor).filter(pk=site.pk).exists():
            errors["site"] = [_("所选隔离点不存在、已停用或不在您的管辖范围内")]
        else:
            site_obj = site
        hospital = ""
    elif destination == Transfer.Destination.HOSPITAL:
        if not hospital:
            errors["hospital"] = [_("请填写医院名称")]
    else:
        errors["destination"] = [_("请选择去向：集中隔离点或医院")]
    if urgency not in Transfer.Urgency.values:
        errors["urgency"] = [_("请选择紧急程度")]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("请填写转运原因")]
    from_address = (from_address or "").strip() or (household.address if household else "")
    if not from_address:
        errors["from_address"] = [_("请填写出发地址")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            transfer = create_object(
                Transfer(
                    person=person,
                    household=household,
                    from_address=from_address[:200],
                    destination=destination,
                    site=site_obj,
                    hospital=hospital,
                    urgency=urgency,
                    reason=reason[:200],
                    requested_at=timezone.now(),
                    requested_by=actor if getattr(actor, "pk", None) else None,
                    note=(note or "").strip()[:200],
                    client_uuid=client_uuid,
                ),
                actor=actor,
            )
            transfer.persons.set(persons)
    except (IntegrityError, ValidationError):
        # A concurrent retry with the same UUID committed first.
        if client_uuid is None:
            raise
        first = visible_transfers(actor).filter(client_uuid=client_uuid).first()
        if first is None:
            raise
        return first, False
    return transfer, True


def request_transfer(
    *,
    actor,
    person: Person | None = None,
    household: Household | None = None,
    destination: str,
    site: Site | None = None,
    hospital: str = "",
    urgency: str = Transfer.Urgency.ROUTINE,
    reason: str,
    from_address: str = "",
    client_uuid: uuid.UUID | None = None,
) -> Transfer:
    """Ask for a transfer of `person` (alone) or of `household` (everyone living there now),
    from `from_address` (the household's address by default) to `site` or `hospital`. The same
    `client_uuid` again returns the first transfer."""
    transfer, _created = submit_request(
        actor=actor,
        person=person,
        household=household,
        destination=destination,
        site=site,
        hospital=hospital,
        urgency=urgency,
        reason=reason,
        from_address=from_address,
        client_uuid=client_uuid,
    )
    return transfer


# --- steps ------------------------------------------------------------------------------------


def _wrong_step(transfer: Transfer, wanted: str) -> ValidationError:
    return ValidationError(
        _("该转运当前状态为“%(status)s”，不能%(step)s")
        % {"status": transfer.get_status_display(), "step": wanted}
    )


def _lock(transfer: Transfer) -> Transfer:
    """Re-read the transfer in the transaction (a double tap must not apply a step twice)."""
    fresh = Transfer.objects.select_for_update().get(pk=transfer.pk)
    for name in ("status", "vehicle_id", "assigned_at", "picked_up_at", "handed_over_at"):
        setattr(transfer, name, getattr(fresh, name))
    return transfer


def _when(at: dt.datetime | None, after: dt.datetime | None, after_label: str) -> dt.datetime:
    now = timezone.now()
    at = at or now
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at > now + CLOCK_SKEW:
        raise ValidationError({"at": [_("时间不能晚于当前时间")]})
    if after is not None and at < after:
        raise ValidationError(
            {
                "at": [
                    _("时间不能早于%(step)s（%(at)s）")
                    % {
                        "step": after_label,
                        "at": timezone.localtime(after).strftime("%Y-%m-%d %H:%M"),
                    }
                ]
            }
        )
    return at


def assign(
    transfer: Transfer,
    vehicle: Vehicle,
    *,
    actor,
    driver_name: str = "",
    driver_phone: str = "",
) -> Transfer:
    """Send `vehicle` (on call, not on another open transfer, enough seats); the driver's name
    and phone are copied from the vehicle unless given. A vehicle may be changed until the
    people are picked up."""
    if not covers(actor, transfer.scope_path, CHANGE):
        raise PermissionDenied
    with transaction.atomic():
        _lock(transfer)
        if transfer.status not in (Status.REQUESTED, Status.ASSIGNED):
            raise _wrong_step(transfer, _("派车"))
        if not usable_vehicles(actor).filter(pk=vehicle.pk).exists():
            raise ValidationError({"vehicle": [_("所选车辆不存在或不在您的调度范围内")]})
        vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
        if not vehicle.on_call:
            raise ValidationError(
                {"vehicle": [_("车辆 %(plate)s 未在待命，不能派出") % {"plate": vehicle.plate}]}
            )
        other = (
            Transfer.objects.filter(vehicle=vehicle, status__in=ON_ROAD)
            .exclude(pk=transfer.pk)
            .first()
        )
        if other is not None:
            raise ValidationError(
                {
                    "vehicle": [
                        _("车辆 %(plate)s 正在执行另一转运任务（%(status)s），请选择其他车辆")
                        % {"plate": vehicle.plate, "status": other.get_status_display()}
                    ]
                }
            )
        people = transfer.persons.count()
        if vehicle.seats < people:
            raise ValidationError(
                {
                    "vehicle": [
                        _("车辆 %(plate)s 只有 %(seats)d 个座位，本次需转运 %(n)d 人")
                        % {"plate": vehicle.plate, "seats": vehicle.seats, "n": people}
                    ]
                }
            )
        update_object(
            transfer,
            {
                "status": Status.ASSIGNED,
                "vehicle": vehicle,
                "driver_name": (driver_name or "").strip() or vehicle.driver_name,
                "driver_phone": _phone(driver_phone, "driver_phone")
                if (driver_phone or "").strip()
                else vehicle.driver_phone,
                "assigned_at": timezone.now(),
            },
            actor=actor,
        )
    return transfer


def pick_up(transfer: Transfer, *, actor, at: dt.datetime | None = None) -> Transfer:
    """The people are in the vehicle (接到), at `at` (now by default)."""
    if not covers(actor, transfer.scope_path, RECORD):
        raise PermissionDenied
    with transaction.atomic():
        _lock(transfer)
        if transfer.status != Status.ASSIGNED:
            raise _wrong_step(transfer, _("登记接到"))
        at = _when(at, transfer.assigned_at, _("派车时间"))
        update_object(transfer, {"status": Status.PICKED_UP, "picked_up_at": at}, actor=actor)
    return transfer


def hand_over(
    transfer: Transfer, *, actor, received_by_name: str = "", at: dt.datetime | None = None
) -> Transfer:
    """The receiving side confirms the people arrived (交接): for a site, someone who may record
    at the site (the receiver's name defaults to theirs); for a hospital, the transfer's own
    workers, naming who received them. A transfer whose pick-up was not recorded is taken as
    picked up at the same time."""
    if not may_hand_over(transfer, actor):
        raise PermissionDenied
    received_by_name = (received_by_name or "").strip()
    with transaction.atomic():
        _lock(transfer)
        if transfer.status not in ON_ROAD:
            raise _wrong_step(transfer, _("交接"))
        if transfer.destination == Transfer.Destination.HOSPITAL and not received_by_name:
            raise ValidationError({"received_by_name": [_("请填写医院接收人姓名")]})
        at = _when(
            at,
            transfer.picked_up_at or transfer.assigned_at,
            _("接到时间") if transfer.picked_up_at else _("派车时间"),
        )
        data = {
            "status": Status.HANDED_OVER,
            "handed_over_at": at,
            "handed_over_by": actor if getattr(actor, "pk", None) else None,
            "received_by_name": (received_by_name or str(actor))[:50],
        }
        if transfer.picked_up_at is None:
            data["picked_up_at"] = at
        update_object(transfer, data, actor=actor)
    return transfer


def close(transfer: Transfer, *, actor) -> Transfer:
    """The dispatcher closes a handed-over transfer (the vehicle is back, disinfected)."""
    if not covers(actor, transfer.scope_path, CHANGE):
        raise PermissionDenied
    with transaction.atomic():
        _lock(transfer)
        if transfer.status != Status.HANDED_OVER:
            raise _wrong_step(transfer, _("完成"))
        update_object(transfer, {"status": Status.CLOSED, "closed_at": timezone.now()}, actor=actor)
    return transfer


def cancel(transfer: Transfer, *, actor, reason: str) -> Transfer:
    """Cancel a transfer not yet picked up, with the reason (kept in the note)."""
    if not covers(actor, transfer.scope_path, CHANGE):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写取消原因")]})
    with transaction.atomic():
        _lock(transfer)
        if transfer.status not in (Status.REQUESTED, Status.ASSIGNED):
            raise _wrong_step(transfer, _("取消"))
        note = _("取消：%(reason)s") % {"reason": reason}
        if transfer.note:
            note = f"{transfer.note}；{note}"
        update_object(transfer, {"status": Status.CANCELLED, "note": note[:200]}, actor=actor)
    return transfer
