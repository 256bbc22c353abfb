"""The day's figures for the commander's board: per checkpoint, per shift and per hour, and
who stands at the gates now.

Figures count passages: a passage with a plate is a vehicle, one without is a person. In and
out count those let through (allowed, or by the green channel); turn-backs, green-channel
passages, quota refusals and other refusals are counted apart.

Shifts are the workforce roster's: published shifts of the posts linked to the checkpoint.
Staffing now: scheduled (assigned to a published shift running now), on duty (of those,
checked in and not out), missing (not checked in 15 minutes after the start, as
wangge.workforce.services_left.absent has it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractHour
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.scope import VIEW
from wangge.workforce.models import Assignment, Post, Shift
from wangge.workforce.services_left import Absence, absent

from .models import Checkpoint, Passage

OUTCOME = Passage.Outcome
THROUGH = (OUTCOME.ALLOWED, OUTCOME.GREEN)


def _tz():
    return timezone.get_current_timezone()


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=_tz())
    return start, start + dt.timedelta(days=1)


# --- figures ---------------------------------------------------------------------------------

FIGURE_FIELDS: dict[str, object] = {
    "people_in": gettext_lazy("人员进"),
    "people_out": gettext_lazy("人员出"),
    "vehicles_in": gettext_lazy("车辆进"),
    "vehicles_out": gettext_lazy("车辆出"),
    "turned_back": gettext_lazy("劝返"),
    "green": gettext_lazy("绿色通道"),
    "quota": gettext_lazy("超额拒绝"),
    "refused": gettext_lazy("其他拒绝"),
}

_PERSON, _VEHICLE = Q(plate=""), ~Q(plate="")
_THROUGH = Q(outcome__in=THROUGH)
AGGREGATES = {
    "people_in": Count("pk", filter=_THROUGH & _PERSON & Q(direction="in")),
    "people_out": Count("pk", filter=_THROUGH & _PERSON & Q(direction="out")),
    "vehicles_in": Count("pk", filter=_THROUGH & _VEHICLE & Q(direction="in")),
    "vehicles_out": Count("pk", filter=_THROUGH & _VEHICLE & Q(direction="out")),
    "turned_back": Count("pk", filter=Q(outcome=OUTCOME.TURNED_BACK)),
    "green": Count("pk", filter=Q(outcome=OUTCOME.GREEN)),
    "quota": Count("pk", filter=Q(outcome=OUTCOME.REFUSED, code="quota")),
    "refused": Count("pk", filter=Q(outcome=OUTCOME.REFUSED) & ~Q(code="quota")),
}


@dataclass
class Figures:
    people_in: int = 0
    people_out: int = 0
    vehicles_in: int = 0
    vehicles_out: int = 0
    turned_back: int = 0
    green: int = 0
    quota: int = 0
    refused: int = 0

    @classmethod
    def of(cls, row: dict | None) -> Figures:
        row = row or {}
        return cls(**{k: row.get(k) or 0 for k in FIGURE_FIELDS})

    def values(self) -> list[int]:
        return [getattr(self, k) for k in FIGURE_FIELDS]

    def as_dict(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in FIGURE_FIELDS}

    @property
    def total(self) -> int:
        return sum(self.values())

    def add(self, other: Figures) -> None:
        for k in FIGURE_FIELDS:
            setattr(self, k, getattr(self, k) + getattr(other, k))


def shift_label(shift: Shift) -> str:
    start, end = timezone.localtime(shift.starts_at), timezone.localtime(shift.ends_at)
    if start.date() == end.date():
        return f"{start:%H:%M}–{end:%H:%M}"
    return f"{start:%m-%d %H:%M}–{end:%m-%d %H:%M}"


@dataclass
class ShiftFigures:
    """A roster shift at the checkpoint: its passages and its staff (assignments prefetched)."""

    shift: Shift
    figures: Figures

    @property
    def label(self) -> str:
        return shift_label(self.shift)

    @property
    def assigned(self) -> int:
        return len(self.shift.assignments.all())

    @property
    def checked_in(self) -> int:
        return sum(1 for a in self.shift.assignments.all() if a.checked_in_at is not None)

    @property
    def staff(self) -> str:
        """到岗/安排/需要."""
        return f"{self.checked_in}/{self.assigned}/{self.shift.needed}"


@dataclass
class DayFigures:
    checkpoint: Checkpoint
    day: dt.date
    total: Figures
    hours: list[Figures] = field(default_factory=list)  # 24, local hours
    shifts: list[ShiftFigures] = field(default_factory=list)


def passages_of_day(day: dt.date) -> QuerySet[Passage]:
    start, end = day_bounds(day)
    return Passage.objects.filter(at__gte=start, at__lt=end)


def totals_by_checkpoint(checkpoints: Iterable[Checkpoint], day: dt.date) -> dict[int, Figures]:
    """One query: the day's figures of each checkpoint."""
    ids = [c.pk for c in checkpoints]
    rows = (
        passages_of_day(day)
        .filter(checkpoint_id__in=ids)
        .order_by()
        .values("checkpoint_id")
        .annotate(**AGGREGATES)
    )
    out = {pk: Figures() for pk in ids}
    for row in rows:
        out[row["checkpoint_id"]] = Figures.of(row)
    return out


def shifts_of_day(checkpoint: Checkpoint, day: dt.date) -> QuerySet[Shift]:
    """Published roster shifts of the checkpoint's posts overlapping the day."""
    start, end = day_bounds(day)
    return (
        Shift.objects.filter(
            post__checkpoint=checkpoint,
            published_at__isnull=False,
            starts_at__lt=end,
            ends_at__gt=start,
        )
        .select_related("post")
        .order_by("starts_at", "post__name", "pk")
    )


def day_figures(checkpoint: Checkpoint, day: dt.date) -> DayFigures:
    """A checkpoint's day: the totals, each local hour, each shift overlapping the day (its
    passages within the day)."""
    start, end = day_bounds(day)
    qs = passages_of_day(day).filter(checkpoint=checkpoint).order_by()
    total = Figures.of(qs.aggregate(**AGGREGATES))
    hours = [Figures() for _h in range(24)]
    by_hour = qs.annotate(hour=ExtractHour("at", tzinfo=_tz())).values("hour")
    for row in by_hour.annotate(**AGGREGATES):
        hours[row["hour"]] = Figures.of(row)
    shifts = []
    for shift in shifts_of_day(checkpoint, day).prefetch_related("assignments"):
        within = qs.filter(at__gte=max(start, shift.starts_at), at__lt=min(end, shift.ends_at))
        shifts.append(ShiftFigures(shift, Figures.of(within.aggregate(**AGGREGATES))))
    return DayFigures(checkpoint, day, total, hours, shifts)


# --- staffing now ---------------------------------------------------------------------------


@dataclass
class Staffing:
    scheduled: int = 0
    on_duty: int = 0
    missing: int = 0


def staffing_now(
    user, checkpoints: Iterable[Checkpoint], now: dt.datetime | None = None
) -> tuple[dict[int, Staffing], list[Absence]]:
    """Per checkpoint, the staff of its posts' published shifts running now (scheduled, on
    duty, missing), and the missing themselves — the assignments the user can see."""
    now = now or timezone.now()
    ids = [c.pk for c in checkpoints]
    out = {pk: Staffing() for pk in ids}
    running = Assignment.objects.for_user(user, VIEW).filter(
        shift__post__checkpoint__in=ids,
        shift__published_at__isnull=False,
        shift__starts_at__lte=now,
        shift__ends_at__gt=now,
    )
    on = Q(checked_in_at__isnull=False, checked_out_at__isnull=True)
    rows = (
        running.order_by()
        .values("shift__post__checkpoint_id")
        .annotate(scheduled=Count("pk"), on_duty=Count("pk", filter=on))
    )
    for row in rows:
        staffing = out[row["shift__post__checkpoint_id"]]
        staffing.scheduled, staffing.on_duty = row["scheduled"], row["on_duty"]
    missing = absent(user, now=now, checkpoints=ids) if ids else []
    for a in missing:
        out[a.post.checkpoint_id].missing += 1
    return out, missing


def posts_by_checkpoint(user, checkpoints: Iterable[Checkpoint]) -> dict[int, list[Post]]:
    """The active workforce posts staffing each checkpoint that the user can see."""
    ids = [c.pk for c in checkpoints]
    out: dict[int, list[Post]] = {pk: [] for pk in ids}
    posts = Post.objects.for_user(user, VIEW).filter(checkpoint__in=ids, active=True)
    for post in posts.order_by("name", "pk"):
        out[post.checkpoint_id].append(post)
    return out


def hour_chart(figures: DayFigures) -> dict:
    """ECharts options: per hour, people and vehicles through, turn-backs and refusals."""
    hours = [f"{h:02d}" for h in range(24)]
    series = [
        (_("人员进出"), [f.people_in + f.people_out for f in figures.hours]),
        (_("车辆进出"), [f.vehicles_in + f.vehicles_out for f in figures.hours]),
        (_("绿色通道"), [f.green for f in figures.hours]),
        (_("劝返"), [f.turned_back for f in figures.hours]),
        (_("拒绝"), [f.quota + f.refused for f in figures.hours]),
    ]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "type": "scroll"},
        "grid": {"left": 8, "right": 8, "bottom": 8, "top": 32, "containLabel": True},
        "xAxis": {"type": "category", "data": hours, "name": _("时")},
        "yAxis": {"type": "value", "minInterval": 1, "name": _("次/小时")},
        "series": [{"name": n, "type": "bar", "stack": "all", "data": d} for n, d in series],
    }
