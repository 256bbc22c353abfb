"""Setting up gates (卡口设置): the checkpoints in scope with today's figures, creating and
editing one, its detail page (rules, estates, links to the gate page, its workforce posts and
report), and an estate's pass policy.

Objects outside the user's scope are 404; a page whose action the user's role lacks is 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from wangge.core.scope import CHANGE, VIEW, covers, scope_paths
from wangge.people.forms import add_service_errors
from wangge.places.models import Estate
from wangge.places.paging import paginate
from wangge.workforce.models import Post

from . import services_setup as svc
from .forms_setup import CheckpointForm, PolicyForm
from .models import Checkpoint, PassPolicy

# --- checkpoints --------------------------------------------------------------------------


@login_required
def checkpoint_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    qs = Checkpoint.objects.for_user(user, VIEW).select_related("area").prefetch_related("estates")
    page = paginate(request, qs)
    page.object_list = rows = list(page.object_list)
    counts = svc.today_counts(Checkpoint.objects.filter(pk__in=[c.pk for c in rows]))
    for c in rows:
        c.today = counts.get(c.pk, {"out": 0, "in": 0, "refused": 0})
    return render(
        request,
        "checkpoints/setup/checkpoint_list.html",
        {"page": page, "can_create": bool(scope_paths(user, CHANGE))},
    )


def _save(request: HttpRequest, form: CheckpointForm, checkpoint: Checkpoint | None):
    data = dict(form.cleaned_data)
    estates = data.pop("estates")
    try:
        return svc.save_checkpoint(data, actor=request.user, estates=estates, checkpoint=checkpoint)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        add_service_errors(form, exc)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def checkpoint_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not scope_paths(user, CHANGE):
        raise PermissionDenied(_("您没有设置卡口的权限"))
    form = CheckpointForm(request.POST or None, user=user, estates=svc.checkpoint_estates(user))
    if request.method == "POST" and form.is_valid():
        checkpoint = _save(request, form, None)
        if checkpoint is not None:
            messages.success(request, _("已新建卡口“%(name)s”") % {"name": checkpoint.name})
            return redirect("checkpoints:checkpoint_detail", pk=checkpoint.pk)
    return render(
        request, "checkpoints/setup/checkpoint_form.html", {"form": form, "checkpoint": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def checkpoint_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    checkpoint = get_object_or_404(Checkpoint.objects.for_user(user, CHANGE), pk=pk)
    # Estates already served stay choosable (and kept) even if outside the user's scope.
    estates = Estate.objects.filter(
        Q(pk__in=svc.checkpoint_estates(user).values("pk")) | Q(checkpoints=checkpoint)
    ).distinct()
    form = CheckpointForm(request.POST or None, user=user, estates=estates, instance=checkpoint)
    if request.method == "POST" and form.is_valid():
        kept = [e for e in checkpoint.estates.all() if not covers(user, e.scope_path, CHANGE)]
        chosen = list(form.cleaned_data["estates"])
        form.cleaned_data["estates"] = chosen + [e for e in kept if e not in chosen]
        if _save(request, form, checkpoint) is not None:
            messages.success(request, _("已保存卡口“%(name)s”") % {"name": checkpoint.name})
            return redirect("checkpoints:checkpoint_detail", pk=checkpoint.pk)
    return render(
        request,
        "checkpoints/setup/checkpoint_form.html",
        {"form": form, "checkpoint": checkpoint},
    )


@login_required
def checkpoint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    checkpoint = get_object_or_404(
        Checkpoint.objects.for_user(user, VIEW).select_related("area"), pk=pk
    )
    estates = list(checkpoint.estates.order_by("name", "pk"))
    policies = {p.estate_id: p for p in PassPolicy.objects.filter(estate__in=estates)}
    for e in estates:
        e.rule = svc.describe_policy(policies.get(e.pk))
        e.can_policy = covers(user, e.scope_path, CHANGE)
    counts = svc.today_counts(Checkpoint.objects.filter(pk=checkpoint.pk))
    posts = (
        Post.objects.for_user(user, VIEW)
        .filter(checkpoint=checkpoint)
        .order_by("-active", "name", "pk")
    )
    return render(
        request,
        "checkpoints/setup/checkpoint_detail.html",
        {
            "checkpoint": checkpoint,
            "estates": estates,
            "posts": list(posts),
            "today": counts.get(checkpoint.pk, {"out": 0, "in": 0, "refused": 0}),
            "can_change": covers(user, checkpoint.scope_path, CHANGE),
        },
    )


# --- the pass policy ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    estate = get_object_or_404(Estate.objects.for_user(user, CHANGE), pk=pk)
    policy = PassPolicy.objects.filter(estate=estate).first()
    initial = {"persons": 1, "period_days": 1}
    if policy is not None:
        initial = {
            "persons": policy.persons,
            "period_days": policy.period_days,
            "hours_out": policy.hours_out,
        }
    form = PolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            policy = svc.save_policy(
                estate,
                actor=user,
                persons=data["persons"],
                period_days=data["period_days"],
                hours_out=data["hours_out"],
                starts_on=data["starts_on"],
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(estate)s的出入规则：%(rule)s")
                % {"estate": estate.name, "rule": svc.describe_policy(policy)},
            )
            return redirect(f"{reverse('checkpoints:pass_list')}?estate={estate.pk}")
    return render(
        request,
        "checkpoints/setup/policy_form.html",
        {"form": form, "estate": estate, "policy": policy, "rule": svc.describe_policy(policy)},
    )
