"""Planning pages: the rounds list, a round's hub page, and the forms for the round, its points,
tables and door-to-door teams. Reads go through visible_rounds / for_user (404 outside scope);
writes need CHANGE on the round's area and go through services_plan."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.core.scope import VIEW
from wangge.core.services import field_errors
from wangge.places.crumbs import Crumb
from wangge.places.paging import paginate

from . import services_plan as plan
from .forms_plan import PointForm, RoundForm, TableForm, TeamForm
from .models import DoorTeam, DoorVisit, Round, Sample, SamplingPoint, SamplingTable, ScheduleSlot
from .queries import target_persons


def get_round(user, pk: int, *, change: bool = False) -> Round:
    """A round the user sees (404 otherwise); with `change`, one they may plan (404 too)."""
    rounds = plan.planned_by(user) if change else plan.visible_rounds(user)
    return get_object_or_404(rounds.select_related("area", "previous"), pk=pk)


def write_form(form, write: Callable[[], object]):
    """Run a service write; its validation errors go onto the form."""
    try:
        return write()
    except ValidationError as exc:
        form.add_service_errors(field_errors(exc))
    return None


def round_crumbs(rnd: Round | None, title: str) -> list[Crumb]:
    """核酸检测 › the round › this page."""
    crumbs = [Crumb(_("核酸检测"), reverse("testing:round_list"))]
    if rnd is not None:
        crumbs.append(Crumb(str(rnd), reverse("testing:round_detail", args=[rnd.pk])))
    return [*crumbs, Crumb(title, None)]


def form_page(request, form, title: str, rnd: Round | None, cancel_url: str = ""):
    """The shared form page of places (fields, errors, save / cancel) under the round."""
    back = reverse("testing:round_detail", args=[rnd.pk]) if rnd else reverse("testing:round_list")
    context = {
        "form": form,
        "title": title,
        "crumbs": round_crumbs(rnd, title),
        "cancel_url": cancel_url or back,
    }
    return render(request, "places/form.html", context)


def progress(rounds: list[Round], user) -> None:
    """Set .expected (target persons in the user's scope) and .sampled (distinct persons with a
    sample) on each round: one query per distinct target, one for all the samples."""
    cache: dict[tuple, int] = {}
    for rnd in rounds:
        buildings = tuple(sorted(b.pk for b in rnd.target_buildings.all()))
        key = (rnd.area_id, rnd.target, rnd.target_group, buildings)
        if key not in cache:
            cache[key] = target_persons(rnd).for_user(user, VIEW).count()
        rnd.expected = cache[key]
    sampled = dict(
        Sample.objects.for_user(user, VIEW)
        .filter(round__in=rounds)
        .values("round")
        .annotate(n=Count("person", distinct=True))
        .values_list("round", "n")
    )
    for rnd in rounds:
        rnd.sampled = sampled.get(rnd.pk, 0)


@login_required
def round_list(request):
    rounds = (
        plan.visible_rounds(request.user)
        .select_related("area")
        .prefetch_related("target_buildings")
        .order_by("-date", "-number", "-pk")
    )
    page = paginate(request, rounds, per_page=20)
    progress(list(page.object_list), request.user)
    can_create = RoundForm(user=request.user).fields["area"].queryset.exists()
    return render(request, "testing/plan/round_list.html", {"page": page, "can_create": can_create})


@login_required
def round_create(request):
    form = RoundForm(request.POST or None, user=request.user)
    if not form.fields["area"].queryset.exists():
        raise Http404
    if form.is_valid():
        cd = form.cleaned_data
        rnd = write_form(form, lambda: plan.create_round(actor=request.user, **cd))
        if rnd:
            messages.success(request, _("已创建：%(round)s") % {"round": rnd})
            return redirect("testing:round_detail", rnd.pk)
    return form_page(request, form, _("新建检测轮次"), None)


@login_required
def round_edit(request, pk: int):
    rnd = get_round(request.user, pk, change=True)
    initial = {f: getattr(rnd, f) for f in plan.ROUND_FIELDS}
    initial["target_buildings"] = list(rnd.target_buildings.all())
    form = RoundForm(request.POST or None, user=request.user, instance=rnd, initial=initial)
    if form.is_valid() and write_form(
        form, lambda: plan.update_round(rnd, form.cleaned_data, actor=request.user)
    ):
        messages.success(request, _("轮次信息已保存"))
        return redirect("testing:round_detail", rnd.pk)
    return form_page(request, form, _("编辑检测轮次"), rnd)


@login_required
@require_POST
def round_status(request, pk: int):
    rnd = get_round(request.user, pk, change=True)
    try:
        plan.set_round_status(rnd, request.POST.get("status", ""), actor=request.user)
        messages.success(request, _("轮次状态：%(s)s") % {"s": rnd.get_status_display()})
    except (ValidationError, ValueError):
        messages.error(request, _("无法更改轮次状态"))
    return redirect("testing:round_detail", rnd.pk)


@login_required
def round_detail(request, pk: int):
    rnd = get_round(request.user, pk)
    user = request.user
    progress([rnd], user)
    points = list(
        rnd.points.select_related("area", "estate")
        .prefetch_related("tables")
        .annotate(n_slots=Count("slots"), people=Sum("slots__expected"))
        .order_by("number")
    )
    slots = ScheduleSlot.objects.for_user(user, VIEW).filter(round=rnd)
    visits = DoorVisit.objects.for_user(user, VIEW).filter(round=rnd)
    teams = list(
        rnd.door_teams.select_related("area").annotate(n_visits=Count("visits")).order_by("name")
    )
    summary = slots.aggregate(n=Count("pk"), people=Sum("expected"), notified=Count("notified_at"))
    context = {
        "round": rnd,
        "can_plan": plan.can_plan(user, rnd),
        "points": points,
        "teams": teams,
        "summary": summary,
        "door_count": visits.count(),
        "door_unassigned": visits.filter(team__isnull=True).count(),
        "previous_visible": rnd.previous_id
        and plan.visible_rounds(user).filter(pk=rnd.previous_id).exists(),
        "status_moves": plan.STATUS_MOVES.get(rnd.status, ()),
        "buildings": list(rnd.target_buildings.all()) if rnd.target == "buildings" else [],
    }
    return render(request, "testing/plan/round_detail.html", context)


# --- points, tables, teams --------------------------------------------------------------------


def _point(user, pk: int) -> SamplingPoint:
    return get_object_or_404(
        SamplingPoint.objects.filter(round__in=plan.planned_by(user)).select_related("round__area"),
        pk=pk,
    )


POINT_FIELDS = ["number", "name", "location", "area", "estate", "leader_name", "leader_phone"]


@login_required
def point_create(request, pk: int):
    rnd = get_round(request.user, pk, change=True)
    form = PointForm(request.POST or None, rnd=rnd, initial={"area": rnd.area})
    if form.is_valid() and (
        point := write_form(
            form, lambda: plan.add_point(rnd, actor=request.user, **form.cleaned_data)
        )
    ):
        messages.success(request, _("已新增采样点：%(name)s") % {"name": point.name})
        return redirect("testing:round_detail", rnd.pk)
    return form_page(request, form, _("新增采样点"), rnd)


@login_required
def point_edit(request, pk: int):
    point = _point(request.user, pk)
    fields = [*POINT_FIELDS, "opens_at", "closes_at"]
    form = PointForm(
        request.POST or None,
        rnd=point.round,
        initial={f: getattr(point, f) for f in fields},
    )
    if form.is_valid() and write_form(
        form, lambda: plan.update_point(point, form.cleaned_data, actor=request.user)
    ):
        messages.success(request, _("采样点已保存"))
        return redirect("testing:round_detail", point.round_id)
    return form_page(request, form, _("编辑采样点"), point.round)


def _delete_page(request, obj, title: str, warning: str, rnd: Round, delete):
    if request.method == "POST":
        delete(obj, actor=request.user)
        messages.success(request, _("已删除：%(obj)s") % {"obj": obj})
        return redirect("testing:round_detail", rnd.pk)
    return render(
        request,
        "testing/plan/confirm_delete.html",
        {"obj": obj, "title": title, "warning": warning, "round": rnd},
    )


@login_required
def point_delete(request, pk: int):
    point = _point(request.user, pk)
    warning = _("该采样点的采样台和下楼时段将一并删除，相关单元需重新排班。")
    return _delete_page(request, point, _("删除采样点"), warning, point.round, plan.delete_point)


@login_required
def table_create(request, pk: int):
    point = _point(request.user, pk)
    form = TableForm(request.POST or None)
    if form.is_valid() and write_form(
        form, lambda: plan.add_table(point, actor=request.user, **form.cleaned_data)
    ):
        messages.success(request, _("已为%(point)s新增采样台") % {"point": point.name})
        return redirect("testing:round_detail", point.round_id)
    return form_page(request, form, _("%(point)s：新增采样台") % {"point": point.name}, point.round)


def _table(user, pk: int) -> SamplingTable:
    return get_object_or_404(
        SamplingTable.objects.filter(point__round__in=plan.planned_by(user)).select_related(
            "point__round__area"
        ),
        pk=pk,
    )


@login_required
def table_edit(request, pk: int):
    table = _table(request.user, pk)
    fields = ["number", "leader_name", "leader_phone", "rate_per_hour"]
    form = TableForm(request.POST or None, initial={f: getattr(table, f) for f in fields})
    if form.is_valid() and write_form(
        form, lambda: plan.update_table(table, form.cleaned_data, actor=request.user)
    ):
        messages.success(request, _("采样台已保存"))
        return redirect("testing:round_detail", table.point.round_id)
    return form_page(request, form, _("编辑采样台") + " · " + str(table), table.point.round)


@login_required
def table_delete(request, pk: int):
    table = _table(request.user, pk)
    return _delete_page(request, table, _("删除采样台"), "", table.point.round, plan.delete_table)


def _team(user, pk: int) -> DoorTeam:
    return get_object_or_404(
        DoorTeam.objects.filter(round__in=plan.planned_by(user)).select_related("round__area"),
        pk=pk,
    )


TEAM_FIELDS = ["name", "area", "leader_name", "leader_phone", "members"]


@login_required
def team_create(request, pk: int):
    rnd = get_round(request.user, pk, change=True)
    form = TeamForm(request.POST or None, rnd=rnd, initial={"area": rnd.area})
    if form.is_valid() and write_form(
        form, lambda: plan.add_team(rnd, actor=request.user, **form.cleaned_data)
    ):
        messages.success(request, _("已新增上门采样组"))
        return redirect("testing:round_detail", rnd.pk)
    return form_page(request, form, _("新增上门采样组"), rnd)


@login_required
def team_edit(request, pk: int):
    team = _team(request.user, pk)
    form = TeamForm(
        request.POST or None, rnd=team.round, initial={f: getattr(team, f) for f in TEAM_FIELDS}
    )
    if form.is_valid() and write_form(
        form, lambda: plan.update_team(team, form.cleaned_data, actor=request.user)
    ):
        messages.success(request, _("上门采样组已保存"))
        return redirect("testing:round_detail", team.round_id)
    return form_page(request, form, _("编辑上门采样组"), team.round)


@login_required
def team_delete(request, pk: int):
    team = _team(request.user, pk)
    warning = _("该组的上门采样名单将变为未分配，可在上门名单中重新分配。")
    return _delete_page(request, team, _("删除上门采样组"), warning, team.round, plan.delete_team)
