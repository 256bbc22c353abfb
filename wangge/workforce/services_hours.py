"""Counting the service (服务时长) and who is left on the roster (缺岗).

Hours are counted from check-in to check-out. An assignment checked in but not yet checked out
counts as one person-time (人次) and no hours: it is listed as open until it is checked out.
An assignment belongs to the period in which its shift starts (a night shift from 22:00 to
06:00 counts in full on the day it started).

Scope: the assignments counted are those of posts in the user's scope (`Assignment.for_user`);
`user=None` means everything (the command line only). `prefix` narrows to one area.

Who is left: published shifts of active posts, running now or starting in the next 24 hours,
with fewer people assigned than they need (`understaffed`); and people on a shift that started
more than 15 minutes ago and is still running who have not checked in (`absent`) — each with
the post's grid leader (or, where the post has none, the nearest leader above it).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.exports import XlsxColumn
from wangge.core.mask import mask_phone
from wangge.core.scope import VIEW
from wangge.people.leaders import leaders
from wangge.people.models import LeaderAssignment
from wangge.places.models import Area

from .models import Assignment, Organization, Shift, Worker

GRACE_MINUTES = 15
# Organisations whose people are counted as cadres (干部) in the street's report.
CADRE_KINDS = (
    Organization.Kind.GOVERNMENT,
    Organization.Kind.INSTITUTION,
    Organization.Kind.ENTERPRISE,
)


# --- helpers ---------------------------------------------------------------------------------


def _scoped(qs: QuerySet, user, prefix: str = "", action: str = VIEW) -> QuerySet:
    qs = qs.for_user(user, action) if user is not None else qs
    return qs.within(prefix) if prefix else qs


def day_start(day: dt.date) -> dt.datetime:
    """Local midnight at the start of `day`, aware."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def fmt_hours(hours: float) -> str:
    """86.5 / 3000: one decimal, none when the figure is whole."""
    value = round(hours + 1e-9, 1)
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def fmt_time(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def fmt_span(starts: dt.datetime, ends: dt.datetime) -> str:
    """03-01 22:00–03-02 06:00, or 03-01 08:00–14:00 within one day."""
    a, b = timezone.localtime(starts), timezone.localtime(ends)
    end = b.strftime("%H:%M") if a.date() == b.date() else b.strftime("%m-%d %H:%M")
    return f"{a:%m-%d %H:%M}–{end}"


def served(
    user,
    *,
    since: dt.date | None,
    until: dt.date | None,
    kind: str | None = None,
    organization: Organization | int | None = None,
    prefix: str = "",
    action: str = VIEW,
) -> QuerySet[Assignment]:
    """Assignments checked in whose shift starts between `since` and `until` (both days
    included; None leaves that end open)."""
    qs = _scoped(Assignment.objects.filter(checked_in_at__isnull=False), user, prefix, action)
    if since is not None:
        qs = qs.filter(shift__starts_at__gte=day_start(since))
    if until is not None:
        qs = qs.filter(shift__starts_at__lt=day_start(until + dt.timedelta(days=1)))
    if kind:
        qs = qs.filter(worker__kind=kind)
    if organization:
        qs = qs.filter(worker__organization=organization)
    return qs


# --- hours per worker ------------------------------------------------------------------------


@dataclass
class WorkerHours:
    """One worker's service over the period (or the totals row when `worker_id` is None)."""

    worker_id: int | None
    name: str
    kind: str = ""
    kind_label: str = ""
    organization: str = ""
    person_times: int = 0
    hours: float = 0.0
    open: int = 0  # checked in, not yet out
    posts: list[str] = field(default_factory=list)
    workers: int = 0  # the totals row: how many workers

    @property
    def hours_text(self) -> str:
        return fmt_hours(self.hours)

    def line(self) -> list:
        return [
            self.name,
            self.kind_label,
            self.organization,
            "、".join(self.posts),
            self.person_times,
            round(self.hours, 2),
            self.open,
        ]


def hours_columns() -> list[XlsxColumn]:
    return [
        XlsxColumn(_("姓名"), 10),
        XlsxColumn(_("类别"), 10),
        XlsxColumn(_("派出单位"), 20),
        XlsxColumn(_("服务岗位"), 30),
        XlsxColumn(_("人次"), 8),
        XlsxColumn(_("服务时长（小时）"), 14),
        XlsxColumn(_("未签退"), 8),
    ]


ROW_FIELDS = (
    "worker_id",
    "worker__name",
    "worker__kind",
    "worker__organization__name",
    "shift__post__name",
    "checked_in_at",
    "checked_out_at",
)


def hours_by_worker(
    user,
    *,
    since: dt.date | None,
    until: dt.date | None,
    kind: str | None = None,
    organization: Organization | int | None = None,
    prefix: str = "",
    action: str = VIEW,
    q: str = "",
) -> list[WorkerHours]:
    """Person-times and hours per worker who checked in during the period, most hours first.
    `q` narrows to names containing it."""
    qs = served(
        user,
        since=since,
        until=until,
        kind=kind,
        organization=organization,
        prefix=prefix,
        action=action,
    )
    if q:
        qs = qs.filter(worker__name__icontains=q)
    kinds = dict(Worker.Kind.choices)
    rows: dict[int, WorkerHours] = {}
    for wid, name, wkind, org, post, t_in, t_out in qs.order_by().values_list(*ROW_FIELDS):
        row = rows.get(wid)
        if row is None:
            row = rows[wid] = WorkerHours(wid, name, wkind, str(kinds.get(wkind, wkind)), org or "")
        row.person_times += 1
        if t_out is None:
            row.open += 1
        else:
            row.hours += max((t_out - t_in).total_seconds(), 0) / 3600
        if post not in row.posts:
            row.posts.append(post)
    return sorted(rows.values(), key=lambda r: (-r.hours, -r.person_times, r.name, r.worker_id))


def total(rows: list[WorkerHours]) -> WorkerHours:
    out = WorkerHours(None, _("合计"))
    for row in rows:
        out.person_times += row.person_times
        out.hours += row.hours
        out.open += row.open
    out.workers = len(rows)
    return out


def open_checkins(
    user,
    *,
    since: dt.date | None,
    until: dt.date | None,
    kind: str | None = None,
    organization: Organization | int | None = None,
    prefix: str = "",
) -> QuerySet[Assignment]:
    """Assignments checked in and not yet out (they count no hours until checked out)."""
    qs = served(user, since=since, until=until, kind=kind, organization=organization, prefix=prefix)
    return (
        qs.filter(checked_out_at__isnull=True)
        .select_related("worker", "shift__post")
        .order_by("checked_in_at", "pk")
    )


# --- per organisation ------------------------------------------------------------------------


def sentence(workers: int, person_times: int, hours: float, org_kind: str | None) -> str:
    """The line a street reports: "106 名干部，600 人次，3000 小时"."""
    values = {"workers": workers, "times": person_times, "hours": fmt_hours(hours)}
    if org_kind in CADRE_KINDS:
        return _("%(workers)d 名干部，%(times)d 人次，%(hours)s 小时") % values
    if org_kind == Organization.Kind.VOLUNTEER_TEAM:
        return _("%(workers)d 名志愿者，%(times)d 人次，%(hours)s 小时") % values
    return _("%(workers)d 名工作人员，%(times)d 人次，%(hours)s 小时") % values


@dataclass
class OrgLine:
    """One organisation's service (organization None: workers sent by no organisation; the
    totals row has `is_total`)."""

    organization_id: int | None
    name: str
    kind: str | None
    kind_label: str = ""
    workers: int = 0
    person_times: int = 0
    hours: float = 0.0
    is_total: bool = False
    organizations: int = 0

    @property
    def hours_text(self) -> str:
        return fmt_hours(self.hours)

    @property
    def sentence(self) -> str:
        return sentence(self.workers, self.person_times, self.hours, self.kind)

    @property
    def report(self) -> str:
        """The sentence with the organisation: "市财政局：12 名干部，60 人次，300 小时"."""
        if self.is_total:
            return _("共 %(orgs)d 个单位，%(line)s") % {
                "orgs": self.organizations,
                "line": self.sentence,
            }
        return _("%(name)s：%(line)s") % {"name": self.name, "line": self.sentence}

    def line(self) -> list:
        return [
            self.name,
            self.kind_label,
            self.workers,
            self.person_times,
            round(self.hours, 2),
            self.report,
        ]


def organization_columns() -> list[XlsxColumn]:
    return [
        XlsxColumn(_("派出单位"), 24),
        XlsxColumn(_("类型"), 12),
        XlsxColumn(_("参与人数"), 10),
        XlsxColumn(_("人次"), 8),
        XlsxColumn(_("服务时长（小时）"), 14),
        XlsxColumn(_("汇总"), 48),
    ]


def organization_summary(
    user,
    *,
    since: dt.date | None,
    until: dt.date | None,
    prefix: str = "",
    action: str = VIEW,
) -> list[OrgLine]:
    """Per organisation: the workers who served (checked in at least once), their person-times
    and hours; most hours first, workers of no organisation last, then the totals row."""
    qs = served(user, since=since, until=until, prefix=prefix, action=action)
    kinds = dict(Organization.Kind.choices)
    lines: dict[int | None, OrgLine] = {}
    people: dict[int | None, set[int]] = defaultdict(set)
    rows = qs.order_by().values_list(
        "worker__organization_id",
        "worker__organization__name",
        "worker__organization__kind",
        "worker_id",
        "checked_in_at",
        "checked_out_at",
    )
    for org_id, name, okind, wid, t_in, t_out in rows:
        line = lines.get(org_id)
        if line is None:
            label = name if org_id else _("无派出单位")
            line = lines[org_id] = OrgLine(org_id, label, okind, str(kinds.get(okind, "")))
        people[org_id].add(wid)
        line.person_times += 1
        if t_out is not None:
            line.hours += max((t_out - t_in).total_seconds(), 0) / 3600
    for org_id, line in lines.items():
        line.workers = len(people[org_id])
    out = sorted(
        lines.values(),
        key=lambda r: (r.organization_id is None, -r.hours, -r.person_times, r.name),
    )
    orgs = [r for r in out if r.organization_id is not None]
    all_cadres = bool(out) and all(r.kind in CADRE_KINDS for r in out)
    summary = OrgLine(
        None,
        _("合计"),
        Organization.Kind.GOVERNMENT if all_cadres else None,
        is_total=True,
        organizations=len(orgs),
    )
    summary.workers = len({w for ids in people.values() for w in ids})
    summary.person_times = sum(r.person_times for r in out)
    summary.hours = sum(r.hours for r in out)
    return [*out, summary]


# --- who is left on the roster ---------------------------------------------------------------


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
) -> list[Absence]:
    """People on published shifts that started more than `grace_minutes` ago and have not
    ended, who have not checked in; longest late first."""
    now = now or timezone.now()
    qs = _scoped(Assignment.objects.all(), user, prefix, action)
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
