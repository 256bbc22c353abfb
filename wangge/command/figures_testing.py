"""Testing figures: the day's rounds' progress and who is left — the rows of each round's
who-is-left lists (testing.whoisleft.person_list: 未检, 已采未出结果, 阳性, 待单管复核).

Which rounds a day's report covers (`rounds_of(at)`): the rounds whose sampling day is the day
of `at`, whatever their status, and the rounds still in progress (status active) that started
on an earlier day. Closed rounds of earlier days and rounds planned for a later day are not
the day's. Rounds cover disjoint areas as a rule; where two of the day's rounds overlap
(a street-wide round and a special-group round in one grid), a person counts once in each
figure (in the "not yet" figure: not yet sampled in at least one of them).

Figures count distinct persons: expected (the round's target persons), sampled (of those, with
a sample in the round: progress is sampled / expected), not yet, without result, positive and
positive in a pooled tube without a later single-tube retest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.people.models import Person
from wangge.places.models import Area
from wangge.testing.models import Round
from wangge.testing.queries import target_persons
from wangge.testing.whoisleft import person_list, status_exprs

from .figures import Figure


def rounds_of(at: dt.datetime) -> QuerySet[Round]:
    """The rounds a day's report covers at `at` (see the module's docstring)."""
    today = timezone.localdate(at)
    return Round.objects.filter(
        Q(date=today) | Q(status=Round.Status.ACTIVE, date__lt=today)
    ).select_related("area")


def expected(rnd: Round) -> QuerySet[Person]:
    return target_persons(rnd)


def sampled(rnd: Round) -> QuerySet[Person]:
    """The round's target persons with a sample in it (the board's "sampled")."""
    return target_persons(rnd).filter(status_exprs(rnd)["sampled"])


def _listed(kind: str) -> Callable[[Round], QuerySet[Person]]:
    return lambda rnd: person_list(rnd, None, kind)


def persons(at: dt.datetime, rows: Callable[[Round], QuerySet[Person]]) -> QuerySet[Person]:
    """The persons of `rows(round)` over the rounds of the day: the round's own list when there
    is one round, else the persons in any of them."""
    rounds = list(rounds_of(at))
    if not rounds:
        return Person.objects.none()
    if len(rounds) == 1:
        return rows(rounds[0])
    q = Q()
    for rnd in rounds:
        q |= Q(pk__in=rows(rnd).order_by().values("pk"))
    return Person.objects.filter(q)


def covering(at: dt.datetime, area: Area | None) -> list[Round]:
    """The day's rounds that cover `area` (or lie inside it); all of them for no area."""
    rounds = list(rounds_of(at))
    if area is None:
        return rounds
    return [
        r for r in rounds if area.path.startswith(r.area.path) or r.area.path.startswith(area.path)
    ]


def _href(kind: str, view: str = "testing:missing") -> Callable[[dt.datetime, object], str]:
    def href(at: dt.datetime, area) -> str:
        rounds = covering(at, area)
        if len(rounds) != 1:
            return reverse("testing:round_list")
        url = reverse(view, args=[rounds[0].pk])
        if area is not None and area.level == Area.Level.GRID:
            return f"{url}?grid={area.pk}&list={kind}"
        return url

    return href


def _figure(name, label, rows, kind="not_yet", **kwargs) -> Figure:
    return Figure(
        f"testing.{name}",
        "testing",
        label,
        lambda at: persons(at, rows),
        url="testing:round_list",
        href=_href(kind),
        **kwargs,
    )


FIGURES = [
    _figure("expected", _("应检人数"), expected),
    _figure("sampled", _("已采样人数"), sampled),
    _figure("not_yet", _("未检人数"), _listed("not_yet"), left=True),
    _figure("no_result", _("已采未出结果"), _listed("no_result"), "no_result", left=True),
    _figure("positive", _("阳性人数"), _listed("positive"), "positive", alert=True),
    _figure("retest", _("阳性混管待单管复核"), _listed("retest"), "retest", left=True, alert=True),
]
