"""Writes of the door-knocking campaigns: campaigns (with their own copy of a questionnaire),
visits with the household's registry corrections, the ledger row each visit moves, the flags
its answers raise, and the commander's decision on a flag."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.scope import CHANGE, RECORD, VIEW, covers
from wangge.core.services import create_object, update_object
from wangge.people.models import Residence
from wangge.people.services import add_residence, create_person, end_residence
from wangge.places.models import Household

from .answers import clean_answers
from .models import Campaign, Flag, HouseholdStatus, Method, Outcome, Question, Questionnaire, Visit
from .rules import evaluate
from .targets import is_target

# A later attempt that reached nobody does not undo a household already reached.
STICKY = {Outcome.ANSWERED}
QUESTION_FIELDS = (
    "position",
    "key",
    "kind",
    "label",
    "choices",
    "required",
    "condition",
    "per_person",
    "flag_value",
    "flag_code",
)


def copy_questionnaire(source: Questionnaire, *, area, actor, name: str = "") -> Questionnaire:
    """A new questionnaire in `area` with the same questions."""
    copy = create_object(
        Questionnaire(
            name=name or source.name,
            description=source.description,
            area=area,
            library_key=source.library_key,
        ),
        actor=actor,
    )
    Question.objects.bulk_create(
        Question(questionnaire=copy, **{f: getattr(q, f) for f in QUESTION_FIELDS})
        for q in source.questions.all()
    )
    return copy


def _check_campaign_fields(fields: dict) -> None:
    """Methods kept to the known ones (at least one); the end not before the start."""
    if "methods" in fields:
        fields["methods"] = [m for m in fields["methods"] or [] if m in Method.values]
        if not fields["methods"]:
            raise ValidationError({"methods": [_("至少选择一种排查方式")]})
    start, end = fields.get("starts_on"), fields.get("ends_on")
    if start and end and end < start:
        raise ValidationError({"ends_on": [_("结束日期不能早于开始日期")]})


@transaction.atomic
def create_campaign(
    *,
    actor,
    questionnaire: Questionnaire,
    estates=(),
    buildings=(),
    copy: bool = True,
    **fields,
) -> Campaign:
    """A campaign over `fields["area"]` asking a copy of `questionnaire` (the questionnaire
    itself when `copy` is False: one just made for this campaign, e.g. from the library)."""
    area = fields["area"]
    if not covers(actor, area.path, CHANGE):
        raise PermissionDenied
    fields.setdefault("methods", [])
    _check_campaign_fields(fields)
    own = copy_questionnaire(questionnaire, area=area, actor=actor) if copy else questionnaire
    campaign = create_object(
        Campaign(questionnaire=own, created_by=actor if actor else None, **fields), actor=actor
    )
    target = campaign.target
    if target == Campaign.Target.ESTATES:
        if not estates:
            raise ValidationError({"target_estates": [_("请选择要排查的小区")]})
        campaign.target_estates.set(estates)
    elif target == Campaign.Target.BUILDINGS:
        if not buildings:
            raise ValidationError({"target_buildings": [_("请选择要排查的楼栋")]})
        campaign.target_buildings.set(buildings)
    elif target == Campaign.Target.SPECIAL_GROUP and not campaign.target_group:
        raise ValidationError({"target_group": [_("请选择特殊人群类别")]})
    return campaign


CAMPAIGN_EDITABLE = ("name", "starts_on", "ends_on", "methods", "close_time", "lookback_days")


@transaction.atomic
def update_campaign(campaign: Campaign, data: dict, *, actor) -> bool:
    """Change what may change once a campaign runs (not its area, target or questionnaire)."""
    if not covers(actor, campaign.area.path, CHANGE):
        raise PermissionDenied
    unknown = set(data) - set(CAMPAIGN_EDITABLE)
    if unknown:
        raise ValueError(sorted(unknown))
    data = dict(data)
    for name in ("starts_on", "ends_on"):
        data.setdefault(name, getattr(campaign, name))
    _check_campaign_fields(data)
    return update_object(campaign, data, actor=actor)


@dataclass
class Corrections:
    """Registry changes made from the visit form (they need the right to change the registry)."""

    people_count: int | None = None
    moved_out: list[int] = field(default_factory=list)  # residence ids
    new_people: list[dict] = field(default_factory=list)  # name, id_number, phone, relation

    def __bool__(self) -> bool:
        return self.people_count is not None or bool(self.moved_out or self.new_people)


def _apply_corrections(household: Household, corrections: Corrections, *, actor, day) -> None:
    if not covers(actor, household.scope_path, CHANGE):
        raise PermissionDenied
    for res in Residence.objects.filter(
        household=household, pk__in=corrections.moved_out, until__isnull=True
    ).select_related("person"):
        end_residence(res, actor=actor, until=day)
    for data in corrections.new_people:
        data = dict(data)
        relation = data.pop("relation", "") or Residence.Relation.TENANT
        person = create_person(actor=actor, **data)
        add_residence(person=person, household=household, actor=actor, relation=relation)
    if corrections.people_count is not None:
        update_object(household, {"people_count": corrections.people_count}, actor=actor)


def _move_status(visit: Visit) -> None:
    status = (
        HouseholdStatus.objects.select_for_update()
        .filter(campaign=visit.campaign, household=visit.household)
        .first()
    )
    reached = visit.visited_at if visit.outcome == Outcome.ANSWERED else None
    if status is None:
        HouseholdStatus(
            campaign=visit.campaign,
            household=visit.household,
            outcome=visit.outcome,
            visits=1,
            last_visit=visit,
            last_at=visit.visited_at,
            reached_at=reached,
        ).save()
        return
    status.visits += 1
    if visit.visited_at >= status.last_at:
        if not (status.outcome in STICKY and visit.outcome not in STICKY):
            status.outcome = visit.outcome
        status.last_visit, status.last_at = visit, visit.visited_at
    elif visit.outcome in STICKY and status.outcome not in STICKY:
        status.outcome = visit.outcome  # a late-entered earlier visit that reached them
    if reached and (status.reached_at is None or reached < status.reached_at):
        status.reached_at = reached
    status.save()


def _raise_flags(visit: Visit) -> list[Flag]:
    campaign, household = visit.campaign, visit.household
    hits = evaluate(
        list(campaign.questionnaire.questions.all()),
        visit.answers,
        on=timezone.localdate(visit.visited_at),
        lookback_days=campaign.lookback_days,
        household_name=household.householder_name,
    )
    living = set(
        Residence.objects.filter(household=household, until__isnull=True).values_list(
            "person_id", flat=True
        )
    )
    flags = []
    for hit in hits:
        flag = Flag(
            campaign=campaign,
            visit=visit,
            household=household,
            person_id=hit.person_id if hit.person_id in living else None,
            person_name=hit.person_name,
            code=hit.code,
            reason=hit.reason,
            proposed=hit.proposed,
        )
        flag.save()
        flags.append(flag)
    return flags


def record_visit(
    campaign: Campaign,
    household: Household,
    *,
    actor,
    method: str,
    outcome: str,
    answers: dict | None = None,
    note: str = "",
    visited_at: dt.datetime | None = None,
    worker_name: str = "",
    source: str = Visit.Source.WEB,
    client_uuid: uuid.UUID | None = None,
    corrections: Corrections | None = None,
) -> tuple[Visit, bool]:
    """Record one attempt at `household`; (visit, created). A client UUID already used returns
    its first visit unchanged. Raises ValidationError with a message per problem, and
    PermissionDenied when the household is not the actor's to visit."""
    if client_uuid is not None:
        first = Visit.objects.filter(client_uuid=client_uuid).first()
        if first is not None:
            return _replay(first, actor), False
    if not covers(actor, household.scope_path, RECORD):
        raise PermissionDenied
    visited_at = visited_at or timezone.now()
    errors: list[str] = []
    if method not in campaign.methods:
        errors.append(_("本次排查不允许此方式：%(method)s") % {"method": method})
    if outcome not in Outcome.values:
        errors.append(_("走访结果不正确：%(outcome)s") % {"outcome": outcome})
    day = timezone.localdate(visited_at)
    if not campaign.starts_on <= day <= campaign.ends_on:
        errors.append(
            _("走访日期 %(day)s 不在排查期内（%(start)s 至 %(end)s）")
            % {"day": day, "start": campaign.starts_on, "end": campaign.ends_on}
        )
    if not is_target(campaign, household):
        errors.append(_("该住户不在本次排查范围内"))
    questions = list(campaign.questionnaire.questions.all())
    clean, answer_errors = clean_answers(questions, answers, required=outcome == Outcome.ANSWERED)
    errors.extend(answer_errors)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            visit = Visit(
                campaign=campaign,
                household=household,
                method=method,
                outcome=outcome,
                visited_at=visited_at,
                answers=clean,
                note=note,
                worker=actor if getattr(actor, "pk", None) else None,
                worker_name=worker_name or (actor.display_name if actor else ""),
                source=source,
                client_uuid=client_uuid,
            )
            create_object(visit, actor=actor)
            _move_status(visit)
            corrections = corrections or Corrections()
            count = _people_count_answer(questions, clean)
            may_change = covers(actor, household.scope_path, CHANGE)
            if count is not None and corrections.people_count is None and may_change:
                corrections.people_count = count
            if corrections.people_count == household.people_count:
                corrections.people_count = None
            if outcome == Outcome.VACANT and not household.vacant and may_change:
                update_object(household, {"vacant": True}, actor=actor)
            if outcome == Outcome.MOVED and may_change:  # the whole household has moved away
                corrections.moved_out = list(
                    Residence.objects.filter(household=household, until__isnull=True).values_list(
                        "pk", flat=True
                    )
                )
                corrections.people_count = 0 if household.people_count else None
            if corrections:
                _apply_corrections(household, corrections, actor=actor, day=day)
            if outcome == Outcome.ANSWERED:
                _raise_flags(visit)
    except IntegrityError:
        if client_uuid is None:
            raise
        first = Visit.objects.filter(client_uuid=client_uuid).first()
        if first is None:
            raise
        return _replay(first, actor), False
    return visit, True


def _people_count_answer(questions: list[Question], answers: dict) -> int | None:
    for q in questions:
        if q.kind == Question.Kind.PEOPLE_COUNT and not q.per_person and q.key in answers:
            return answers[q.key]
    return None


def _replay(visit: Visit, actor) -> Visit:
    if not covers(actor, visit.scope_path, VIEW):
        raise ValidationError(_("该 client_uuid 已被使用"))
    return visit


@transaction.atomic
def decide_flag(flag: Flag, *, measure: str, note: str, actor) -> Flag:
    """The commander's decision on a flagged person (carried out by a control order)."""
    if not covers(actor, flag.scope_path, CHANGE):
        raise PermissionDenied
    if measure not in Flag.Measure.values:
        raise ValidationError({"measure": [_("请选择措施")]})
    if measure != flag.proposed and not note.strip():
        raise ValidationError({"decision_note": [_("与建议措施不同时请填写理由")]})
    update_object(
        flag,
        {
            "measure": measure,
            "decision_note": note.strip(),
            "decided_by": actor,
            "decided_at": timezone.now(),
        },
        actor=actor,
    )
    return flag
