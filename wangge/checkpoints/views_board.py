"""The commander's board (卡口总览): today's totals per checkpoint, the green-channel passages
at the top (refreshed every 30 s), freight inside and overdue, staff missing from their posts;
a checkpoint's day per shift and per hour with its passages; the .xlsx of the day's figures;
shifts and the phone page "my shift"; closed-loop freight in, out and overdue.

A checkpoint, shift member or vehicle outside the user's scope is a 404; an action the user's
roles do not allow on one they can see is a 403."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from wangge.core.audit import record_access
from wangge.core.exports import xlsx_response
from wangge.core.mask import mask_name, mask_phone
from wangge.core.scope import CHANGE, EXPORT, VIEW, covers, scope_paths
from wangge.people.forms import add_service_errors
from wangge.places.paging import paginate

from . import report
from . import services_board as svc
from . import services_freight as freight_svc
from . import services_shifts as shift_svc
from .forms_board import ShiftForm
from .models import Checkpoint, FreightVehicle, Passage, ShiftMember
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
    for cp in checkpoints:
        cp.figures = totals[cp.pk]
    total = svc.Figures()
    for f in totals.values():
        total.add(f)
    freight = FreightVehicle.objects.for_user(user, VIEW)
    inside = vehicle_rows(freight_svc.inside(freight), now)
    missing = list(shift_svc.missing_now(ShiftMember.objects.for_user(user, VIEW), now))
    for m in missing:
        m.status_label = shift_svc.STATUS_LABELS[shift_svc.member_status(m, now)]
        m.phone_masked = mask_phone(m.phone)
    mine = (
        ShiftMember.objects.filter(user=user, shift__ends_at__gt=now)
        .filter(shift__starts_at__lt=now + dt.timedelta(hours=12))
        .select_related("shift__checkpoint")
        .order_by("shift__starts_at")
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


# --- shifts ----------------------------------------------------------------------------------


@login_required
def shift_list(request: HttpRequest, pk: int) -> HttpResponse:
    cp = _checkpoint(request, pk)
    day, now = _day(request), timezone.now()
    shifts = list(svc.shifts_of_day(cp, day).prefetch_related("members"))
    for shift in shifts:
        shift.label = shift_svc.shift_label(shift)
        shift.rows = list(shift.members.all())
        for m in shift.rows:
            m.shift = shift
            m.status = shift_svc.member_status(m, now)
            m.status_label = shift_svc.STATUS_LABELS[m.status]
            m.phone_masked = mask_phone(m.phone)
            m.can_check = shift_svc.may_check(request.user, m)
        shift.on_post = sum(1 for m in shift.rows if m.status == "on")
    return render(
        request,
        "checkpoints/board/shift_list.html",
        {
            "checkpoint": cp,
            "day": day,
            "prev_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1),
            "shifts": shifts,
            "can_create": covers(request.user, cp.scope_path, CHANGE),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def shift_create(request: HttpRequest, pk: int) -> HttpResponse:
    cp = _checkpoint(request, pk)
    if not covers(request.user, cp.scope_path, CHANGE):
        raise PermissionDenied
    users = shift_svc.users_in_scope(request.user)
    initial = {"day": _day(request), "starts": dt.time(8), "ends": dt.time(20)}
    form = ShiftForm(request.POST or None, users=users, initial=initial)
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.times()
        try:
            shift = shift_svc.create_shift(
                cp,
                actor=request.user,
                starts_at=starts_at,
                ends_at=ends_at,
                needed=form.cleaned_data["needed"],
                users=form.cleaned_data["users"],
                names=form.typed_names(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已安排班次 %(s)s") % {"s": shift_svc.shift_label(shift)})
            day = timezone.localdate(shift.starts_at).isoformat()
            return redirect(reverse("checkpoints:shift_list", args=[cp.pk]) + f"?date={day}")
    return render(request, "checkpoints/board/shift_form.html", {"checkpoint": cp, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def shift_checkin(request: HttpRequest, pk: int) -> HttpResponse:
    """My shift (phone page): check in at the post, check out when leaving."""
    user = request.user
    members = ShiftMember.objects.for_user(user, VIEW) | ShiftMember.objects.filter(user=user)
    member = get_object_or_404(members.select_related("shift__checkpoint", "user"), pk=pk)
    if request.method == "POST":
        if not shift_svc.may_check(user, member):
            raise PermissionDenied
        action = request.POST.get("action", "")
        try:
            if action == "in":
                shift_svc.check_in(member, actor=user)
                messages.success(request, _("%(name)s 已到岗签到") % {"name": member.name})
            elif action == "out":
                shift_svc.check_out(member, actor=user)
                messages.success(request, _("%(name)s 已签退离岗") % {"name": member.name})
            else:
                messages.error(request, _("请选择签到或签退"))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return redirect("checkpoints:shift_checkin", pk=member.pk)
    now = timezone.now()
    shift = member.shift
    others = list(shift.members.exclude(pk=member.pk))
    for m in others:
        m.shift = shift
        m.status_label = shift_svc.STATUS_LABELS[shift_svc.member_status(m, now)]
    status = shift_svc.member_status(member, now)
    return render(
        request,
        "checkpoints/board/shift_checkin.html",
        {
            "member": member,
            "shift": shift,
            "label": shift_svc.shift_label(shift),
            "status": status,
            "status_label": shift_svc.STATUS_LABELS[status],
            "others": others,
            "can_check": shift_svc.may_check(user, member),
            "can_see_checkpoint": covers(user, shift.checkpoint.scope_path, VIEW),
        },
    )
