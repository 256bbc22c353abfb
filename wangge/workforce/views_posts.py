"""Post pages (岗位): the list (search, type, area), creating and editing a post (from a
checkpoint's page with ?checkpoint=<pk>: preset to that gate), a post with its shifts, and
creating one shift or a run of them (a day in 6-hour shifts).

A post outside the user's scope is a 404; changing one the user can only see is a 403."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from wangge.checkpoints.models import Checkpoint
from wangge.core.scope import CHANGE, VIEW, covers, scope_paths
from wangge.people.forms import add_service_errors
from wangge.places.models import Area
from wangge.places.paging import paginate

from . import services_posts as svc
from .forms_roster import PostForm, ShiftsForm, checkpoint_initial
from .models import Post, Shift, Worker

SKILL_LABELS = dict(Worker.Skill.choices)


def skill_names(codes) -> list[str]:
    return [str(SKILL_LABELS.get(c, c)) for c in codes or []]


def get_post(request: HttpRequest, pk: int, action: str = VIEW) -> Post:
    post = get_object_or_404(
        Post.objects.for_user(request.user, VIEW).select_related(
            "area", "checkpoint", "sampling_point", "site"
        ),
        pk=pk,
    )
    if action != VIEW and not covers(request.user, post.scope_path, action):
        raise PermissionDenied
    return post


@login_required
def post_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    posts = Post.objects.for_user(user, VIEW).select_related("area")
    q = request.GET.get("q", "").strip()[:50]
    if q:
        posts = posts.filter(Q(name__icontains=q) | Q(place__icontains=q))
    kind = request.GET.get("kind", "")
    if kind in Post.Kind.values:
        posts = posts.filter(kind=kind)
    else:
        kind = ""
    areas = list(Area.objects.for_user(user, VIEW).order_by("path")[:300])
    area = request.GET.get("area", "")
    chosen = next((a for a in areas if str(a.pk) == area), None)
    if chosen is not None:
        posts = posts.within(chosen.path)
    else:
        area = ""
    show = request.GET.get("show", "")
    if show != "all":
        posts = posts.filter(active=True)
    now = timezone.now()
    posts = posts.annotate(
        upcoming=Count("shifts", filter=Q(shifts__ends_at__gt=now), distinct=True)
    ).order_by("-active", "name", "pk")
    page = paginate(request, posts)
    page.object_list = rows = list(page.object_list)
    for p in rows:
        p.skill_names = skill_names(p.skills)
    return render(
        request,
        "workforce/roster/post_list.html",
        {
            "page": page,
            "q": q,
            "kind": kind,
            "kinds": Post.Kind.choices,
            "areas": areas,
            "area": area,
            "show": show,
            "can_create": bool(scope_paths(user, CHANGE)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def post_create(request: HttpRequest) -> HttpResponse:
    if not scope_paths(request.user, CHANGE):
        raise PermissionDenied
    initial: dict = {"active": True}
    ref = request.GET.get("checkpoint", "")
    if ref:
        # From a checkpoint's page: a checkpoint post at that gate, in its area.
        if not ref.isdigit():
            raise Http404
        checkpoint = get_object_or_404(
            Checkpoint.objects.for_user(request.user, CHANGE).select_related("area"),
            pk=int(ref),
        )
        initial.update(checkpoint_initial(checkpoint))
    form = PostForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            post = svc.create_post(actor=request.user, **form.data_for_service())
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("已新建岗位“%(name)s”，请为它安排班次") % {"name": post.name}
            )
            return redirect("workforce:post_detail", pk=post.pk)
    return render(request, "workforce/roster/post_form.html", {"form": form, "post": None})


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_post(request, pk, CHANGE)
    initial = {name: getattr(post, name) for name in PostForm.FIELDS}
    form = PostForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            svc.update_post(post, form.data_for_service(), actor=request.user)
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存岗位“%(name)s”") % {"name": post.name})
            return redirect("workforce:post_detail", pk=post.pk)
    return render(request, "workforce/roster/post_form.html", {"form": form, "post": post})


def decorate_shift(shift: Shift, now: dt.datetime) -> Shift:
    shift.staffed = len(shift.assignments.all())
    shift.open_places = max(shift.needed - shift.staffed, 0)
    shift.is_past = shift.ends_at <= now
    shift.is_now = shift.starts_at <= now < shift.ends_at
    shift.checked_in = sum(1 for a in shift.assignments.all() if a.checked_in_at)
    return shift


@login_required
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_post(request, pk)
    now = timezone.now()
    past = request.GET.get("past") == "1"
    shifts = post.shifts.all()
    shifts = (
        shifts.filter(ends_at__lte=now).order_by("-starts_at")
        if past
        else shifts.filter(ends_at__gt=now).order_by("starts_at")
    )
    page = paginate(request, shifts.prefetch_related("assignments__worker"))
    page.object_list = [decorate_shift(s, now) for s in page.object_list]
    return render(
        request,
        "workforce/roster/post_detail.html",
        {
            "post": post,
            "page": page,
            "past": past,
            "skill_names": skill_names(post.skills),
            "can_change": covers(request.user, post.scope_path, CHANGE),
            "today": timezone.localdate(now).isoformat(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def shift_create(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_post(request, pk, CHANGE)
    day = timezone.localdate()
    raw = request.GET.get("day", "")
    try:
        day = dt.date.fromisoformat(raw) if raw else day
    except ValueError:
        pass
    initial = {"day": day, "needed": post.headcount, "starts": dt.time(8), "ends": dt.time(14)}
    if request.GET.get("preset") == "24h":
        initial.update(starts=dt.time(0), ends=dt.time(0), slot_hours=6)
    form = ShiftsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            shifts = svc.create_shifts(
                post,
                actor=request.user,
                day=data["day"],
                starts=data["starts"],
                ends=data["ends"],
                slot_hours=data["slot_hours"],
                needed=data["needed"],
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已为“%(post)s”新建 %(n)s 个班次（草稿，发布后人员可见）")
                % {"post": post.name, "n": len(shifts)},
            )
            url = reverse("workforce:roster") + "?day=" + data["day"].isoformat()
            return redirect(url)
    return render(request, "workforce/roster/shift_form.html", {"form": form, "post": post})
