"""Writes of questionnaires built in the UI or uploaded as a sheet: questions checked as a whole
(forms_questionnaire.check_drafts) are saved here, audited. A questionnaire asked by a campaign
that has visits no longer changes (copy it instead: services.copy_questionnaire)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from wangge.core.services import create_object, delete_object, update_object

from .forms_questionnaire import Draft
from .models import Question, Questionnaire, Visit


def locked(questionnaire: Questionnaire) -> bool:
    """Whether a campaign with visits asks this questionnaire (then it can no longer change)."""
    return Visit.objects.filter(campaign__questionnaire=questionnaire).exists()


def _unlocked(questionnaire: Questionnaire) -> None:
    if locked(questionnaire):
        raise ValidationError(_("该问卷已有排查任务在使用并已有走访记录，不能再修改"))


@transaction.atomic
def create_from_drafts(drafts: list[Draft], *, actor, **fields) -> Questionnaire:
    """A new questionnaire holding `drafts` (already checked by check_drafts)."""
    questionnaire = create_object(Questionnaire(**fields), actor=actor)
    Question.objects.bulk_create(
        Question(questionnaire=questionnaire, position=i + 1, **d.values())
        for i, d in enumerate(drafts)
    )
    return questionnaire


@transaction.atomic
def add_question(questionnaire: Questionnaire, draft: Draft, *, actor) -> Question:
    _unlocked(questionnaire)
    last = questionnaire.questions.aggregate(m=Max("position"))["m"] or 0
    question = Question(questionnaire=questionnaire, position=last + 1, **draft.values())
    return create_object(question, actor=actor)


@transaction.atomic
def change_question(question: Question, draft: Draft, *, actor) -> bool:
    _unlocked(question.questionnaire)
    return update_object(question, draft.values(), actor=actor)


@transaction.atomic
def renumber(questions: list[Question], *, actor) -> None:
    """Give `questions` (all of one questionnaire, in their new order) positions 1, 2, 3…"""
    if questions:
        _unlocked(questions[0].questionnaire)
    for i, q in enumerate(questions, start=1):
        if q.position != i:
            update_object(q, {"position": i}, actor=actor)


@transaction.atomic
def delete_question(question: Question, remaining: list[Question], *, actor) -> None:
    _unlocked(question.questionnaire)
    delete_object(question, actor=actor)
    renumber(remaining, actor=actor)
