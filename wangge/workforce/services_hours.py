"""Counting the service (服务时长): hours per worker and per organisation.

Hours are counted from check-in to check-out. An assignment checked in but not yet checked out
counts as one person-time (人次) and no hours: it is listed as open until it is checked out.
An assignment belongs to the period in which its shift starts (a night shift from 22:00 to
06:00 counts in full on the day it started).

Scope: the assignments counted are those of posts in the user's scope (`Assignment.for_user`);
`user=None` means everything (the command line only). `prefix` narrows to one area.

Who is left on the roster is services_left's.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.exports import XlsxColumn
from wangge.core.scope import VIEW

from .models import Assignment, Organization, Worker

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
