"""Campaign pages: the list of campaigns."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from wangge.core.scope import VIEW
from wangge.places.paging import paginate

from .models import Campaign


def visible_campaigns(user, action: str = VIEW):
    return Campaign.objects.for_user(user, action)


@login_required
def campaign_list(request):
    campaigns = visible_campaigns(request.user).select_related("area", "questionnaire")
    page = paginate(request, campaigns, per_page=20)
    return render(request, "canvass/campaigns/campaign_list.html", {"page": page})
