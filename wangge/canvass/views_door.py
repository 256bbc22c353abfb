"""Door to door (我的住户), on a phone: the user's open campaigns → the campaign's buildings in
their scope with counts per building → a building unit by unit, floor by floor, each household
coloured by its standing in the campaign → the visit form of one household; and one visit's
detail (its answers, who recorded it, the flags it raised; the view is logged).

A campaign is the user's when they may record visits somewhere in its area (volunteers too);
its households are those of coverage.campaign_households the user may record.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.audit import record_access
from wangge.core.mask import mask_name
from wangge.core.scope import CHANGE, IMPORT, RECORD, VIEW, covers
from wangge.people.models import Residence
from wangge.places.models import Building, Household

from .answers import answer_text
from .coverage import NOT_REACHED, OUTCOME_STATE, STATES, Counts, campaign_households, state_q
from .forms_visit import VisitForm
from .mapstatus import LEGEND
from .models import Campaign, Flag, HouseholdStatus, Visit
from .rules import REASONS
from .services import record_visit


def worker_campaigns(user) -> QuerySet[Campaign]:
    """Campaigns over households the user may visit: the campaign's area is inside the user's
    RECORD scope, or above a place in it (a grid's part of a community-wide campaign)."""
    return Campaign.objects.touching(user, RECORD)


def worker_campaign(request: HttpRequest, pk: int) -> Campaign:
    campaigns = worker_campaigns(request.user).select_related("area", "questionnaire")
    return get_object_or_404(campaigns, pk=pk)


def door_households(campaign: Campaign, user) -> QuerySet[Household]:
    """The campaign's households the user may visit, annotated with `st` (their status row)."""
    return campaign_households(campaign, user).for_user(user, RECORD)


def state_of(outcome: str | None, vacant: bool) -> str:
    if outcome:
        return OUTCOME_STATE[outcome]
    return "vacant" if vacant else "not_attempted"


# --- my campaigns and their buildings ----------------------------------------------------------


@login_required
def door_home(request: HttpRequest) -> HttpResponse:
    """The user's open campaigns."""
    today = timezone.localdate()
    campaigns = list(
        worker_campaigns(request.user)
        .filter(starts_on__lte=today, ends_on__gte=today)
        .select_related("area")
        .order_by("ends_on", "pk")
    )
    for c in campaigns:
        c.can_import = covers(request.user, c.area.path, IMPORT)
    return render(request, "canvass/door/home.html", {"campaigns": campaigns})


@dataclass
class BuildingLine:
    building: Building
    counts: Counts


@dataclass
class GridGroup:
    name: str
    buildings: list[BuildingLine] = field(default_factory=list)


@login_required
def door_campaign(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign's buildings in the user's part, with their households targeted, reached, to
    revisit and not attempted: one grouped query and one for the buildings."""
    campaign = worker_campaign(request, pk)
    rows = (
        door_households(campaign, request.user)
        .values("building_id")
        .annotate(
            n_targeted=Count("pk"),
            **{f"n_{state}": Count("pk", filter=state_q(state)) for state in STATES},
        )
        .order_by()
    )
    names = ("targeted", *STATES)
    counts = {r["building_id"]: Counts(*(r[f"n_{n}"] for n in names)) for r in rows}
    buildings = Building.objects.filter(pk__in=list(counts)).select_related("estate", "area")
    buildings = sorted(
        buildings,
        key=lambda b: (b.area.code, b.estate.name if b.estate_id else "", b.sort_key, b.number),
    )
    groups: dict[int, GridGroup] = {}
    total = Counts()
    for b in buildings:
        group = groups.setdefault(b.area_id, GridGroup(b.area.name))
        group.buildings.append(BuildingLine(b, counts[b.pk]))
        total.add(counts[b.pk])
    return render(
        request,
        "canvass/door/campaign.html",
        {
            "campaign": campaign,
            "groups": list(groups.values()),
            "total": total,
            "can_import": covers(request.user, campaign.area.path, IMPORT),
        },
    )


@dataclass
class DoorCell:
    pk: int
    room: str
    householder: str
    state: str
    label: str
    colour: str
    visits: int


@dataclass
class DoorFloor:
    floor: int
    cells: list[DoorCell] = field(default_factory=list)


@dataclass
class DoorUnit:
    number: str
    floors: list[DoorFloor] = field(default_factory=list)


def door_units(rows, only=None) -> tuple[list[DoorUnit], dict[str, int]]:
    """Households (values rows, sorted by unit, floor from the top, room) → units of floors of
    cells (only those in the states `only`, when given), and the count of each state."""
    units: dict[int, DoorUnit] = {}
    floors: dict[tuple[int, int], DoorFloor] = {}
    tally: dict[str, int] = defaultdict(int)
    for row in rows:
        state = state_of(row["st__outcome"], row["vacant"])
        tally[state] += 1
        if only is not None and state not in only:
            continue
        unit = units.setdefault(row["unit_id"], DoorUnit(row["unit__number"]))
        key = (row["unit_id"], row["floor"])
        if key not in floors:
            floors[key] = DoorFloor(row["floor"])
            unit.floors.append(floors[key])
        label, colour = LEGEND[state]
        floors[key].cells.append(
            DoorCell(
                row["pk"],
                row["room"],
                mask_name(row["householder_name"]),
                state,
                str(label),
                colour,
                row["st__visits"] or 0,
            )
        )
    return list(units.values()), dict(tally)


@login_required
def door_building(request: HttpRequest, pk: int, building_pk: int) -> HttpResponse:
    """One building of the campaign, unit by unit and floor by floor; ?show=pending keeps the
    households still to be reached. A constant number of queries."""
    campaign = worker_campaign(request, pk)
    rows = list(
        door_households(campaign, request.user)
        .filter(building_id=building_pk)
        .order_by("unit__sort_key", "unit__number", "unit_id", "-floor", "room")
        .values(
            "pk",
            "unit_id",
            "unit__number",
            "floor",
            "room",
            "vacant",
            "householder_name",
            "st__outcome",
            "st__visits",
        )
    )
    if not rows:
        raise Http404
    building = get_object_or_404(Building.objects.select_related("estate", "area"), pk=building_pk)
    show_pending = request.GET.get("show") == "pending"
    units, tally = door_units(rows, NOT_REACHED if show_pending else None)
    return render(
        request,
        "canvass/door/building.html",
        {
            "campaign": campaign,
            "building": building,
            "units": units,
            "tally": [
                (key, str(label), colour, tally.get(key, 0))
                for key, (label, colour) in LEGEND.items()
            ],
            "targeted": len(rows),
            "pending": sum(tally.get(s, 0) for s in NOT_REACHED),
            "show_pending": show_pending,
        },
    )


# --- one household: the visit form -------------------------------------------------------------


def living_residents(household: Household) -> list[Residence]:
    return list(
        Residence.objects.filter(household=household, living=True, until__isnull=True)
        .select_related("person")
        .order_by("pk")
    )


@login_required
def visit_create(request: HttpRequest, pk: int, household_pk: int) -> HttpResponse:
    """Record one attempt at a household: method, outcome, answers and (for users who may change
    the registry) its corrections. A retried submit records one visit (client UUID)."""
    user = request.user
    campaign = worker_campaign(request, pk)
    household = get_object_or_404(
        door_households(campaign, user).select_related("building__estate", "unit"),
        pk=household_pk,
    )
    can_change = covers(user, household.scope_path, CHANGE)
    where = _("%(unit)s单元%(room)s室") % {"unit": household.unit.number, "room": household.room}
    residents = living_residents(household)
    questions = list(campaign.questionnaire.questions.all())
    form = VisitForm(
        request.POST if request.method == "POST" else None,
        campaign=campaign,
        questions=questions,
        residents=residents,
        can_change=can_change,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit, created = record_visit(
                campaign,
                household,
                actor=user,
                method=data["method"],
                outcome=data["outcome"],
                answers=form.answers(),
                note=data["note"],
                source=Visit.Source.WEB,
                client_uuid=data["client_uuid"],
                corrections=form.corrections(),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except PermissionDenied:
            form.add_error(None, _("您无权修改本户的登记信息"))
        else:
            if created:
                messages.success(
                    request,
                    _("已保存 %(where)s 的走访记录：%(outcome)s")
                    % {"where": where, "outcome": visit.get_outcome_display()},
                )
            else:
                messages.info(request, _("这次走访已经保存过，没有重复记录"))
            url = reverse("canvass:door_building", args=[campaign.pk, household.building_id])
            return redirect(f"{url}#h{household.pk}")
    form.bind_blocks()
    status = HouseholdStatus.objects.filter(campaign=campaign, household=household).first()
    earlier = Visit.objects.filter(campaign=campaign, household=household).select_related("worker")[
        :10
    ]
    label, colour = LEGEND[state_of(status.outcome if status else None, household.vacant)]
    return render(
        request,
        "canvass/door/visit_form.html",
        {
            "campaign": campaign,
            "household": household,
            "building": household.building,
            "where": where,
            "householder": mask_name(household.householder_name),
            "form": form,
            "can_change": can_change,
            "state_label": label,
            "state_colour": colour,
            "status": status,
            "earlier": earlier,
        },
    )


# --- one visit ---------------------------------------------------------------------------------


@dataclass
class AnswerLine:
    label: str
    text: str


def answer_lines(questions, answers: dict) -> list[AnswerLine]:
    return [
        AnswerLine(q.label, answer_text(q, answers[q.key]) or _("无"))
        for q in questions
        if q.key in answers
    ]


@login_required
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A visit as a worker reads it: answers, who recorded it and when, the flags it raised. It
    shows health answers: the view is logged."""
    visit = get_object_or_404(
        Visit.objects.for_user(request.user, VIEW).select_related(
            "campaign__questionnaire", "household__building__estate", "household__unit", "worker"
        ),
        pk=pk,
    )
    questions = list(visit.campaign.questionnaire.questions.all())
    household_qs = [q for q in questions if not q.per_person]
    person_qs = [q for q in questions if q.per_person]
    persons = [
        (mask_name(block.get("name", "")), answer_lines(person_qs, block))
        for block in visit.answers.get("persons", [])
    ]
    flags = list(Flag.objects.filter(visit=visit).order_by("pk"))
    for flag in flags:
        flag.masked_name = mask_name(flag.person_name)
        flag.code_label = str(REASONS.get(flag.code, flag.code))
    record_access(request.user, "view", visit, fields="answers")
    return render(
        request,
        "canvass/door/visit_detail.html",
        {
            "visit": visit,
            "campaign": visit.campaign,
            "household": visit.household,
            "answers": answer_lines(household_qs, visit.answers),
            "persons": persons,
            "flags": flags,
            "can_record": covers(request.user, visit.scope_path, RECORD),
        },
    )
