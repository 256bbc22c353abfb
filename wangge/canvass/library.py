"""Ready questionnaires for the common campaigns (问卷库): returnee check, household
verification, kit-and-result check. Using one copies it into the area as a new questionnaire,
which can then be edited like any other."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from wangge.core.services import create_object
from wangge.people.models import SpecialGroup

from .models import Question, Questionnaire

K = Question.Kind


@dataclass(frozen=True)
class Ready:
    key: str
    name: object
    description: object
    questions: tuple[dict, ...]


LIBRARY = {
    r.key: r
    for r in (
        Ready(
            "returnee",
            _("返来人员排查"),
            _("现居人数，每人近14天旅居史、接触史、症状、抗原和核酸结果"),
            (
                {
                    "key": "people_count",
                    "kind": K.PEOPLE_COUNT,
                    "label": _("您家现在有几口人居住？"),
                    "required": True,
                },
                {
                    "key": "left_city",
                    "kind": K.YES_NO,
                    "label": _("近14天是否离开过本市？"),
                    "required": True,
                    "per_person": True,
                },
                {
                    "key": "travel",
                    "kind": K.TRAVEL,
                    "label": _("去过哪里（地点和日期）"),
                    "required": True,
                    "per_person": True,
                    "condition": "left_city=yes",
                },
                {
                    "key": "contact",
                    "kind": K.CONTACT,
                    "label": _("近14天接触史"),
                    "required": True,
                    "per_person": True,
                },
                {
                    "key": "symptoms",
                    "kind": K.SYMPTOMS,
                    "label": _("目前有无以下症状"),
                    "per_person": True,
                },
                {
                    "key": "antigen",
                    "kind": K.ANTIGEN,
                    "label": _("今日抗原自测结果"),
                    "per_person": True,
                },
                {"key": "pcr", "kind": K.PCR, "label": _("最近一次核酸结果"), "per_person": True},
            ),
        ),
        Ready(
            "household",
            _("住户信息核查"),
            _("核对现居人数、租户和特殊人群"),
            (
                {
                    "key": "people_count",
                    "kind": K.PEOPLE_COUNT,
                    "label": _("现居人数"),
                    "required": True,
                },
                {"key": "has_tenant", "kind": K.YES_NO, "label": _("是否有租户"), "required": True},
                {
                    "key": "special",
                    "kind": K.SELECT_MULTIPLE,
                    "label": _("家中是否有以下特殊人群"),
                    "choices": "special",
                },
                {
                    "key": "living_here",
                    "kind": K.YES_NO,
                    "label": _("是否在此居住"),
                    "required": True,
                    "per_person": True,
                },
                {"key": "phone", "kind": K.TEXT, "label": _("联系电话"), "per_person": True},
            ),
        ),
        Ready(
            "kits",
            _("抗原试剂发放及结果核查"),
            _("是否收到抗原试剂，每人今日抗原结果"),
            (
                {
                    "key": "kits_received",
                    "kind": K.YES_NO,
                    "label": _("是否收到抗原试剂"),
                    "required": True,
                    "flag_value": "no",
                    "flag_code": "kits_missing",
                },
                {
                    "key": "kits_count",
                    "kind": K.INTEGER,
                    "label": _("收到几份"),
                    "condition": "kits_received=yes",
                },
                {
                    "key": "antigen",
                    "kind": K.ANTIGEN,
                    "label": _("今日抗原自测结果"),
                    "required": True,
                    "per_person": True,
                },
                {"key": "tested_on", "kind": K.DATE, "label": _("检测日期"), "per_person": True},
            ),
        ),
    )
}


def _choices(value) -> list[str]:
    if value == "special":
        return [str(label) for _key, label in SpecialGroup.Kind.choices]
    return [str(v) for v in value or []]


@transaction.atomic
def questionnaire_from_library(key: str, *, area, actor) -> Questionnaire:
    """A new questionnaire in `area` holding the ready questionnaire `key` (KeyError if none)."""
    ready = LIBRARY[key]
    q = create_object(
        Questionnaire(
            name=str(ready.name), description=str(ready.description), area=area, library_key=key
        ),
        actor=actor,
    )
    Question.objects.bulk_create(
        Question(
            questionnaire=q,
            position=i + 1,
            key=item["key"],
            kind=item["kind"],
            label=str(item["label"]),
            choices=_choices(item.get("choices")),
            required=item.get("required", False),
            condition=item.get("condition", ""),
            per_person=item.get("per_person", False),
            flag_value=item.get("flag_value", ""),
            flag_code=item.get("flag_code", ""),
        )
        for i, item in enumerate(ready.questions)
    )
    return q
