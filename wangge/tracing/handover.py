"""Handing merged people over to control (移交管控): each one becomes a candidate of control's
bulk placement, source 密接名单, under the order type chosen (by default from the list kind:
密接 → 集中隔离, 次密接 → 居家隔离).

A person not yet in the registry is added to it first (people.create_person, in the area that
received the list — their grid when the linkage found their household, where they then live),
and the ContactPerson points to them from then on. Everyone who cannot be placed is reported
with the reason (already under a measure, outside the actor's scope, an ID registered to
someone else…); the others are placed and marked handed over."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.control.models import ControlOrder, OrderType
from wangge.control.services_orders_bulk import Candidate, Placement, Refusal, place_candidates
from wangge.core.normalize import NormalizationError, normalize_id_number, normalize_phone
from wangge.core.scope import CHANGE, covers, split_path
from wangge.core.services import update_object
from wangge.people.models import Person, Residence
from wangge.people.services import add_residence, create_person
from wangge.places.models import Area

from .models import ContactPerson, ListKind
from .services_merged import describe, merged_rows

# The measure each list kind gets unless the form says otherwise (OrderType codes, seeded by
# control's migration 0002).
DEFAULT_TYPE = {
    ListKind.CLOSE: "central_quarantine",
    ListKind.SECONDARY: "home_quarantine",
    ListKind.SITE_ROSTER: "central_quarantine",
    ListKind.OTHER: "home_quarantine",
}


def default_type(kind: str) -> OrderType | None:
    code = DEFAULT_TYPE.get(kind, "home_quarantine")
    found = OrderType.objects.filter(code=code).first()
    if found is None:  # a place that renamed the codes: the shortest type of that kind
        found = OrderType.objects.filter(kind=code).order_by("days", "code").first()
    return found


def new_people(user, day: dt.date):
    """Who "hand over the new ones" takes: first seen on `day`, not yet handed over, not under
    a measure, and in the user's CHANGE scope."""
    return merged_rows(user, day=day, new=True, measure="no", action=CHANGE).filter(
        handed_over_at__isnull=True
    )


def _clean(fn, value: str) -> str:
    try:
        return fn(value) if value else ""
    except NormalizationError:
        return ""


def _area_of(cp: ContactPerson) -> Area | None:
    path = split_path(cp.scope_path)[0]
    return Area.objects.filter(path=path).first()


def registry_person(cp: ContactPerson, *, actor) -> Person:
    """The registry person of `cp`, added to the registry when there is none: the one already
    registered with that ID number, else a new person of the area (living in the matched
    household when the linkage found one). An ID number that does not pass the check is kept
    in the notes, not on the person."""
    if cp.person_id:
        return cp.person
    id_number = _clean(normalize_id_number, cp.id_number)
    if id_number:
        found = Person.objects.filter(id_number=id_number).first()
        if found is not None:
            return found
    notes = ""
    if cp.id_number and not id_number:
        notes = _("名单中的身份证号：%(id)s") % {"id": cp.id_number}
    person = create_person(
        actor=actor,
        home_area=_area_of(cp),
        name=cp.name,
        id_number=id_number,
        phone=_clean(normalize_phone, cp.phone),
        notes=notes[:200],
    )
    if cp.household_id:
        add_residence(
            person=person,
            household=cp.household,
            actor=actor,
            relation=Residence.Relation.TEMPORARY,
            registered=False,
        )
        person.refresh_from_db()
    return person


def _reason(cp: ContactPerson) -> str:
    return _("%(kind)s（%(day)s 名单）") % {
        "kind": cp.get_kind_display(),
        "day": cp.first_day.isoformat(),
    }


def _active_order(person_id: int | None) -> ControlOrder | None:
    if person_id is None:
        return None
    return (
        ControlOrder.objects.filter(person_id=person_id, status=ControlOrder.Status.ACTIVE)
        .select_related("order_type")
        .order_by("-starts_on")
        .first()
    )


def handover(people, *, actor, order_type: OrderType | None = None) -> Placement:
    """Place each of `people` (ContactPersons) under `order_type` (else their kind's default),
    source 密接名单. Returns control's Placement: the orders placed and each one refused."""
    refused: list[Refusal] = []
    candidates: list[Candidate] = []
    by_person: dict[int, ContactPerson] = {}
    now = timezone.now()
    with transaction.atomic():
        for cp in describe(people):
            if not covers(actor, cp.scope_path, CHANGE):
                refused.append(Refusal(cp.name, _("不在您的管辖范围内"), cp.person_id))
                continue
            clash = _active_order(cp.person_id)
            if clash is not None:
                refused.append(
                    Refusal(
                        cp.name,
                        _("已在管控中（%(type)s，%(start)s 至 %(end)s）")
                        % {
                            "type": clash.order_type.name,
                            "start": clash.starts_on,
                            "end": clash.ends_on,
                        },
                        cp.person_id,
                        clash,
                    )
                )
                continue
            kind = order_type or default_type(cp.kind)
            try:
                with transaction.atomic():
                    person = registry_person(cp, actor=actor)
                    if cp.person_id != person.pk:
                        update_object(cp, {"person": person}, actor=actor)
            except ValidationError as exc:
                reason = _("无法登记到人员库：%(why)s") % {"why": "；".join(exc.messages)}
                refused.append(Refusal(cp.name, reason))
                continue
            if person.pk in by_person:  # two merged rows pointing to one registry person
                refused.append(Refusal(cp.name, _("与名单中另一人为同一登记人员"), person.pk))
                continue
            by_person[person.pk] = cp
            candidates.append(
                Candidate(
                    person,
                    order_type=kind,
                    source=ControlOrder.Source.CONTACT_LIST,
                    source_ref=cp.sources_text[:200],
                    reason=_reason(cp)[:200],
                )
            )
        result = place_candidates(
            candidates, actor=actor, source=ControlOrder.Source.CONTACT_LIST, refused=refused
        )
        for order in result.placed:
            cp = by_person[order.person_id]
            update_object(cp, {"handed_over_at": now}, actor=actor)
    return result
