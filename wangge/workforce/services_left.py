"""Who is left on the roster (缺岗): published shifts of active posts, running now or starting
in the next 24 hours, with fewer people assigned than they need (`understaffed`); and people on
a shift that started more than 15 minutes ago and is still running who have not checked in
(`absent`) — each with the post's grid leader (or, where the post has none, the nearest leader
above it), for the page, the API, the .xlsx and `wangge workforce left`.

Scope: the shifts and assignments listed are those of posts in the user's scope; `user=None`
means everything (the command line only). `prefix` narrows to one area.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.exports import XlsxColumn
from wangge.core.mask import mask_phone
from wangge.core.scope import VIEW
from wangge.people.leaders import leaders
from wangge.people.models import LeaderAssignment
from wangge.places.models import Area

from .models import Assignment, Shift
from .services_hours import _scoped

GRACE_MINUTES = 15


def fmt_span(starts: dt.datetime, ends: dt.datetime) -> str:
    """03-01 22:00–03-02 06:00, or 03-01 08:00–14:00 within one day."""
    a, b = timezone.localtime(starts), timezone.localtime(ends)
    end = b.strftime("%H:%M") if a.date() == b.date() else b.strftime("%m-%d %H:%M")
    return f"{a:%m-%d %H:%M}–{end}"


def _area_ids(path: str) -> list[int]:
    return [int(p) for p in path.split("b")[0].strip("/").split("/") if p.isdigit()]


class _Places:
    """Grid names and the responsible leader of many posts' areas, in three queries."""

    def __init__(self, paths) -> None:
        ids = {i for p in paths for i in _area_ids(p)}
        self.areas = {a.pk: a for a in Area.objects.filter(pk__in=ids)}
        self.grid = leaders(LeaderAssignment.Role.GRID, area_id__in=list(ids))
        self.street = leaders(LeaderAssignment.Role.STREET, area_id__in=list(ids))

    def grid_name(self, path: str) -> str:
        ids = _area_ids(path)
        return self.areas[ids[-1]].name if ids and ids[-1] in self.areas else ""

    def leader(self, path: str) -> tuple[str, str]:
        """The grid leader of the deepest area of `path` that has one, else a street leader."""
        for found in (self.grid, self.street):
            for area_id in reversed(_area_ids(path)):
                if area_id in found:
                    return found[area_id]
        return "", ""


@dataclass
class Gap:
    """A published shift with fewer people than it needs."""

    shift: Shift
    grid: str
    needed: int
    assigned: int
    running: bool
    leader_name: str
    leader_phone: str

    @property
    def post(self):
        return self.shift.post

    @property
    def missing(self) -> int:
        return max(self.needed - self.assigned, 0)

    @property
    def when(self) -> str:
        return fmt_span(self.shift.starts_at, self.shift.ends_at)

    def line(self) -> list:
        return [
            _("岗位缺员"),
            self.grid,
            self.post.name,
            self.post.place,
            self.when,
            _("需 %(needed)d 人，已排 %(assigned)d 人，缺 %(missing)d 人")
            % {"needed": self.needed, "assigned": self.assigned, "missing": self.missing},
            "",
            self.leader_name,
            self.leader_phone,
        ]


@dataclass
class Absence:
    """Someone on a running shift who has not checked in."""

    assignment: Assignment
    grid: str
    late_minutes: int
    leader_name: str
    leader_phone: str

    @property
    def worker(self):
        return self.assignment.worker

    @property
    def post(self):
        return self.assignment.shift.post

    @property
    def phone(self) -> str:
        return mask_phone(self.worker.phone)

    @property
    def when(self) -> str:
        return fmt_span(self.assignment.shift.starts_at, self.assignment.shift.ends_at)

    @property
    def late_text(self) -> str:
        h, m = divmod(self.late_minutes, 60)
        return _("已开班 %(h)d 小时 %(m)d 分未到岗") % {"h": h, "m": m}

    def line(self) -> list:
        return [
            _("未到岗"),
            self.grid,
            self.post.name,
            self.post.place,
            self.when,
            _("%(name)s %(late)s") % {"name": self.worker.name, "late": self.late_text},
            self.phone,
            self.leader_name,
            self.leader_phone,
        ]


def left_columns() -> list[XlsxColumn]:
    return [
        XlsxColumn(_("事项"), 10),
        XlsxColumn(_("网格"), 14),
        XlsxColumn(_("岗位"), 18),
        XlsxColumn(_("地点"), 20),
        XlsxColumn(_("班次时间"), 24),
        XlsxColumn(_("情况"), 34),
        XlsxColumn(_("电话"), 14, text=True),
        XlsxColumn(_("网格长"), 10),
        XlsxColumn(_("网格长电话"), 14, text=True),
    ]


def understaffed(
    user,
    *,
    now: dt.datetime | None = None,
    horizon_hours: int = 24,
    prefix: str = "",
    action: str = VIEW,
) -> list[Gap]:
    """Published shifts of active posts running now or starting within `horizon_hours`, with
    fewer people assigned than needed; soonest first."""
    now = now or timezone.now()
    qs = _scoped(Shift.objects.all(), user, prefix, action)
    qs = (
        qs.filter(
            published_at__isnull=False,
            post__active=True,
            ends_at__gt=now,
            starts_at__lt=now + dt.timedelta(hours=horizon_hours),
        )
        .annotate(staffed=Count("assignments"))
        .filter(staffed__lt=F("needed"))
        .select_related("post")
        .order_by("starts_at", "post__name", "pk")
    )
    shifts = list(qs)
    places = _Places(s.scope_path for s in shifts)
    out = []
    for s in shifts:
        name, phone = places.leader(s.scope_path)
        out.append(
            Gap(
                s,
                places.grid_name(s.scope_path),
                s.needed,
                s.staffed,
                s.starts_at <= now,
                name,
                phone,
            )
        )
    return out


def absent(
    user,
    *,
    now: dt.datetime | None = None,
    grace_minutes: int = GRACE_MINUTES,
    prefix: str = "",
    action: str = VIEW,
    checkpoints=None,
) -> list[Absence]:
    """People on published shifts that started more than `grace_minutes` ago and have not
    ended, who have not checked in; longest late first. `checkpoints` (ids or a queryset)
    narrows to the posts staffing those checkpoints."""
    now = now or timezone.now()
    qs = _scoped(Assignment.objects.all(), user, prefix, action)
    if checkpoints is not None:
        qs = qs.filter(shift__post__checkpoint__in=checkpoints)
    qs = (
        qs.filter(
            checked_in_at__isnull=True,
            shift__published_at__isnull=False,
            shift__starts_at__lte=now - dt.timedelta(minutes=grace_minutes),
            shift__ends_at__gt=now,
        )
        .select_related("worker", "shift__post")
        .order_by("shift__starts_at", "shift__post__name", "worker__name", "pk")
    )
    rows = list(qs)
    places = _Places(a.scope_path for a in rows)
    out = []
    for a in rows:
        name, phone = places.leader(a.scope_path)
        late = int((now - a.shift.starts_at).total_seconds() // 60)
        out.append(Absence(a, places.grid_name(a.scope_path), late, name, phone))
    return out
