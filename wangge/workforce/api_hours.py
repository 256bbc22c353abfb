"""Workforce API, part hours: hours and person-times per worker over a period (the shifts that
start between `since` and `until`, both days included; the last 30 days by default), and who
is left on the roster now (posts under-staffed now and in the next 24 hours, people not
checked in 15 minutes after their shift started).

Only posts in the caller's scope are counted; `area` narrows to one of their areas (an area
outside it gives nothing)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router

from wangge.api.access import user_of
from wangge.core.audit import record_access
from wangge.places.api import area_path

from . import services_hours as svc
from . import services_left as left_svc
from .models import Worker
from .schemas_hours import HoursOut, LeftOut

router = Router(tags=["workforce"])
MAX_DAYS = 366


def _prefix(area: int | None) -> str | None:
    """The path of `area` ('' for none); None when it names no area."""
    if area is None:
        return ""
    return area_path(area) or None


@router.get("/hours", response=HoursOut, summary="服务时长：每人人次与小时数（按班次开始日期统计）")
def get_hours(
    request,
    since: dt.date | None = None,
    until: dt.date | None = None,
    kind: str = "",
    organization: int | None = None,
    area: int | None = None,
):
    until = until or timezone.localdate()
    since = since or until - dt.timedelta(days=29)
    if since > until:
        raise ValidationError({"since": [_("开始日期不能晚于结束日期")]})
    if (until - since).days >= MAX_DAYS:
        raise ValidationError({"since": [_("统计时段最长 %(days)d 天") % {"days": MAX_DAYS}]})
    if kind and kind not in Worker.Kind.values:
        raise ValidationError({"kind": [_("人员类别不正确")]})
    prefix = _prefix(area)
    user = user_of(request)
    rows = []
    if prefix is not None:
        rows = svc.hours_by_worker(
            user,
            since=since,
            until=until,
            kind=kind or None,
            organization=organization,
            prefix=prefix,
        )
    totals = svc.total(rows)
    if rows:
        record_access(user, "api", _("服务时长统计"), fields="name,hours", rows=len(rows))
    return {
        "since": since,
        "until": until,
        "workers": [
            {
                "worker_id": r.worker_id,
                "name": r.name,
                "kind": r.kind,
                "organization": r.organization,
                "posts": r.posts,
                "person_times": r.person_times,
                "hours": round(r.hours, 2),
                "open": r.open,
            }
            for r in rows
        ],
        "total": {
            "workers": totals.workers,
            "person_times": totals.person_times,
            "hours": round(totals.hours, 2),
            "open": totals.open,
        },
    }


@router.get(
    "/left", response=LeftOut, summary="缺岗：未来 24 小时缺员的班次与开班 15 分钟未到岗的人员"
)
def get_left(request, area: int | None = None):
    user = user_of(request)
    now = timezone.now()
    prefix = _prefix(area)
    gaps = left_svc.understaffed(user, now=now, prefix=prefix) if prefix is not None else []
    missing = left_svc.absent(user, now=now, prefix=prefix) if prefix is not None else []
    if missing:
        record_access(user, "api", _("未到岗人员"), fields="name,phone_masked", rows=len(missing))
    return {
        "at": now,
        "understaffed": [
            {
                "shift_id": g.shift.pk,
                "post_id": g.post.pk,
                "post": g.post.name,
                "place": g.post.place,
                "grid": g.grid,
                "starts_at": g.shift.starts_at,
                "ends_at": g.shift.ends_at,
                "running": g.running,
                "needed": g.needed,
                "assigned": g.assigned,
                "missing": g.missing,
                "leader_name": g.leader_name,
                "leader_phone": g.leader_phone,
            }
            for g in gaps
        ],
        "absent": [
            {
                "assignment_id": a.assignment.pk,
                "shift_id": a.assignment.shift_id,
                "worker_id": a.worker.pk,
                "name": a.worker.name,
                "phone_masked": a.phone,
                "post": a.post.name,
                "grid": a.grid,
                "starts_at": a.assignment.shift.starts_at,
                "ends_at": a.assignment.shift.ends_at,
                "late_minutes": a.late_minutes,
                "leader_name": a.leader_name,
                "leader_phone": a.leader_phone,
            }
            for a in missing
        ],
    }
