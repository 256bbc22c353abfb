"""The call-down schedule pages: the schedule per point (propose, move a slot), the call-down
texts per grid (copy into the WeChat group, mark notified), the printable sheet per point and
the door-to-door lists per team. Slots and door visits are scoped to the units and households
the user covers; planning actions need CHANGE on the round's area."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Min, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.core.audit import record_access
from wangge.core.models import AccessLog
from wangge.core.scope import CHANGE, VIEW, scope_paths

from . import services_plan as plan
from .forms_plan import SlotMoveForm, VisitTeamForm
from .models import DoorVisit, SamplingPoint, ScheduleSlot
from .schedule import point_plan, propose_schedule, unscheduled_units
from .schedule_texts import grid_texts, hm, mark_notified, move_slot, reassign_visit, sheet_rows
from .views_plan import form_page, get_round, write_form

SLOT_RELATED = ("unit__building__area", "unit__building__estate", "point")


def _slots(user, rnd, action: str = VIEW):
    return (
        ScheduleSlot.objects.for_user(user, action).filter(round=rnd).select_related(*SLOT_RELATED)
    )


def _int(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


@login_required
def schedule(request, pk: int):
    rnd = get_round(request.user, pk)
    points = list(rnd.points.select_related("area").prefetch_related("tables").order_by("number"))
    stats = {
        row["point"]: row
        for row in _slots(request.user, rnd)
        .values("point")
        .annotate(
            n=Count("pk"), people=Sum("expected"), first=Min("starts_at"), last=Max("ends_at")
        )
    }
    for p in points:
        p.stats = stats.get(p.pk, {})
        p.plan = point_plan(rnd, p)
    chosen = _int(request.GET.get("point"))
    current = next((p for p in points if p.pk == chosen), points[0] if points else None)
    rows = sheet_rows(_slots(request.user, rnd).filter(point=current)) if current else []
    capacity = current.plan.caps[0] if current and current.plan.caps else 0
    context = {
        "round": rnd,
        "can_plan": plan.can_plan(request.user, rnd),
        "points": points,
        "current": current,
        "rows": rows,
        "capacity": capacity,
        "unscheduled": unscheduled_units(rnd, request.user),
    }
    return render(request, "testing/plan/schedule.html", context)


@login_required
@require_POST
def schedule_propose(request, pk: int):
    rnd = get_round(request.user, pk, change=True)
    try:
        result = propose_schedule(rnd, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("testing:round_detail", rnd.pk)
    messages.success(
        request,
        _(
            "已生成排班：%(units)s 个单元，%(people)s 人，保留人工调整 %(kept)s 个；"
            "上门采样 %(door)s 人。"
        )
        % {
            "units": result.units,
            "people": result.people,
            "kept": result.kept,
            "door": result.door_visits,
        },
    )
    if result.overflow:
        messages.warning(
            request,
            _("有 %(n)s 个单元（%(people)s 人）当天排不下，请增加采样台或延长时间。")
            % {"n": len(result.overflow), "people": result.overflow_people},
        )
    return redirect("testing:schedule", rnd.pk)


@login_required
def slot_move(request, pk: int):
    slot = get_object_or_404(
        ScheduleSlot.objects.filter(round__in=plan.planned_by(request.user)).select_related(
            "round__area", *SLOT_RELATED
        ),
        pk=pk,
    )
    rnd = slot.round
    initial = {"point": slot.point, "start": timezone.localtime(slot.starts_at).time()}
    form = SlotMoveForm(request.POST or None, rnd=rnd, initial=initial)
    if form.is_valid():
        cd = form.cleaned_data
        moved = write_form(
            form,
            lambda: move_slot(slot, point=cd["point"], start=cd["start"], actor=request.user),
        )
        if moved:
            messages.success(request, _("已调整：%(unit)s") % {"unit": slot.unit})
            if moved.over:
                messages.warning(
                    request,
                    _("该时段预计 %(load)s 人，超过采样能力 %(cap)s 人，可能排队。")
                    % {"load": moved.load, "cap": moved.capacity},
                )
            return redirect(reverse("testing:schedule", args=[rnd.pk]) + f"?point={slot.point_id}")
    title = _("调整下楼时段：%(unit)s（%(point)s %(start)s，%(n)s 人）") % {
        "unit": slot.unit,
        "point": slot.point.name,
        "start": hm(slot.starts_at),
        "n": slot.expected,
    }
    back = reverse("testing:schedule", args=[rnd.pk]) + f"?point={slot.point_id}"
    return form_page(request, form, title, rnd, back)


@login_required
@require_POST
def slot_notified(request, pk: int):
    slot = get_object_or_404(
        ScheduleSlot.objects.for_user(request.user, CHANGE).select_related("round"), pk=pk
    )
    mark_notified(slot, actor=request.user, notified=request.POST.get("undo") != "1")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
        back = reverse("testing:callouts", args=[slot.round_id])
    return redirect(back)


@login_required
def callouts(request, pk: int):
    rnd = get_round(request.user, pk)
    slots = _slots(request.user, rnd)
    grid = _int(request.GET.get("grid"))
    groups = grid_texts(slots)
    grids = [g.grid for g in groups]
    if grid is not None:
        groups = [g for g in groups if g.grid.pk == grid]
    context = {
        "round": rnd,
        "groups": groups,
        "grids": grids,
        "grid": grid,
        "can_notify": bool(scope_paths(request.user, CHANGE)),
    }
    return render(request, "testing/plan/callouts.html", context)


@login_required
def point_sheet(request, pk: int):
    point = get_object_or_404(
        SamplingPoint.objects.filter(round__in=plan.visible_rounds(request.user))
        .select_related("round__area", "area", "estate")
        .prefetch_related("tables"),
        pk=pk,
    )
    rnd = point.round
    rows = sheet_rows(_slots(request.user, rnd).filter(point=point))
    pp = point_plan(rnd, point)
    context = {
        "round": rnd,
        "point": point,
        "rows": rows,
        "capacity": pp.caps[0] if pp.caps else 0,
        "total": sum(r.expected for r in rows),
    }
    return render(request, "testing/plan/point_sheet.html", context)


@login_required
def door_list(request, pk: int):
    rnd = get_round(request.user, pk)
    visits = (
        DoorVisit.objects.for_user(request.user, VIEW)
        .filter(round=rnd)
        .select_related("person", "household__building__estate", "household__unit", "team")
        .order_by("team__name", "scope_path", "household__floor", "household__room", "pk")
    )
    teams = list(rnd.door_teams.order_by("name"))
    team = _int(request.GET.get("team"))
    if team is not None:
        visits = visits.filter(team_id=team)
    elif request.GET.get("team") == "none":
        visits = visits.filter(team__isnull=True)
    grouped: dict = defaultdict(lambda: defaultdict(list))
    for v in visits:
        grouped[v.team][v.household.building].append(v)
    sections = [(t, list(b.items())) for t, b in grouped.items()]
    total = sum(len(vs) for _t, blds in sections for _b, vs in blds)
    if total:
        record_access(
            request.user,
            AccessLog.Kind.VIEW,
            _("上门采样名单：%(round)s") % {"round": rnd},
            fields="name,phone(masked),address",
            rows=total,
            scope_path=rnd.scope_path,
        )
    context = {
        "round": rnd,
        "sections": sections,
        "teams": teams,
        "team": team,
        "total": total,
        "can_plan": plan.can_plan(request.user, rnd),
    }
    return render(request, "testing/plan/door_list.html", context)


@login_required
@require_POST
def visit_team(request, pk: int):
    visit = get_object_or_404(
        DoorVisit.objects.filter(round__in=plan.planned_by(request.user)).select_related(
            "round__area"
        ),
        pk=pk,
    )
    form = VisitTeamForm(request.POST, rnd=visit.round)
    if form.is_valid():
        reassign_visit(visit, form.cleaned_data["team"], actor=request.user)
        messages.success(request, _("已重新分配上门采样组"))
    else:
        messages.error(request, _("请选择本轮的上门采样组"))
    return redirect("testing:door_list", visit.round_id)
