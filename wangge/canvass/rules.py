"""Rules that turn answers and arrivals into flagged people, each with a reason code, a reason a
commander reads and the measure the rule proposes.

- travel_risk: a trip to a place on the risk-place list, at a time it was listed, ending within
  the campaign's look-back days (14 by default) before the visit; proposed by the place's level;
- contact: any contact history but "none"; symptoms: any symptom; antigen_positive; pcr_positive;
- answer: a question's own flag (its flag_value, with its flag_code when set);
- arrival_risk: an arrival from a listed place within the look-back days before arriving.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.normalize import clean_text

from .answers import CONTACT, SYMPTOMS, answer_text
from .models import Measure, Question, RiskLevel, RiskPlace

K = Question.Kind
REASONS = {
    "travel_risk": gettext_lazy("到过风险地区"),
    "contact": gettext_lazy("有接触史"),
    "symptoms": gettext_lazy("有症状"),
    "antigen_positive": gettext_lazy("抗原阳性"),
    "pcr_positive": gettext_lazy("核酸阳性"),
    "answer": gettext_lazy("问卷答案需关注"),
    "arrival_risk": gettext_lazy("来自风险地区"),
}
LEVEL_RANK = {RiskLevel.HIGH: 3, RiskLevel.MEDIUM: 2, RiskLevel.LOW: 1}
LEVEL_MEASURE = {
    RiskLevel.HIGH: Measure.CENTRAL_QUARANTINE,
    RiskLevel.MEDIUM: Measure.HOME_QUARANTINE,
    RiskLevel.LOW: Measure.HOME_MONITORING,
}
CONTACT_MEASURE = {
    "case": Measure.CENTRAL_QUARANTINE,
    "close": Measure.CENTRAL_QUARANTINE,
    "secondary": Measure.HOME_QUARANTINE,
    "risk_area": Measure.HOME_MONITORING,
}


@dataclass(frozen=True)
class Hit:
    code: str
    reason: str
    proposed: str = ""
    person_id: int | None = None
    person_name: str = ""


def places_between(start: dt.date, end: dt.date) -> list[RiskPlace]:
    """Risk places listed at some time between `start` and `end`."""
    return list(
        RiskPlace.objects.filter(starts_on__lte=end).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=start)
        )
    )


def match_place(
    text: str, places: list[RiskPlace], start: dt.date, end: dt.date
) -> RiskPlace | None:
    """The highest-level place whose region is named in `text` and that was listed at some
    time between `start` and `end` ("上海市浦东新区张江镇" matches "上海市浦东新区")."""
    text = clean_text(text).replace(" ", "")
    best = None
    for place in places:
        region = clean_text(place.region).replace(" ", "")
        if not region or region not in text:
            continue
        if place.starts_on > end or (place.ends_on is not None and place.ends_on < start):
            continue
        if best is None or LEVEL_RANK[place.level] > LEVEL_RANK[best.level]:
            best = place
    return best


def _answer_hits(questions, answers, *, on, lookback_days, places, who) -> list[Hit]:
    hits: list[Hit] = []
    since = on - dt.timedelta(days=lookback_days)
    for q in questions:
        value = answers.get(q.key)
        if value in (None, "", []):
            continue
        if q.kind == K.TRAVEL:
            for trip in value:
                start, end = dt.date.fromisoformat(trip["from"]), dt.date.fromisoformat(trip["to"])
                if end < since:
                    continue
                place = match_place(trip["place"], places, max(start, since), end)
                if place is not None:
                    reason = _("%(date)s到过%(place)s（%(level)s）") % {
                        "date": trip["from"],
                        "place": trip["place"],
                        "level": place.get_level_display(),
                    }
                    hits.append(Hit("travel_risk", reason, LEVEL_MEASURE[place.level], *who))
        elif q.kind == K.CONTACT and value != "none":
            reason = _("接触史：%(what)s") % {"what": CONTACT.get(value, value)}
            hits.append(Hit("contact", reason, CONTACT_MEASURE.get(value, ""), *who))
        elif q.kind == K.SYMPTOMS:
            what = "、".join(str(SYMPTOMS.get(v, v)) for v in value)
            hits.append(
                Hit("symptoms", _("症状：%(what)s") % {"what": what}, Measure.TESTING, *who)
            )
        elif q.kind == K.ANTIGEN and value == "positive":
            hits.append(Hit("antigen_positive", _("抗原自测阳性"), Measure.HOME_QUARANTINE, *who))
        elif q.kind == K.PCR and value == "positive":
            hits.append(Hit("pcr_positive", _("核酸检测阳性"), Measure.CENTRAL_QUARANTINE, *who))
        if q.flag_value and q.flag_value in (value if isinstance(value, list) else [str(value)]):
            reason = f"{q.label}：{answer_text(q, value)}"
            hits.append(Hit(q.flag_code or "answer", reason[:300], "", *who))
    return hits


def evaluate(
    questions: list[Question],
    answers: dict,
    *,
    on: dt.date,
    lookback_days: int = 14,
    household_name: str = "",
    places: list[RiskPlace] | None = None,
) -> list[Hit]:
    """Every flag the answers of one visit raise: household-level answers flag the household
    (named after its householder), per-person answers flag that person."""
    if places is None:
        places = places_between(on - dt.timedelta(days=lookback_days + 60), on)
    household_qs = [q for q in questions if not q.per_person]
    person_qs = [q for q in questions if q.per_person]
    common = {"on": on, "lookback_days": lookback_days, "places": places}
    hits = _answer_hits(household_qs, answers, who=(None, household_name), **common)
    for block in answers.get("persons", []):
        who = (block.get("person"), block.get("name", ""))
        hits.extend(_answer_hits(person_qs, block, who=who, **common))
    return hits


def classify_arrival(
    origin: str, arrived_on: dt.date, lookback_days: int = 14
) -> tuple[RiskPlace | None, str]:
    """(matched risk place or None, proposed measure) for someone arriving from `origin`."""
    since = arrived_on - dt.timedelta(days=lookback_days)
    place = match_place(origin, places_between(since, arrived_on), since, arrived_on)
    if place is None:
        return None, Measure.TESTING
    return place, LEVEL_MEASURE[place.level]
