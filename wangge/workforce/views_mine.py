"""My shifts (我的排班), a phone page: the signed-in user's published shifts today and in the
next days, each with a big check-in / check-out button. The POST carries a UUID made when the
page was drawn, so a button pressed twice on a bad network records one check-in."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.core.scope import CHANGE, scope_paths

from . import services_checkin as checkins
from . import services_roster as svc
from .models import Assignment, Worker

DAYS_AHEAD = 7


def my_worker(user) -> Worker | None:
    return Worker.objects.filter(user=user).first() if user.is_authenticated else None


def assignment_state(a: Assignment, now: dt.datetime) -> str:
    """done | on | ready (may check in now) | later | missed."""
    if a.checked_out_at:
        return "done"
    if a.checked_in_at:
        return "on"
    if now >= a.shift.ends_at:
        return "missed"
    if now >= a.shift.starts_at - checkins.EARLY_CHECK_IN:
        return "ready"
    return "later"


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    worker = my_worker(request.user)
    now = timezone.now()
    today = timezone.localdate(now)
    start, _end = svc.day_bounds(today)
    days: list[dict] = []
    if worker is not None:
        rows = (
            Assignment.objects.filter(worker=worker, shift__published_at__isnull=False)
            .filter(
                Q(shift__ends_at__gt=start) | Q(checked_in_at__isnull=False, checked_out_at=None)
            )
            .filter(shift__starts_at__lt=start + dt.timedelta(days=DAYS_AHEAD + 1))
            .select_related("shift__post__area")
            .order_by("shift__starts_at", "pk")
        )
        by_day: dict[dt.date, list] = {}
        for a in rows:
            a.state = assignment_state(a, now)
            a.uuid = uuid.uuid4()
            by_day.setdefault(timezone.localdate(a.shift.starts_at), []).append(a)
        days = [{"day": d, "rows": rs, "is_today": d == today} for d, rs in by_day.items()]
    return render(
        request,
        "workforce/roster/mine.html",
        {
            "worker": worker,
            "days": days,
            "can_roster": bool(scope_paths(request.user, CHANGE)),
        },
    )


@login_required
@require_POST
def checkin(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    own = Assignment.objects.filter(worker__user=user)
    managed = Assignment.objects.for_user(user, CHANGE)
    assignment = get_object_or_404(
        (own | managed).select_related("shift__post", "worker").distinct(), pk=pk
    )
    action = request.POST.get("action", "")
    raw = request.POST.get("client_uuid", "")
    try:
        client_uuid = uuid.UUID(raw) if raw else None
    except ValueError:
        client_uuid = None
    try:
        if action == "in":
            a, created = checkins.record_check_in(assignment, actor=user, client_uuid=client_uuid)
            at = timezone.localtime(a.checked_in_at).strftime("%H:%M")
            if created:
                messages.success(request, _("签到成功，到岗时间 %(at)s") % {"at": at})
            else:
                messages.info(request, _("已于 %(at)s 签到，无需重复签到") % {"at": at})
        elif action == "out":
            a, created = checkins.record_check_out(assignment, actor=user, client_uuid=client_uuid)
            at = timezone.localtime(a.checked_out_at).strftime("%H:%M")
            if created:
                messages.success(request, _("签退成功，离岗时间 %(at)s，辛苦了！") % {"at": at})
            else:
                messages.info(request, _("已于 %(at)s 签退") % {"at": at})
        else:
            messages.error(request, _("请选择签到或签退"))
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    if assignment.worker.user_id == user.pk:
        return redirect("workforce:mine")
    return redirect("workforce:shift_detail", pk=assignment.shift_id)
