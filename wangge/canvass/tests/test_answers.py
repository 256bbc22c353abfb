"""Answers as workers type them: labels or values, full-width text, conditions, trips."""

import pytest

from wangge.canvass.answers import answer_text, clean_answers, condition_holds
from wangge.canvass.models import Question

K = Question.Kind


def q(key, kind, **kw):
    return Question(key=key, kind=kind, label=kw.pop("label", key), **kw)


QUESTIONS = [
    q("people", K.PEOPLE_COUNT, required=True),
    q("home", K.SELECT_ONE, choices=["自住（本人）", "出租"], required=True),
    q("left", K.YES_NO, per_person=True, required=True),
    q("travel", K.TRAVEL, per_person=True, required=True, condition="left=yes"),
    q("symptoms", K.SYMPTOMS, per_person=True),
]


def test_values_labels_and_full_width_text_are_taken():
    raw = {
        "people": "２",
        "home": "自住(本人)",
        "persons": [
            {"name": "張偉", "left": "是", "travel": [{"place": "上海市", "from": "2026/11/10"}]},
            {"name": "陈静", "left": "否", "symptoms": "发热、咳嗽"},
        ],
    }
    clean, errors = clean_answers(QUESTIONS, raw)
    assert errors == []
    assert clean["people"] == 2 and clean["home"] == "自住（本人）"
    first, second = clean["persons"]
    assert first["name"] == "张伟" and first["travel"] == [
        {"place": "上海市", "from": "2026-11-10", "to": "2026-11-10"}
    ]
    assert "travel" not in second  # not asked: the condition does not hold
    assert second["symptoms"] == ["fever", "cough"]
    assert answer_text(QUESTIONS[4], second["symptoms"]) == "发热、咳嗽"


def test_every_problem_is_named():
    raw = {
        "people": "99",
        "home": "借住",
        "persons": [{"name": "张伟", "left": "yes", "travel": [{"from": "2026-11-10"}]}],
    }
    _clean, errors = clean_answers(QUESTIONS, raw)
    text = " ".join(errors)
    assert "超出范围" in text and "不是可选的答案" in text and "缺少地点" in text
    # Required questions are only required when someone was reached.
    assert clean_answers(QUESTIONS, {}, required=False) == ({}, [])
    _clean, errors = clean_answers(QUESTIONS, {})
    assert len(errors) == 2


@pytest.mark.parametrize(
    ("condition", "answers", "holds"),
    [
        ("left=yes", {"left": "yes"}, True),
        ("left=yes", {"left": "no"}, False),
        ("left!=yes", {"left": "no"}, True),
        ("symptoms=fever", {"symptoms": ["cough", "fever"]}, True),
        ("", {}, True),
    ],
)
def test_conditions(condition, answers, holds):
    assert condition_holds(condition, answers) is holds
