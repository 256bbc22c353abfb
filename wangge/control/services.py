"""Writes of control measures: designating and lifting risk areas, placing people under orders
(one person, a whole household, or many at once), extending and releasing them.

A person cannot hold two overlapping orders of the same type: placing one refuses, naming the
order already in force. Bulk placement places everyone it can and reports each one refused
with the reason, so that nothing valid is lost for one bad row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.scope import CHANGE, covers
from wangge.core.services import create_object, update_object
from wangge.people.models import Person, Residence
from wangge.places.models import Building, Estate, Household, Unit

from . import services_documents, services_followups
from .models import ControlOrder, DesignationLevel, OrderType, RiskDesignation

# --- designations -----------------------------------------------------------------------------


def designate(
    place: Estate | Building | Unit,
    level: DesignationLevel,
    *,
    actor,
    reason: str,
    starts_at: dt.datetime | None = None,
) -> RiskDesignation:
    """Put `place` under `level` from `starts_at` (now by default). A place holds one current
    designation: a new one ends the current one at its start (history kept)."""
    if not covers(actor, place.scope_path, CHANGE):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": [_("请填写划定原因")]})
    starts_at = starts_at or timezone.now()
    field_name = {Estate: "estate", Building: "building", Unit: "unit"}[type(place)]
    with transaction.atomic():
        for current in current_designations().filter(**{field_name: place}):
            update_object(
                current,
                {"ends_at": starts_at, "lift_reason": _("调整为%(level)s") % {"level": level}},
                actor=actor,
            )
        return create_object(
            RiskDesignation(
                level=level,
                starts_at=starts_at,
                reason=reason.strip(),
                created_by=actor if getattr(actor, "pk", None) else None,
                **{field_name: place},
            ),
            actor=actor,
        )


def lift(designation: RiskDesignation, *, actor, reason: str, at: dt.datetime | None = None):
    if not covers(actor, designation.scope_path, CHANGE):
        raise PermissionDenied
    if designation.ends_at is not None:
        raise ValidationError(_("该区域已于 %(at)s 解除") % {"at": designation.ends_at})
    if not reason.strip():
        raise ValidationError({"lift_reason": [_("请填写解除原因")]})
    at = at or timezone.now()
    if at < designation.starts_at:
        raise ValidationError({"ends_at": [_("解除时间不能早于开始时间")]})
    update_object(
        designation,
        {"ends_at": at, "lift_reason": reason.strip(), "lifted_by": actor},
        actor=actor,
    )
    return designation


def current_designations(at: dt.datetime | None = None) -> QuerySet[RiskDesignation]:
    """Designations in force at `at` (now by default)."""
    at = at or timezone.now()
    return RiskDesignation.objects.filter(starts_at__lte=at).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=at)
    )


def designation_q(designations: QuerySet[RiskDesignation], prefix: str = "") -> Q:
    """Households (Household rows) inside any of `designations`: their unit, their building or
    their building's estate is designated."""
    rows = designations.values_list("estate_id", "building_id", "unit_id")
    estates = {e for e, _b, _u in rows if e}
    buildings = {b for _e, b, _u in rows if b}
    units = {u for _e, _b, u in rows if u}
    return (
        Q(**{f"{prefix}unit_id__in": units})
        | Q(**{f"{prefix}building_id__in": buildings})
        | Q(**{f"{prefix}building__estate_id__in": estates})
    )


def sealed_households(at: dt.datetime | None = None) -> QuerySet[Household]:
    """Households inside a place whose current level seals it (封控区): treated as sealed by
    every operation."""
    sealing = current_designations(at).filter(level__seals=True)
    return Household.objects.filter(designation_q(sealing))


def is_sealed(household: Household, at: dt.datetime | None = None) -> bool:
    """Whether one household is sealed now: one query (its building should be loaded)."""
    place = Q(unit_id=household.unit_id) | Q(building_id=household.building_id)
    if household.building.estate_id:
        place |= Q(estate_id=household.building.estate_id)
    return current_designations(at).filter(place, level__seals=True).exists()


def household_level(household: Household, at: dt.datetime | None = None):
    """The strictest level in force over a household, or None."""
    over = current_designations(at).filter(
        Q(unit_id=household.unit_id)
        | Q(building_id=household.building_id)
        | Q(estate_id=household.building.estate_id, estate__isnull=False)
    )
    found = over.select_related("level").order_by("-level__rank").first()
    return found.level if found else None


# --- orders -----------------------------------------------------------------------------------


def overlapping(person: Person, order_type: OrderType, starts_on, ends_on, exclude=None):
    """The person's active order of this type overlapping [starts_on, ends_on], if any."""
    qs = ControlOrder.objects.filter(
        person=person,
        order_type=order_type,
        status=ControlOrder.Status.ACTIVE,
        starts_on__lte=ends_on,
        ends_on__gte=starts_on,
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.first()


def _home_of(person: Person) -> Household | None:
    res = (
        Residence.objects.filter(person=person, living=True, until__isnull=True)
        .select_related("household")
        .order_by("-registered", "pk")
        .first()
    )
    return res.household if res else None


def place_order(
    person: Person,
    order_type: OrderType,
    *,
    actor,
    source: str,
    reason: str,
    starts_on: dt.date | None = None,
    days: int | None = None,
    household: Household | None = None,
    source_ref: str = "",
    flag=None,
    worker=None,
    worker_name: str = "",
    worker_phone: str = "",
) -> ControlOrder:
    """Place `person` under `order_type` for `days` (the type's duration by default) from
    `starts_on` (today by default), at `household` (where they live by default), followed up
    by `worker` (a user; name and phone default to the account's). The daily follow-ups of the
    whole order are scheduled at once."""
    if not covers(actor, person.scope_path, CHANGE):
        raise PermissionDenied
    starts_on = starts_on or timezone.localdate()
    days = days or order_type.days
    if days < 1:
        raise ValidationError({"days": [_("期限至少 1 天")]})
    ends_on = starts_on + dt.timedelta(days=days - 1)
    errors = {}
    if source not in ControlOrder.Source.values:
        errors["source"] = [_("来源不正确")]
    if not reason.strip():
        errors["reason"] = [_("请填写原因")]
    clash = overlapping(person, order_type, starts_on, ends_on)
    if clash is not None:
        errors["starts_on"] = [
            _("%(name)s 已有%(type)s（%(start)s 至 %(end)s），不能重复下达")
            % {
                "name": person.name,
                "type": order_type.name,
                "start": clash.starts_on,
                "end": clash.ends_on,
            }
        ]
    if errors:
        raise ValidationError(errors)
    if worker is not None:
        worker_name = worker_name or str(worker)
        worker_phone = worker_phone or getattr(worker, "phone", "")
    order = create_object(
        ControlOrder(
            person=person,
            household=household or _home_of(person),
            order_type=order_type,
            starts_on=starts_on,
            ends_on=ends_on,
            source=source,
            source_ref=source_ref,
            flag=flag,
            reason=reason.strip(),
            worker=worker,
            worker_name=worker_name,
            worker_phone=worker_phone,
            created_by=actor if getattr(actor, "pk", None) else None,
        ),
        actor=actor,
    )
    services_followups.schedule(order)
    return order


@dataclass
class BulkResult:
    placed: list[ControlOrder] = field(default_factory=list)
    refused: list[tuple[Person, str]] = field(default_factory=list)  # (person, reason)


def place_orders(persons, order_type: OrderType, *, actor, **fields) -> BulkResult:
    """Place each of `persons` (e.g. everyone flagged today in a grid) under `order_type`; each
    one refused (overlap, out of scope) is reported with its reason, the others are placed."""
    result = BulkResult()
    for person in persons:
        try:
            with transaction.atomic():
                result.placed.append(place_order(person, order_type, actor=actor, **fields))
        except PermissionDenied:
            result.refused.append((person, _("不在您的管辖范围内")))
        except ValidationError as exc:
            result.refused.append((person, "；".join(exc.messages)))
    return result


def household_members(household: Household) -> list[Person]:
    """Everyone living in `household` now (for placing a whole household)."""
    return list(
        Person.objects.filter(
            residences__household=household,
            residences__living=True,
            residences__until__isnull=True,
        ).order_by("pk")
    )


def extend(order: ControlOrder, days: int, *, actor, reason: str) -> ControlOrder:
    """Move the end of an active order `days` later (延长管控)."""
    if not covers(actor, order.scope_path, CHANGE):
        raise PermissionDenied
    if order.status != ControlOrder.Status.ACTIVE:
        raise ValidationError(_("只能延长管控中的措施"))
    if days < 1:
        raise ValidationError({"days": [_("延长天数至少 1 天")]})
    if not reason.strip():
        raise ValidationError({"reason": [_("请填写延长原因")]})
    ends_on = order.ends_on + dt.timedelta(days=days)
    clash = overlapping(order.person, order.order_type, order.starts_on, ends_on, exclude=order)
    if clash is not None:
        raise ValidationError(
            _("延长后与 %(start)s 开始的同类措施重叠") % {"start": clash.starts_on}
        )
    update_object(
        order,
        {
            "ends_on": ends_on,
            "extended_days": order.extended_days + days,
            "reason": "；".join(
                [order.reason, _("延长%(days)d天：%(reason)s") % {"days": days, "reason": reason}]
            )[:200],
        },
        actor=actor,
    )
    services_followups.schedule(order)
    return order


def release(order: ControlOrder, *, actor, note: str = "", early: bool = False) -> ControlOrder:
    """Record the release of an order on or after its end date (before it, only with `early`
    and a note, e.g. a decision of the command post)."""
    if not covers(actor, order.scope_path, CHANGE):
        raise PermissionDenied
    if order.status != ControlOrder.Status.ACTIVE:
        raise ValidationError(_("该措施已不在管控中"))
    today = timezone.localdate()
    if today < order.ends_on and not (early and note.strip()):
        raise ValidationError(
            _("%(end)s 期满后才能解除；提前解除须注明依据") % {"end": order.ends_on}
        )
    update_object(
        order,
        {
            "status": ControlOrder.Status.RELEASED,
            "released_at": timezone.now(),
            "release_note": note.strip(),
        },
        actor=actor,
    )
    services_followups.drop_pending(order)
    services_documents.remove(order, actor=actor)
    return order


def due_for_release(day: dt.date | None = None) -> QuerySet[ControlOrder]:
    """Active orders whose end date is `day` (today) or past: the release list."""
    day = day or timezone.localdate()
    return ControlOrder.objects.filter(status=ControlOrder.Status.ACTIVE, ends_on__lte=day)
