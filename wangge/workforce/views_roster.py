"""The day's roster (排班表): every post × its shifts of a day with staffed/needed, the proposal
that fills the open places, publishing the drafts, and one shift where workers are put on and
taken off by hand.

A shift outside the user's scope is a 404; changing one the user can only see is a 403."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from wangge.core.mask import mask_phone
from wangge.core.scope import CHANGE, VIEW, covers, scope_paths
from wangge.places.models import Area

from . import services_posts as posts_svc
from . import services_roster as svc
from .models import Assignment, Post, Shift, Worker
from .views_posts import decorate_shift, skill_names

MAX_GAPS_SHOWN = 20


def _day(raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return timezone.localdate()


def _area(user, raw: str) -> Area | None:
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    return get_object_or_404(Area.objects.for_user(user, VIEW), pk=raw)


def _roster_url(day: dt.date, area: Area | None) -> str:
    query = {"day": day.isoformat()}
    if area is not None:
        query["area"] = area.pk
    return reverse("workforce:roster") + "?" + urlencode(query)


@login_required
def roster(request: HttpRequest) -> HttpResponse:
    user, now = request.user, timezone.now()
    day = _day(request.GET.get("day", ""))
    area = _area(user, request.GET.get("area", ""))
    shifts = (
        svc.shifts_of_day(day)
        .for_user(user, VIEW)
        .select_related("post__area")
        .prefetch_related("assignments__worker")
        .order_by("post__name", "post_id", "starts_at")
    )
    posts_qs = Post.objects.for_user(user, VIEW).filter(active=True)
    if area is not None:
        shifts = shifts.within(area.path)
        posts_qs = posts_qs.within(area.path)
    groups: OrderedDict[int, dict] = OrderedDict()
    totals = {"needed": 0, "staffed": 0, "drafts": 0, "shifts": 0}
    for shift in shifts:
        decorate_shift(shift, now)
        shift.names = [a.worker.name for a in shift.assignments.all()]
        group = groups.setdefault(shift.post_id, {"post": shift.post, "shifts": []})
        group["shifts"].append(shift)
        totals["needed"] += shift.needed
        totals["staffed"] += min(shift.staffed, shift.needed)
        totals["drafts"] += shift.published_at is None
        totals["shifts"] += 1
    totals["open"] = totals["needed"] - totals["staffed"]
    idle = list(posts_qs.exclude(pk__in=list(groups)).select_related("area")[:100])
    can_change = bool(scope_paths(user, CHANGE))
    return render(
        request,
        "workforce/roster/roster.html",
        {
            "day": day,
            "prev_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1),
            "area": area,
            "areas": Area.objects.for_user(user, VIEW).order_by("path")[:300],
            "groups": list(groups.values()),
            "idle": idle,
            "totals": totals,
            "can_change": can_change,
        },
    )


def _day_action(request: HttpRequest):
    """The day and area a propose/publish POST names; a GET goes back to the roster."""
    day = _day(request.POST.get("day", "") or request.GET.get("day", ""))
    area = _area(request.user, request.POST.get("area", "") or request.GET.get("area", ""))
    return day, area


@login_required
@require_http_methods(["GET", "POST"])
def roster_propose(request: HttpRequest) -> HttpResponse:
    day, area = _day_action(request)
    if request.method != "POST":
        return redirect(_roster_url(day, area))
    if not scope_paths(request.user, CHANGE):
        raise PermissionDenied
    result = svc.propose_detailed(request.user, day, area=area)
    if result.created:
        messages.success(
            request,
            _("已按建议自动安排 %(n)s 人次（草稿，请核对后发布）") % {"n": len(result.created)},
        )
    elif not result.gaps:
        messages.info(request, _("当天没有空缺的岗位需要安排"))
    for gap in result.gaps[:MAX_GAPS_SHOWN]:
        messages.warning(
            request,
            _("未能补齐：%(shift)s 还缺 %(n)s 人（没有空闲、健康且休息充足的人员）")
            % {"shift": gap.label, "n": gap.missing},
        )
    if len(result.gaps) > MAX_GAPS_SHOWN:
        messages.warning(
            request,
            _("另有 %(n)s 个班次未能补齐") % {"n": len(result.gaps) - MAX_GAPS_SHOWN},
        )
    return redirect(_roster_url(day, area))


@login_required
@require_http_methods(["GET", "POST"])
def roster_publish(request: HttpRequest) -> HttpResponse:
    day, area = _day_action(request)
    if request.method != "POST":
        return redirect(_roster_url(day, area))
    if not scope_paths(request.user, CHANGE):
        raise PermissionDenied
    count = svc.publish(request.user, day, area=area)
    if count:
        messages.success(request, _("已发布 %(n)s 个班次，人员可在“我的排班”中查看") % {"n": count})
    else:
        messages.info(request, _("当天没有待发布的班次"))
    return redirect(_roster_url(day, area))


@login_required
@require_http_methods(["GET", "POST"])
def shift_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user, now = request.user, timezone.now()
    shift = get_object_or_404(
        Shift.objects.for_user(user, VIEW).select_related("post__area"), pk=pk
    )
    can_change = covers(user, shift.scope_path, CHANGE)
    day = timezone.localdate(shift.starts_at)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        action = request.POST.get("action", "")
        try:
            if action == "assign":
                worker = _worker(user, shift, request.POST.get("worker", ""))
                svc.assign(shift, worker, actor=user)
                messages.success(request, _("已安排 %(name)s") % {"name": worker.name})
            elif action == "unassign":
                assignment = get_object_or_404(
                    Assignment.objects.select_related("worker"),
                    shift=shift,
                    pk=_int(request.POST.get("assignment", "")),
                )
                svc.unassign(assignment, actor=user)
                messages.success(
                    request, _("已将 %(name)s 移出本班次") % {"name": assignment.worker.name}
                )
            elif action == "delete":
                posts_svc.delete_shift(shift, actor=user)
                messages.success(request, _("已删除班次"))
                return redirect(_roster_url(day, None))
            else:
                messages.error(request, _("请选择要执行的操作"))
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return redirect("workforce:shift_detail", pk=shift.pk)
    shift = Shift.objects.prefetch_related("assignments__worker__organization").get(pk=shift.pk)
    decorate_shift(shift, now)
    rows = list(shift.assignments.all())
    for a in rows:
        a.phone_masked = mask_phone(a.worker.phone)
    candidates = svc.pick_list(user, shift) if can_change else []
    for w in candidates:
        w.skill_names = skill_names(w.skills)
    return render(
        request,
        "workforce/roster/shift_detail.html",
        {
            "shift": shift,
            "post": shift.post,
            "rows": rows,
            "candidates": candidates,
            "free_count": sum(1 for w in candidates if not w.problem),
            "can_change": can_change,
            "roster_url": _roster_url(day, None),
            "post_skills": skill_names(shift.post.skills),
        },
    )


def _int(raw: str) -> int:
    if not raw.isdigit():
        raise Http404
    return int(raw)


def _worker(user, shift: Shift, raw: str) -> Worker:
    if not raw:
        raise ValidationError(_("请选择要安排的人员"))
    worker = Worker.objects.touching(user, VIEW).filter(pk=_int(raw)).first()
    if worker is None:
        raise ValidationError(_("所选人员不存在或不在您的管辖范围内"))
    return worker
