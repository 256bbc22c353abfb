"""Workforce figures: the day's shifts and how many are fully staffed, who is left on the roster
at `at` (workforce.services_left: shifts running or starting within 24 hours short of people,
people not at their post 15 minutes after their shift started) and the people on duty today.

services_left builds its lists in Python from querysets; `understaffed(at)` and `absent(at)`
here are the same querysets (the same filters, the staff counted by a subquery so that they
can be grouped by area), tested equal to the lists.

- shifts: published shifts of active posts overlapping the day of `at`;
- staffed: of those, with at least as many people assigned as needed;
- on duty: distinct workers who checked in on the day, by `at`.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.workforce.models import Assignment, Shift
from wangge.workforce.services_hours import day_start
from wangge.workforce.services_left import GRACE_MINUTES

from .figures import Figure

HORIZON_HOURS = 24


def _staff() -> Coalesce:
    n = (
        Assignment.objects.filter(shift=OuterRef("pk"))
        .order_by()
        .values("shift")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(n, output_field=IntegerField()), 0)


def published() -> QuerySet[Shift]:
    return Shift.objects.filter(published_at__isnull=False, post__active=True)


def shifts(at: dt.datetime) -> QuerySet[Shift]:
    start = day_start(timezone.localdate(at))
    return published().filter(starts_at__lt=start + dt.timedelta(days=1), ends_at__gt=start)


def staffed(at: dt.datetime) -> QuerySet[Shift]:
    return shifts(at).alias(staff=_staff()).filter(staff__gte=F("needed"))


def understaffed(at: dt.datetime) -> QuerySet[Shift]:
    """services_left.understaffed(None, now=at) as a queryset."""
    return (
        published()
        .filter(ends_at__gt=at, starts_at__lt=at + dt.timedelta(hours=HORIZON_HOURS))
        .alias(staff=_staff())
        .filter(staff__lt=F("needed"))
    )


def absent(at: dt.datetime) -> QuerySet[Assignment]:
    """services_left.absent(None, now=at) as a queryset."""
    return Assignment.objects.filter(
        checked_in_at__isnull=True,
        shift__published_at__isnull=False,
        shift__starts_at__lte=at - dt.timedelta(minutes=GRACE_MINUTES),
        shift__ends_at__gt=at,
    )


def on_duty(at: dt.datetime) -> QuerySet[Assignment]:
    start = day_start(timezone.localdate(at))
    return Assignment.objects.filter(checked_in_at__gte=start, checked_in_at__lte=at)


def _day(at: dt.datetime) -> str:
    return f"day={timezone.localdate(at).isoformat()}"


FIGURES = [
    Figure(
        "workforce.shifts", "workforce", _("今日班次"), shifts, url="workforce:roster", query=_day
    ),
    Figure(
        "workforce.staffed", "workforce", _("满员班次"), staffed, url="workforce:roster", query=_day
    ),
    Figure(
        "workforce.understaffed",
        "workforce",
        _("缺员岗位班次"),
        understaffed,
        url="workforce:left",
        left=True,
    ),
    Figure(
        "workforce.absent",
        "workforce",
        _("未到岗人员"),
        absent,
        url="workforce:left",
        left=True,
    ),
    Figure(
        "workforce.on_duty",
        "workforce",
        _("今日到岗人数"),
        on_duty,
        "worker",
        url="workforce:roster",
        query=_day,
    ),
]
