"""Passes (出入证): the passes of an estate (search, status, print, revoke), issuing passes for
an estate, printing them as one PDF, and revoking the passes of sealed households.

Objects outside the user's scope are 404; a page whose action the user's role lacks is 403.
Every printed PDF is written to the access log."""

from __future__ import annotations

from os.path import commonprefix

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from wangge.core.audit import record_access
from wangge.core.exports import content_disposition
from wangge.core.mask import mask_phone
from wangge.core.scope import CHANGE, VIEW, covers, scope_paths, split_path
from wangge.people.forms import add_service_errors
from wangge.places.models import Estate, Household
from wangge.places.paging import paginate

from . import passes, passes_print
from . import services_setup as svc
from .forms_setup import IssueForm, RevokeForm, default_until
from .models import Pass, PassPolicy

PASS_RELATED = ("household__building__estate", "household__unit")
MAX_PRINT = 400
MAX_SELECTION = 2000
STATUSES = ("valid", "revoked", "expired")


def _int(value) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() else None


def _visible_estate(user, pk) -> Estate:
    """An estate the user sees (itself or some of its households), else 404."""
    if pk is None:
        raise Http404
    return get_object_or_404(svc.estates_for(user, VIEW), pk=pk)


def _may_issue(user, estate: Estate) -> bool:
    return Household.objects.for_user(user, CHANGE).filter(
        building__estate=estate
    ).exists() or covers(user, estate.scope_path, CHANGE)


@login_required
def pass_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    estates = list(svc.estates_for(user, VIEW))
    estate = None
    if request.GET.get("estate"):
        estate = _visible_estate(user, _int(request.GET.get("estate")))
    qs = Pass.objects.for_user(user, VIEW).select_related(*PASS_RELATED)
    if estate is not None:
        qs = qs.filter(household__building__estate=estate)
    q = request.GET.get("q", "").strip()[:50]
    if q:
        qs = qs.filter(
            Q(number__icontains=q)
            | Q(household__room__icontains=q)
            | Q(household__householder_name__icontains=q)
        )
    status = request.GET.get("status", "")
    status = status if status in STATUSES else ""
    qs = svc.filter_status(qs, status).order_by(
        "household__building__estate__name",
        "household__building__sort_key",
        "household__unit__sort_key",
        "household__floor",
        "household__room",
        "-pk",
    )
    page = paginate(request, qs)
    page.object_list = rows = list(page.object_list)
    today = timezone.localdate()
    for card in rows:
        card.status = svc.pass_status(card, today)
        card.status_label = svc.STATUS_LABELS[card.status]
        card.phone_masked = mask_phone(card.household.phone)
        card.can_revoke = card.status != "revoked" and covers(user, card.scope_path, CHANGE)
    policy = None
    if estate is not None:
        policy = PassPolicy.objects.filter(estate=estate).first()
    return render(
        request,
        "checkpoints/setup/pass_list.html",
        {
            "page": page,
            "estates": estates,
            "estate": estate,
            "q": q,
            "status": status,
            "statuses": [(s, svc.STATUS_LABELS[s]) for s in STATUSES],
            "rule": svc.describe_policy(policy) if estate is not None else "",
            "can_issue": estate is not None and _may_issue(user, estate),
            "can_policy": estate is not None and covers(user, estate.scope_path, CHANGE),
            "can_revoke_sealed": bool(scope_paths(user, CHANGE)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def pass_issue(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    estate = _visible_estate(user, pk)
    if not _may_issue(user, estate):
        raise PermissionDenied(_("您没有发放出入证的权限"))
    households = Household.objects.for_user(user, CHANGE).filter(building__estate=estate)
    today = timezone.localdate()
    holding = (
        Pass.objects.filter(household__in=households, revoked_at__isnull=True)
        .filter(valid_until__gte=today)
        .count()
    )
    form = IssueForm(request.POST or None, initial={"valid_until": default_until()})
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = svc.issue_for_estate(
                estate, actor=user, valid_until=data["valid_until"], valid_from=data["valid_from"]
            )
        except PermissionDenied as exc:
            raise PermissionDenied(_("您没有发放出入证的权限")) from exc
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已发放 %(n)d 张出入证，跳过 %(m)d 户")
                % {"n": len(result.issued), "m": len(result.skipped)},
            )
    policy = PassPolicy.objects.filter(estate=estate).first()
    return render(
        request,
        "checkpoints/setup/pass_issue.html",
        {
            "form": form,
            "estate": estate,
            "result": result,
            "households": households.count(),
            "holding": holding,
            "rule": svc.describe_policy(policy),
            "has_policy": policy is not None,
            "max_print": MAX_PRINT,
        },
    )


def _pass_ids(values) -> list[int]:
    out: list[int] = []
    for value in values[:MAX_SELECTION]:
        pk = _int(value)
        if pk is not None and pk not in out:
            out.append(pk)
    return out


def _common_path(paths) -> str:
    areas = [split_path(p)[0] for p in paths]
    prefix = commonprefix(areas)
    return prefix[: prefix.rfind("/") + 1] if prefix else ""


@login_required
@require_http_methods(["GET", "POST"])
def pass_print(request: HttpRequest) -> HttpResponse:
    """One PDF of pass cards: the `pass`es given (repeated) the user may see, or ?estate= for
    every valid pass of the estate in the user's scope."""
    user = request.user
    data = request.POST if request.method == "POST" else request.GET
    back = reverse("checkpoints:pass_list")
    visible = Pass.objects.for_user(user, VIEW).select_related(*PASS_RELATED)
    if data.get("estate"):
        estate = _visible_estate(user, _int(data.get("estate")))
        back = f"{back}?estate={estate.pk}"
        selection = list(
            svc.filter_status(visible.filter(household__building__estate=estate), "valid").order_by(
                "household__building__sort_key",
                "household__unit__sort_key",
                "household__floor",
                "household__room",
            )[: MAX_PRINT + 1]
        )
        if not selection:
            messages.info(request, _("该小区没有有效的出入证可打印，请先发放。"))
            return redirect(back)
    else:
        ids = _pass_ids(data.getlist("pass"))
        if not ids:
            messages.error(request, _("请先选择要打印的出入证"))
            return redirect(back)
        by_pk = {c.pk: c for c in visible.filter(pk__in=ids)}
        selection = [by_pk[pk] for pk in ids if pk in by_pk]
        if not selection:
            raise Http404
    if len(selection) > MAX_PRINT:
        messages.error(
            request, _("一次最多打印 %(max)d 张出入证，请分批选择打印") % {"max": MAX_PRINT}
        )
        return redirect(back)
    pdf = passes_print.render_pdf(selection)
    if len(selection) == 1:
        title = _("出入证 %(number)s") % {"number": selection[0].number}
    else:
        title = _("出入证 %(n)d 张") % {"n": len(selection)}
    record_access(
        user,
        "print",
        selection[0] if len(selection) == 1 else title,
        fields="address,pass_number,pass_token",
        rows=len(selection),
        scope_path=_common_path(c.scope_path for c in selection),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"{title} {timezone.localdate().isoformat()}.pdf".replace(" ", "-")
    response["Content-Disposition"] = content_disposition(filename)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def pass_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    card = get_object_or_404(Pass.objects.for_user(user, VIEW).select_related(*PASS_RELATED), pk=pk)
    if not covers(user, card.scope_path, CHANGE):
        raise PermissionDenied(_("您没有作废出入证的权限"))
    back = f"{reverse('checkpoints:pass_list')}?estate={card.household.building.estate_id}"
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and card.revoked_at is None and form.is_valid():
        try:
            passes.revoke(card, actor=user, reason=form.cleaned_data["reason"])
        except PermissionDenied as exc:
            raise PermissionDenied(_("您没有作废出入证的权限")) from exc
        except ValidationError as exc:
            add_service_errors(form, exc, {"revoke_reason": "reason"})
        else:
            messages.success(request, _("已作废出入证 %(n)s") % {"n": card.number})
            return redirect(back)
    return render(
        request,
        "checkpoints/setup/pass_revoke.html",
        {"form": form, "card": card, "back": back, "status": svc.pass_status(card)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def pass_revoke_sealed(request: HttpRequest) -> HttpResponse:
    """POST: revoke the valid passes of the households sealed now (in the user's scope)."""
    back = reverse("checkpoints:pass_list")
    estate = _int(request.POST.get("estate")) if request.method == "POST" else None
    if estate is not None and svc.estates_for(request.user, VIEW).filter(pk=estate).exists():
        back = f"{back}?estate={estate}"
    if request.method != "POST":
        return redirect(back)
    if not scope_paths(request.user, CHANGE):
        raise PermissionDenied(_("您没有作废出入证的权限"))
    revoked = svc.revoke_sealed(actor=request.user)
    if revoked:
        messages.success(request, _("已作废封控住户的出入证 %(n)d 张") % {"n": len(revoked)})
    else:
        messages.info(request, _("封控住户中没有需要作废的出入证。"))
    return redirect(back)
