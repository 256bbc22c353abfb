"""Placing many people at once from what other operations found: the decided flags of the
canvass, the positive pools of a testing round, a selection, a household.

Bulk placement places everyone it can and reports each one refused with the reason (an order
already in force, out of scope, a flag without a decided measure), so that nothing valid is lost
for one bad row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.scope import CHANGE
from wangge.people.models import Person
from wangge.places.models import Household

from . import services
from .models import ControlOrder, OrderType

Source = ControlOrder.Source

# --- placing ----------------------------------------------------------------------------------


@dataclass
class Candidate:
    """One person to place, with what the source says of it (a flag, a positive tube…)."""

    person: Person
    order_type: OrderType | None = None  # None: the form's type
    source: str = ""  # "": the form's source
    source_ref: str = ""
    reason: str = ""  # "": the form's reason
    flag: object = None
    note: str = ""  # shown on the confirmation page (the flag's reason, the tube)


@dataclass
class Refusal:
    name: str
    reason: str
    person_id: int | None = None
    existing: ControlOrder | None = None


@dataclass
class Placement:
    placed: list[ControlOrder] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


def place_candidates(
    candidates: list[Candidate],
    *,
    actor,
    order_type: OrderType | None = None,
    source: str = "",
    source_ref: str = "",
    reason: str = "",
    starts_on: dt.date | None = None,
    days: int | None = None,
    worker=None,
    worker_name: str = "",
    worker_phone: str = "",
    household: Household | None = None,
    refused: list[Refusal] | None = None,
) -> Placement:
    """Place each candidate (its own type and source first, else the ones given; the reason
    given, else the candidate's own: a flag's, a tube's). Every one refused is reported with
    the reason and, for an overlap, the order in force."""
    result = Placement(refused=list(refused or []))
    for cand in candidates:
        kind = cand.order_type or order_type
        person = cand.person
        if kind is None:
            result.refused.append(Refusal(person.name, _("请选择管控措施"), person.pk))
            continue
        try:
            with transaction.atomic():
                order = services.place_order(
                    person,
                    kind,
                    actor=actor,
                    source=cand.source or source,
                    reason=reason.strip() or cand.reason,
                    starts_on=starts_on,
                    days=days,
                    source_ref=(cand.source_ref or source_ref)[:200],
                    flag=cand.flag,
                    worker=worker,
                    worker_name=worker_name,
                    worker_phone=worker_phone,
                    household=household,
                )
        except PermissionDenied:
            result.refused.append(Refusal(person.name, _("不在您的管辖范围内"), person.pk))
        except ValidationError as exc:
            start = starts_on or timezone.localdate()
            end = start + dt.timedelta(days=(days or kind.days) - 1)
            clash = services.overlapping(person, kind, start, end)
            result.refused.append(Refusal(person.name, "；".join(exc.messages), person.pk, clash))
        else:
            result.placed.append(order)
    return result


# --- who is to be placed ----------------------------------------------------------------------


def household_candidates(household: Household) -> list[Candidate]:
    """Everyone living in the household, to place the whole household (at that address)."""
    return [Candidate(p) for p in services.household_members(household)]


def selection_candidates(user, person_ids) -> list[Candidate]:
    """The selected people the user may change (others are left out: never revealed)."""
    ids = [int(i) for i in person_ids if str(i).isdigit()]
    persons = Person.objects.for_user(user, CHANGE).filter(pk__in=ids).order_by("scope_path", "pk")
    return [Candidate(p) for p in persons]


MEASURE_KINDS = {
    "home_quarantine": OrderType.Kind.HOME_QUARANTINE,
    "home_monitoring": OrderType.Kind.HOME_MONITORING,
    "central_quarantine": OrderType.Kind.CENTRAL_QUARANTINE,
}


def type_for_measure(measure: str) -> OrderType | None:
    """The order type carrying out a flag's decided measure (the shortest of that kind)."""
    kind = MEASURE_KINDS.get(measure)
    if kind is None:
        return None
    return OrderType.objects.filter(kind=kind).order_by("days", "code").first()


def _flag_ref(flag) -> str:
    if flag.arrival_id:
        arrival = flag.arrival
        return _("返来人员 %(date)s 自 %(origin)s") % {
            "date": arrival.arrived_on.strftime("%Y-%m-%d"),
            "origin": arrival.origin,
        }
    if flag.campaign_id:
        return _("排查：%(name)s") % {"name": flag.campaign.name}
    return ""


def flag_candidates(flags) -> tuple[list[Candidate], list[Refusal]]:
    """The people of decided flags, each with the order type of the decided measure, source
    "canvass" (or "returnee" for a flag raised by an arrival) and the flag set on the order.
    A household flag without a person places everyone living there. Flags not decided, decided
    on no measure or on testing, or without a registered person are refused with the reason."""
    candidates: list[Candidate] = []
    refused: list[Refusal] = []
    seen: set[tuple[int, int]] = set()
    types: dict[str, OrderType | None] = {}
    for flag in flags:
        name = flag.person_name or (flag.person.name if flag.person_id else "")
        if not flag.measure:
            refused.append(Refusal(name, _("尚未决定措施"), flag.person_id))
            continue
        if flag.measure not in types:
            types[flag.measure] = type_for_measure(flag.measure)
        kind = types[flag.measure]
        if flag.measure not in MEASURE_KINDS:
            refused.append(
                Refusal(
                    name,
                    _("决定措施为“%(m)s”，无需下达管控措施") % {"m": flag.get_measure_display()},
                    flag.person_id,
                )
            )
            continue
        if kind is None:
            refused.append(
                Refusal(
                    name,
                    _("尚未配置“%(m)s”类的管控措施") % {"m": flag.get_measure_display()},
                    flag.person_id,
                )
            )
            continue
        if flag.person_id:
            persons = [flag.person]
        elif flag.household_id:
            persons = services.household_members(flag.household)
        elif flag.arrival_id and flag.arrival.person_id:
            persons = [flag.arrival.person]
        else:
            persons = []
        if not persons:
            refused.append(Refusal(name, _("未关联到已登记的人员，请先登记人员")))
            continue
        source = Source.RETURNEE if flag.arrival_id else Source.CANVASS
        for person in persons:
            if (person.pk, kind.pk) in seen:
                continue
            seen.add((person.pk, kind.pk))
            candidates.append(
                Candidate(
                    person,
                    order_type=kind,
                    source=source,
                    source_ref=_flag_ref(flag),
                    reason=flag.reason[:200],
                    flag=flag,
                    note=flag.reason,
                )
            )
    return candidates, refused


def flags_for(user, flag_ids):
    """The flags named (decided or not) that the user may change, with what placing reads."""
    from wangge.canvass.models import Flag

    ids = [int(i) for i in flag_ids if str(i).isdigit()]
    return (
        Flag.objects.for_user(user, CHANGE)
        .filter(pk__in=ids)
        .select_related("person", "household", "arrival__person", "campaign")
        .order_by("scope_path", "pk")
    )


POSITIVE_KINDS = ("pool_positive", "single_positive", "positive")


def positive_candidates(rnd, user, kind: str = "pool_positive") -> list[Candidate]:
    """The people of a round's positive tubes (pooled by default) whom the user may change,
    source "positive_tube" with the tube barcodes as source_ref."""
    from wangge.testing.models import Sample, Tube
    from wangge.testing.whoisleft import person_list

    if kind not in POSITIVE_KINDS:
        raise ValueError(kind)
    persons = list(person_list(rnd, user, kind, action=CHANGE))
    samples = Sample.objects.filter(
        round=rnd, tube__result=Tube.Result.POSITIVE, person_id__in=[p.pk for p in persons]
    )
    if kind == "pool_positive":
        samples = samples.filter(tube__capacity__gt=1)
    elif kind == "single_positive":
        samples = samples.filter(tube__capacity=1)
    tubes: dict[int, list[str]] = {}
    for pid, barcode in samples.order_by("tube__closed_at", "pk").values_list(
        "person_id", "tube__barcode"
    ):
        if barcode not in tubes.setdefault(pid, []):
            tubes[pid].append(barcode)
    label = _("混管阳性") if kind == "pool_positive" else _("核酸阳性")
    out = []
    for person in persons:
        barcodes = "、".join(tubes.get(person.pk, []))
        reason = _("%(round)s%(label)s（试管 %(tubes)s）") % {
            "round": rnd,
            "label": label,
            "tubes": barcodes,
        }
        out.append(
            Candidate(
                person,
                source=Source.POSITIVE_TUBE,
                source_ref=barcodes,
                reason=reason[:200],
                note=barcodes,
            )
        )
    return out
