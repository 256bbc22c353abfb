"""Checking a visit's answers against its questionnaire, the same way for the web form, the API
and the paper-sheet import.

Answers are ``{key: value, "persons": [{"person": id or None, "name": …, key: value}]}``; the
``persons`` block holds the answers to the questions marked per person. Values, by kind:

- yes_no "yes"/"no" (是/否 accepted); integer and people_count a whole number; date ISO;
- select_one one of the choices; select_multiple a list of them; text a string;
- travel a list of trips ``{"place", "from", "to"}`` (dates ISO; empty list: no travel);
- contact one of CONTACT; symptoms a list of SYMPTOMS (empty: none);
- antigen one of ANTIGEN; pcr one of PCR.

A question whose condition ("key=value" or "key!=value", on an answer of the same person or of
the household) does not hold is not asked: its answer is dropped and it is not required.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.normalize import clean_text

from .models import Question

K = Question.Kind
CONTACT = {
    "none": gettext_lazy("无"),
    "case": gettext_lazy("与确诊病例接触"),
    "close": gettext_lazy("与密切接触者接触"),
    "secondary": gettext_lazy("与次密切接触者接触"),
    "risk_area": gettext_lazy("与风险地区来人接触"),
}
SYMPTOMS = {
    "fever": gettext_lazy("发热"),
    "cough": gettext_lazy("咳嗽"),
    "sore_throat": gettext_lazy("咽痛"),
    "fatigue": gettext_lazy("乏力"),
    "smell": gettext_lazy("嗅（味）觉减退"),
    "diarrhea": gettext_lazy("腹泻"),
}
ANTIGEN = {
    "negative": gettext_lazy("阴性"),
    "positive": gettext_lazy("阳性"),
    "not_done": gettext_lazy("未做"),
}
PCR = {
    "negative": gettext_lazy("阴性"),
    "positive": gettext_lazy("阳性"),
    "pending": gettext_lazy("待出结果"),
    "not_done": gettext_lazy("未做"),
}
YES_NO = {"yes": gettext_lazy("是"), "no": gettext_lazy("否")}
FIXED_CHOICES = {K.CONTACT: CONTACT, K.ANTIGEN: ANTIGEN, K.PCR: PCR, K.YES_NO: YES_NO}
_YES = {"yes", "是", "有", "y", "true", "1", "√"}
_NO = {"no", "否", "无", "没有", "n", "false", "0", "×"}
MAX_PEOPLE = 50
MAX_TRIPS = 20


class AnswerError(ValueError):
    """One answer that cannot be taken (str() names the question)."""


def choices_of(question: Question) -> dict[str, str]:
    """{stored value: label} of a choice question (fixed for the health items)."""
    fixed = FIXED_CHOICES.get(question.kind)
    if fixed is not None:
        return {k: str(v) for k, v in fixed.items()}
    if question.kind == K.SYMPTOMS:
        return {k: str(v) for k, v in SYMPTOMS.items()}
    return {str(c): str(c) for c in question.choices}


def _choice(question: Question, value: Any) -> str:
    text = clean_text(str(value))
    options = choices_of(question)
    # Compared as normalised text: a choice written "自住（本人）" is answered "自住(本人)".
    by_text = {clean_text(key): key for key in options}
    by_text.update({clean_text(label): key for key, label in options.items()})
    if text in by_text:
        return by_text[text]
    if question.kind == K.YES_NO:
        if text.lower() in _YES:
            return "yes"
        if text.lower() in _NO:
            return "no"
    raise AnswerError(_("不是可选的答案：%(value)s") % {"value": text})


def _date(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = clean_text(str(value)).replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise AnswerError(_("日期格式不正确：%(value)s") % {"value": value}) from None


def _integer(value: Any, maximum: int = 100000) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise AnswerError(_("应为整数：%(value)s") % {"value": value}) from None
    if not 0 <= number <= maximum:
        raise AnswerError(_("数字超出范围：%(value)s") % {"value": value})
    return number


def _list(value: Any) -> list:
    if isinstance(value, str):
        return [v for v in value.replace("，", ",").replace("、", ",").split(",") if v.strip()]
    return list(value or [])


def _trips(value: Any) -> list[dict[str, str]]:
    trips = []
    for trip in _list(value)[:MAX_TRIPS]:
        if not isinstance(trip, dict):
            raise AnswerError(_("旅居史应为地点和日期"))
        place = clean_text(str(trip.get("place") or ""))
        if not place:
            raise AnswerError(_("旅居史缺少地点"))
        start = _date(trip.get("from") or trip.get("to") or "")
        end = _date(trip.get("to") or trip.get("from"))
        if end < start:
            raise AnswerError(_("旅居史的结束日期早于开始日期"))
        trips.append({"place": place, "from": start, "to": end})
    return trips


def clean_value(question: Question, value: Any) -> Any:
    """One answer in its stored form; AnswerError when it cannot be."""
    kind = question.kind
    if kind in (K.YES_NO, K.SELECT_ONE, K.CONTACT, K.ANTIGEN, K.PCR):
        return _choice(question, value)
    if kind in (K.SELECT_MULTIPLE, K.SYMPTOMS):
        picked = [_choice(question, v) for v in _list(value)]
        return [v for v in choices_of(question) if v in picked]
    if kind == K.INTEGER:
        return _integer(value)
    if kind == K.PEOPLE_COUNT:
        return _integer(value, MAX_PEOPLE)
    if kind == K.DATE:
        return _date(value)
    if kind == K.TRAVEL:
        return _trips(value)
    return clean_text(str(value))[:500]


def is_blank(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, list | dict) and not value)


def condition_holds(condition: str, *scopes: dict[str, Any]) -> bool:
    """Whether "key=value" / "key!=value" holds for the first scope that answers `key`."""
    if not condition:
        return True
    negate = "!=" in condition
    key, _sep, expected = condition.partition("!=" if negate else "=")
    key, expected = key.strip(), expected.strip()
    actual = next((s[key] for s in scopes if key in s), None)
    values = {str(v) for v in actual} if isinstance(actual, list) else {str(actual)}
    return (expected in values) != negate


def _clean_block(
    questions: Iterable[Question], raw: dict, scopes: tuple[dict, ...], required: bool, where: str
) -> tuple[dict[str, Any], list[str]]:
    out: dict[str, Any] = {}
    errors: list[str] = []
    for q in questions:
        if not condition_holds(q.condition, out, *scopes):
            continue
        value = raw.get(q.key)
        # An empty list of trips or symptoms is an answer ("none"); a missing one is not.
        if q.key not in raw or (is_blank(value) and q.kind not in (K.TRAVEL, K.SYMPTOMS)):
            if required and q.required:
                errors.append(
                    _("%(where)s“%(label)s”必须回答") % {"where": where, "label": q.label}
                )
            continue
        try:
            out[q.key] = clean_value(q, value)
        except AnswerError as exc:
            errors.append(f"{where}“{q.label}”：{exc}")
    return out, errors


def clean_answers(
    questions: list[Question], raw: dict | None, *, required: bool = True
) -> tuple[dict[str, Any], list[str]]:
    """(answers in stored form, error messages). `required` is False when the visit did not
    reach anyone (nobody home, refused…): what was given is checked, nothing is required."""
    raw = raw or {}
    household_qs = [q for q in questions if not q.per_person]
    person_qs = [q for q in questions if q.per_person]
    out, errors = _clean_block(household_qs, raw, (), required, "")
    if person_qs:
        persons = []
        for i, block in enumerate(raw.get("persons") or []):
            if not isinstance(block, dict):
                continue
            name = clean_text(str(block.get("name") or ""))
            where = name or _("第%(n)d人") % {"n": i + 1}
            answers, errs = _clean_block(person_qs, block, (out,), required, f"{where}：")
            person_id = block.get("person")
            try:
                person_id = int(person_id) if person_id not in (None, "") else None
            except (TypeError, ValueError):
                errs.append(_("%(where)s：人员编号不正确") % {"where": where})
            persons.append({"person": person_id, "name": name, **answers})
            errors.extend(errs)
        if persons:
            out["persons"] = persons
    return out, errors


def answer_text(question: Question, value: Any) -> str:
    """An answer as a worker reads it (labels, dates, trips)."""
    if is_blank(value):
        return ""
    if question.kind == K.TRAVEL:
        return "；".join(
            f"{t['place']} {t['from']}" + (f"～{t['to']}" if t["to"] != t["from"] else "")
            for t in value
        )
    options = choices_of(question)
    if isinstance(value, list):
        return "、".join(options.get(v, str(v)) for v in value)
    if options:
        return options.get(str(value), str(value))
    return str(value)


def describe_conditions(questions: list[Question]) -> list[Question]:
    """Set `condition_label` on each question: its condition as a worker reads it
    ("“近14天是否离开过本市？”为“是”") instead of "left_city=yes"."""
    by_key = {q.key: q for q in questions}
    for q in questions:
        q.condition_label = ""
        if not q.condition:
            continue
        negate = "!=" in q.condition
        key, _sep, value = q.condition.partition("!=" if negate else "=")
        source = by_key.get(key.strip())
        if source is None:
            q.condition_label = q.condition
            continue
        values = {"label": source.label, "value": choices_of(source).get(value.strip(), value)}
        if negate:
            q.condition_label = _("“%(label)s”不为“%(value)s”时") % values
        else:
            q.condition_label = _("“%(label)s”为“%(value)s”时") % values
    return questions
