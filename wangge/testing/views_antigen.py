"""Antigen pages for workers: the kits page of a round (households with a quick "发放" form),
recording a delivery, and entering a household's self-test results."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from wangge.core.qr import household_token, qr_svg
from wangge.core.scope import CHANGE, covers
from wangge.people.forms import add_service_errors
from wangge.places.crumbs import household_crumbs
from wangge.places.models import Household
from wangge.places.paging import paginate

from .forms_antigen import DeliveryForm, KitsFilterForm, ResultsForm
from .lists_antigen import deliveries_for, round_households, round_summary, with_kits, with_living
from .models import AntigenResult
from .services_antigen import living_residents, record_delivery, record_household_results
from .services_plan import visible_rounds


def _household(request, pk: int, action: str = CHANGE) -> Household:
    return get_object_or_404(
        Household.objects.for_user(request.user, action).select_related(
            "building__estate", "building__area", "unit"
        ),
        pk=pk,
    )


def _next_url(request, default: str) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, {request.get_host()}, request.is_secure()):
        return nxt
    return default


@login_required
def antigen_households(request, pk: int):
    """The households of a round's area with the kits each received in this round."""
    rnd = get_object_or_404(visible_rounds(request.user).select_related("area"), pk=pk)
    form = KitsFilterForm(request.GET or None, user=request.user, rnd=rnd)
    base = round_households(request.user, rnd, rnd.area.path)
    qs = with_living(with_kits(base, deliveries_for(rnd)))
    if form.is_bound:
        qs = form.filter(qs)
        status = form.value("status")
        if status == "none":
            qs = qs.filter(kits=0)
        elif status == "given":
            qs = qs.filter(kits__gt=0)
    page = paginate(request, qs.order_by("scope_path", "floor", "room", "id"))
    for household in page:
        household.can_change = covers(request.user, household.scope_path, CHANGE)
        household.form_uuid = uuid.uuid4()  # a resent quick form records the delivery once
    today = timezone.localdate()
    return render(
        request,
        "testing/antigen/households.html",
        {
            "round": rnd,
            "form": form,
            "page": page,
            "summary": round_summary(request.user, rnd, base, today),
            "today": today,
        },
    )


@login_required
def antigen_delivery_add(request, pk: int):
    """Record kits handed to a household (the full form, and the target of the quick form)."""
    household = _household(request, pk)
    rnd_id = request.GET.get("round", "")
    initial = {"count": max(1, len(living_residents(household)))}
    if rnd_id.isdigit():
        initial["round"] = int(rnd_id)
    form = DeliveryForm(
        request.POST or None, user=request.user, household=household, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            _delivery, created = record_delivery(
                household,
                count=cd["count"],
                date=cd["date"],
                delivered_by=cd["delivered_by"] or request.user.display_name or str(request.user),
                rnd=cd["round"],
                client_uuid=cd["client_uuid"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if created:
                messages.success(
                    request,
                    _("已登记 %(address)s 发放抗原试剂 %(n)s 份。")
                    % {"address": household, "n": cd["count"]},
                )
            else:
                messages.info(request, _("该发放记录已登记过，未重复登记。"))
            default = (
                reverse("testing:antigen_households", args=[cd["round"].pk])
                if cd["round"]
                else reverse("places:household_detail", args=[household.pk])
            )
            return redirect(_next_url(request, default))
    return render(
        request,
        "testing/antigen/delivery_form.html",
        {
            "household": household,
            "form": form,
            "crumbs": household_crumbs(request.user, household),
            "next": _next_url(request, ""),
            "deliveries": household.antigen_deliveries.select_related("round")[:10],
        },
    )


@login_required
def antigen_result_add(request, pk: int):
    """A worker enters the self-test results of a household's residents for one day."""
    household = _household(request, pk)
    people = living_residents(household)
    form = ResultsForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = record_household_results(
                household,
                form.results(),
                date=form.cleaned_data["date"],
                client_uuid=form.cleaned_data["client_uuid"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已保存：新增 %(created)s 人，更新 %(updated)s 人，未变 %(unchanged)s 人。")
                % {
                    "created": outcome["created"],
                    "updated": outcome["updated"],
                    "unchanged": outcome["unchanged"],
                },
            )
            return redirect(_next_url(request, request.path))
    day = form.cleaned_data.get("date") if form.is_bound and form.is_valid() else None
    day = day or timezone.localdate()
    recent = AntigenResult.objects.filter(person__in=people, date__gte=day - dt.timedelta(days=6))
    url = request.build_absolute_uri(
        reverse("testing:household_self_report", args=[household_token(household)])
    )
    return render(
        request,
        "testing/antigen/result_form.html",
        {
            "household": household,
            "form": form,
            "crumbs": household_crumbs(request.user, household),
            "recent": recent.select_related("person").order_by("-date", "person_id"),
            "self_report_url": url,
            "self_report_qr": qr_svg(url),
        },
    )
