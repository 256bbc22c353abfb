"""The commander's board (卡口总览): today's totals per checkpoint, the green-channel passages
at the top (refreshed every 30 s), freight inside and overdue, staff missing from their posts;
a checkpoint's day per shift and per hour with its passages; the .xlsx of the day's figures.
Who stands at the gates comes from the workforce roster (posts linked to the checkpoint), and
the board links to those posts.

A checkpoint or vehicle outside the user's scope is a 404; an action the user's roles do not
allow on one they can see is a 403."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.vary import vary_on_headers

from wangge.core.audit import record_access
from wangge.core.exports import xlsx_response
from wangge.core.mask import mask_name
from wangge.core.scope import CHANGE, EXPORT, VIEW, covers, scope_paths
from wangge.places.paging import paginate
from wangge.workforce.models import Assignment

from . import report
from . import services_board as svc
from . import services_freight as freight_svc
from .models import Checkpoint, FreightVehicle, Passage
from .views_freight import vehicle_rows


def _day(request: HttpRequest) -> dt.date:
    raw = request.GET.get("date", "")
    try:
        return dt.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return timezone.localdate()


def _checkpoint(request: HttpRequest, pk: int) -> Checkpoint:
    return get_object_or_404(
        Checkpoint.objects.for_user(request.user, VIEW).select_related("area"), pk=pk
    )


def _green_today(user, day: dt.date):
    rows = list(
        svc.passages_of_day(day)
        .for_user(user, VIEW)
        .filter(outcome=Passage.Outcome.GREEN)
        .select_related("checkpoint", "person")
        .order_by("-at", "-pk")[:50]
    )
    for p in rows:
        p.who = mask_name(p.person.name) if p.person else ""
    return rows


@login_required
@vary_on_headers("HX-Request")
def board(request: HttpRequest) -> HttpResponse:
    user, now = request.user, timezone.now()
    today = timezone.localdate(now)
    green = _green_today(user, today)
    if request.htmx and request.GET.get("part") == "green":
        return render(request, "checkpoints/board/_green.html", {"green": green})
    checkpoints = list(
        Checkpoint.objects.for_user(user, VIEW).filter(active=True).select_related("area")
    )
    totals = svc.totals_by_checkpoint(checkpoints, today)
    staffing, missing = svc.staffing_now(user, checkpoints, now)
    posts = svc.posts_by_checkpoint(user, checkpoints)
    for cp in checkpoints:
        cp.figures = totals[cp.pk]
        cp.staffing = staffing[cp.pk]
        cp.roster_posts = posts[cp.pk]
        cp.can_post = covers(user, cp.scope_path, CHANGE)
    names = {cp.pk: cp.name for cp in checkpoints}
    for a in missing:
        a.checkpoint_name = names.get(a.post.checkpoint_id, "")
    total = svc.Figures()
    for f in totals.values():
        total.add(f)
    freight = FreightVehicle.objects.for_user(user, VIEW)
    inside = vehicle_rows(freight_svc.inside(freight), now)
    mine = (
        Assignment.objects.filter(worker__user=user, shift__published_at__isnull=False)
        .filter(shift__post__checkpoint__isnull=False, shift__ends_at__gt=now)
        .filter(shift__starts_at__lt=now + dt.timedelta(hours=12))
        .select_related("shift__post__checkpoint")
        .order_by("shift__starts_at", "pk")
    )
    return render(
        request,
        "checkpoints/board/board.html",
        {
            "today": today,
            "checkpoints": checkpoints,
            "total": total,
            "green": green,
            "inside": inside,
            "overdue": [v for v in inside if v.late],
            "missing": missing,
            "mine": mine,
            "fields": svc.FIGURE_FIELDS,
            "can_export": bool(scope_paths(user, EXPORT)),
        },
    )


@login_required
def checkpoint_report(request: HttpRequest, pk: int) -> HttpResponse:
    cp = _checkpoint(request, pk)
    day = _day(request)
    figures = svc.day_figures(cp, day)
    outcome = request.GET.get("outcome", "")
    if outcome not in Passage.Outcome.values:
        outcome = ""
    passages = (
        svc.passages_of_day(day)
        .filter(checkpoint=cp)
        .select_related("person", "recorded_by")
        .order_by("-at", "-pk")
    )
    if outcome:
        passages = passages.filter(outcome=outcome)
    page = paginate(request, passages)
    page.object_list = rows = list(page.object_list)
    for p in rows:
        p.who = mask_name(p.person.name) if p.person else ""
    hours = [(f"{h:02d}", f) for h, f in enumerate(figures.hours)]
    return render(
        request,
        "checkpoints/board/report.html",
        {
            "checkpoint": cp,
            "day": day,
            "prev_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1),
            "figures": figures,
            "posts": svc.posts_by_checkpoint(request.user, [cp])[cp.pk],
            "can_post": covers(request.user, cp.scope_path, CHANGE),
            "hours": [(h, f) for h, f in hours if f.total],
            "chart": svc.hour_chart(figures) if figures.total.total else None,
            "fields": svc.FIGURE_FIELDS,
            "outcome": outcome,
            "outcomes": Passage.Outcome.choices,
            "page": page,
            "can_export": covers(request.user, cp.scope_path, EXPORT),
        },
    )


@login_required
def report_export(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not scope_paths(user, EXPORT):
        raise PermissionDenied
    day = _day(request)
    checkpoints = Checkpoint.objects.for_user(user, EXPORT)
    ref = request.GET.get("checkpoint", "")
    title = _("卡口日报 %(d)s") % {"d": day.isoformat()}
    scope_path = ""
    if ref:
        if not ref.isdigit():
            raise Http404
        cp = _checkpoint(request, int(ref))
        if not covers(user, cp.scope_path, EXPORT):
            raise PermissionDenied
        checkpoints = checkpoints.filter(pk=cp.pk)
        title = f"{cp.name} {title}"
        scope_path = cp.scope_path
    response, count = xlsx_response(
        f"{title}.xlsx".replace(" ", "-"),
        columns=report.columns(),
        rows=report.rows(report.checkpoints_for(checkpoints), day),
        title=title,
        sheet_name=_("卡口日报"),
    )
    record_access(user, "export", title, fields="figures", rows=count, scope_path=scope_path)
    return response
