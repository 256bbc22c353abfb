"""Campaign pages: the list of campaigns, a new campaign (from a ready questionnaire of the
library or a copy of one the user can see), a campaign's hub page with its ledger totals and
questions, and editing its name, dates, methods and daily close.

A campaign is shown to everyone with a part of its area (a grid leader opens the community's
campaign; every figure on the page is limited to their own households); creating and editing
need CHANGE on the campaign's area (404 otherwise)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.scope import CHANGE, VIEW, covers
from wangge.people.forms import add_service_errors
from wangge.places.crumbs import Crumb
from wangge.places.paging import paginate

from .answers import describe_conditions
from .coverage import ledger
from .forms_campaign import CampaignEditForm, CampaignForm, campaign_areas
from .library import LIBRARY, questionnaire_from_library
from .models import Campaign, HouseholdStatus, Outcome
from .queries import visible_campaigns, visible_questionnaires
from .services import create_campaign, update_campaign

STATES = {
    "upcoming": (gettext_lazy("未开始"), "text-bg-info"),
    "open": (gettext_lazy("进行中"), "text-bg-success"),
    "ended": (gettext_lazy("已结束"), "text-bg-secondary"),
}


def campaign_state(campaign: Campaign, today: dt.date) -> str:
    if today < campaign.starts_on:
        return "upcoming"
    return "open" if today <= campaign.ends_on else "ended"


def mark_states(campaigns, today: dt.date) -> None:
    for c in campaigns:
        c.state = campaign_state(c, today)
        c.state_label, c.state_css = STATES[c.state]


def campaign_crumbs(campaign: Campaign | None, title: str = "") -> list[Crumb]:
    crumbs = [Crumb(_("入户排查"), reverse("canvass:campaign_list"))]
    if campaign is not None:
        url = reverse("canvass:campaign_detail", args=[campaign.pk]) if title else None
        crumbs.append(Crumb(campaign.name, url))
    if title:
        crumbs.append(Crumb(title, None))
    return crumbs


@login_required
def campaign_list(request):
    q = request.GET.get("q", "").strip()
    campaigns = visible_campaigns(request.user).select_related("area")
    if q:
        campaigns = campaigns.filter(name__icontains=q)
    page = paginate(request, campaigns, per_page=20)
    rows = list(page.object_list)
    reached = dict(
        HouseholdStatus.objects.for_user(request.user, VIEW)
        .filter(campaign__in=[c.pk for c in rows], outcome=Outcome.ANSWERED)
        .values("campaign")
        .annotate(n=Count("pk"))
        .values_list("campaign", "n")
    )
    for c in rows:
        c.reached = reached.get(c.pk, 0)
    mark_states(rows, timezone.localdate())
    context = {
        "page": page,
        "rows": rows,
        "q": q,
        "can_create": campaign_areas(request.user).exists(),
    }
    return render(request, "canvass/campaigns/campaign_list.html", context)


@login_required
def campaign_create(request):
    user = request.user
    if not campaign_areas(user).exists():
        raise Http404
    initial = {}
    if request.GET.get("library") in LIBRARY:
        initial["library"] = request.GET["library"]
    form = CampaignForm(
        request.POST or None,
        user=user,
        questionnaires=visible_questionnaires(user),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        campaign = _create(form, user)
        if campaign is not None:
            messages.success(request, _("已创建排查任务：%(name)s") % {"name": campaign.name})
            return redirect("canvass:campaign_detail", campaign.pk)
    context = {
        "form": form,
        "library": LIBRARY.values(),
        "crumbs": campaign_crumbs(None, _("新建排查任务")),
    }
    return render(request, "canvass/campaigns/campaign_form.html", context)


def _create(form: CampaignForm, user) -> Campaign | None:
    data = form.cleaned_data
    fields = {**form.campaign_values(), "area": data["area"], **form.target_values()}
    try:
        with transaction.atomic():
            if data["library"]:
                source = questionnaire_from_library(data["library"], area=data["area"], actor=user)
                return create_campaign(actor=user, questionnaire=source, copy=False, **fields)
            return create_campaign(actor=user, questionnaire=data["questionnaire"], **fields)
    except ValidationError as exc:
        add_service_errors(form, exc)
    return None


@login_required
def campaign_detail(request, pk: int):
    user = request.user
    campaign = get_object_or_404(
        visible_campaigns(user).select_related("area", "questionnaire", "created_by"), pk=pk
    )
    mark_states([campaign], timezone.localdate())
    questionnaire = campaign.questionnaire
    context = {
        "campaign": campaign,
        "total": ledger(campaign, user).total,
        "questions": describe_conditions(list(questionnaire.questions.all())),
        "questionnaire_visible": visible_questionnaires(user).filter(pk=questionnaire.pk).exists(),
        "estates": list(campaign.target_estates.all()),
        "buildings": list(campaign.target_buildings.select_related("estate")),
        "can_change": covers(user, campaign.area.path, CHANGE),
        "crumbs": campaign_crumbs(campaign),
    }
    return render(request, "canvass/campaigns/campaign_detail.html", context)


@login_required
def campaign_edit(request, pk: int):
    campaign = get_object_or_404(
        visible_campaigns(request.user, CHANGE).select_related("area"), pk=pk
    )
    form = CampaignEditForm(request.POST or None, initial=CampaignEditForm.initial_for(campaign))
    if request.method == "POST" and form.is_valid():
        try:
            update_campaign(campaign, form.campaign_values(), actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("排查任务已保存"))
            return redirect("canvass:campaign_detail", campaign.pk)
    context = {
        "form": form,
        "title": _("编辑排查任务"),
        "crumbs": campaign_crumbs(campaign, _("编辑")),
        "cancel_url": reverse("canvass:campaign_detail", args=[campaign.pk]),
    }
    return render(request, "canvass/campaigns/form.html", context)
