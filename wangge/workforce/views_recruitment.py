"""Recruitment pages (志愿者招募): the list, a new recruitment post, one post with its sign-ups
to approve or decline (approval registers the volunteer as a worker), closing and reopening
it, and the printable poster with the QR code of its public sign-up page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.core.audit import record_access
from wangge.core.mask import mask_phone
from wangge.core.qr import qr_svg
from wangge.core.scope import CHANGE, VIEW, covers, scope_paths
from wangge.people.forms import add_service_errors
from wangge.places.paging import paginate

from . import services_recruitment as svc
from .forms import DecideForm, RecruitmentForm
from .models import Recruitment, SignUp
from .views_workers import skill_labels

STATUS_FILTERS = {"open", "closed", "all"}


def _annotated(qs):
    return qs.select_related("area").annotate(
        n_pending=Count("signups", filter=Q(signups__status=SignUp.Status.PENDING)),
        n_approved=Count("signups", filter=Q(signups__status=SignUp.Status.APPROVED)),
    )


@login_required
def recruitment_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    show = request.GET.get("show", "open")
    show = show if show in STATUS_FILTERS else "open"
    qs = _annotated(Recruitment.objects.for_user(request.user, VIEW))
    if show == "open":
        qs = qs.filter(open=True, ends_at__gt=now)
    elif show == "closed":
        qs = qs.filter(Q(open=False) | Q(ends_at__lte=now))
    page = paginate(request, qs.order_by("-starts_at", "-pk"))
    page.object_list = rows = list(page.object_list)
    for r in rows:
        r.accepting = svc.accepting(r, now)
        r.still_needed = max(r.needed - r.n_approved, 0)
    return render(
        request,
        "workforce/registry/recruitment_list.html",
        {"page": page, "show": show, "can_create": bool(scope_paths(request.user, CHANGE))},
    )


@login_required
def recruitment_create(request: HttpRequest) -> HttpResponse:
    if not scope_paths(request.user, CHANGE):
        raise Http404
    form = RecruitmentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            rec = svc.create_recruitment(
                actor=request.user, area=data.pop("area"), posts=data.pop("posts"), **data
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已发布招募：%(t)s") % {"t": rec.title})
            return redirect("workforce:recruitment_detail", rec.pk)
    return render(request, "workforce/registry/recruitment_form.html", {"form": form})


@login_required
def recruitment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a published recruitment (times, posts, number needed…); its sign-ups stay."""
    rec = _recruitment(request, pk)
    if not covers(request.user, rec.scope_path, CHANGE):
        raise PermissionDenied
    initial = {
        "title": rec.title,
        "area": rec.area,
        "description": rec.description,
        "posts": list(rec.posts.all()),
        "starts_at": timezone.localtime(rec.starts_at),
        "ends_at": timezone.localtime(rec.ends_at),
        "needed": rec.needed,
        "skills": rec.skills,
    }
    form = RecruitmentForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            svc.update_recruitment(rec, data, actor=request.user, posts=data.pop("posts"))
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存招募：%(t)s") % {"t": rec.title})
            return redirect("workforce:recruitment_detail", rec.pk)
    return render(request, "workforce/registry/recruitment_form.html", {"form": form, "rec": rec})


def _recruitment(request: HttpRequest, pk: int) -> Recruitment:
    return get_object_or_404(
        Recruitment.objects.for_user(request.user, VIEW).select_related("area", "created_by"),
        pk=pk,
    )


@login_required
def recruitment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rec = _recruitment(request, pk)
    can_change = covers(request.user, rec.scope_path, CHANGE)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        action = request.POST.get("action")
        if action not in ("close", "reopen"):
            raise Http404
        try:
            svc.close_recruitment(rec, actor=request.user, open=action == "reopen")
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
        else:
            if action == "close":
                messages.success(request, _("已停止招募"))
            else:
                messages.success(request, _("已重新开放报名"))
        return redirect("workforce:recruitment_detail", rec.pk)
    status = request.GET.get("status", SignUp.Status.PENDING)
    status = status if status in SignUp.Status.values or status == "all" else "pending"
    signups = rec.signups.select_related("worker", "decided_by").order_by("created_at", "pk")
    counts = dict(signups.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    if status != "all":
        signups = signups.filter(status=status)
    reveal = request.GET.get("reveal") == "1"
    page = paginate(request, signups)
    page.object_list = rows = list(page.object_list)
    for s in rows:
        s.phone_shown = s.phone if reveal else mask_phone(s.phone)
        s.skill_labels = skill_labels(s.skills)
    if reveal and rows:
        record_access(
            request.user,
            "view",
            rec,
            fields="signup.phone",
            rows=len(rows),
            scope_path=rec.scope_path,
        )
    approved = counts.get(SignUp.Status.APPROVED, 0)
    return render(
        request,
        "workforce/registry/recruitment_detail.html",
        {
            "rec": rec,
            "posts": rec.posts.all(),
            "skills": skill_labels(rec.skills),
            "page": page,
            "status": status,
            "statuses": SignUp.Status.choices,
            "counts": counts,
            "approved": approved,
            "still_needed": max(rec.needed - approved, 0),
            "accepting": svc.accepting(rec),
            "can_change": can_change,
            "reveal": reveal,
            "public_url": reverse("workforce:public_signup", args=[svc.recruitment_token(rec)]),
        },
    )


@login_required
def recruitment_poster(request: HttpRequest, pk: int) -> HttpResponse:
    rec = _recruitment(request, pk)
    url = request.build_absolute_uri(
        reverse("workforce:public_signup", args=[svc.recruitment_token(rec)])
    )
    return render(
        request,
        "workforce/registry/recruitment_poster.html",
        {
            "rec": rec,
            "posts": rec.posts.all(),
            "skills": skill_labels(rec.skills),
            "still_needed": svc.still_needed(rec),
            "qr": qr_svg(url),
            "url": url,
        },
    )


@login_required
@require_POST
def signup_decide(request: HttpRequest, pk: int) -> HttpResponse:
    signup = get_object_or_404(
        SignUp.objects.for_user(request.user, VIEW).select_related("recruitment"), pk=pk
    )
    if not covers(request.user, signup.scope_path, CHANGE):
        raise PermissionDenied
    form = DecideForm(request.POST)
    back = reverse("workforce:recruitment_detail", args=[signup.recruitment_id])
    if not form.is_valid():
        messages.error(request, _("请选择通过或不通过"))
        return redirect(back)
    try:
        if form.cleaned_data["action"] == "approve":
            worker = svc.approve(signup, actor=request.user)
            messages.success(
                request, _("已通过 %(name)s 的报名，已登记为志愿者") % {"name": worker.name}
            )
        else:
            svc.decline(signup, actor=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("已标记 %(name)s 的报名为未通过") % {"name": signup.name})
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    return redirect(back)
