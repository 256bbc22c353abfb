"""Household pages: the searchable list, the detail, and revealing the full phone (logged)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from wangge.core.audit import record_access
from wangge.core.models import AccessLog
from wangge.core.scope import CHANGE, VIEW, covers
from wangge.people.models import LeaderAssignment, Residence, SpecialGroup

from .badges import attach as attach_badges
from .crumbs import household_crumbs
from .filters import HouseholdFilterForm
from .models import Household
from .paging import paginate
from .queries import sort_leaders

RELATION_ORDER = {rel: i for i, rel in enumerate(Residence.Relation.values)}


@login_required
def household_list(request):
    form = HouseholdFilterForm(request.GET or None, user=request.user)
    qs = Household.objects.for_user(request.user, VIEW).select_related("building__estate", "unit")
    if form.is_bound:
        qs = form.filter(qs)
    page = paginate(request, qs.order_by("scope_path", "floor", "room", "id"))
    page.object_list = attach_badges(page.object_list)
    return render(request, "places/household_list.html", {"form": form, "page": page})


def _household(request, pk: int) -> Household:
    return get_object_or_404(
        Household.objects.for_user(request.user, VIEW).select_related(
            "building__estate", "building__area", "unit"
        ),
        pk=pk,
    )


def household_context(request, household: Household, *, revealed: bool = False) -> dict:
    residences = sorted(
        Residence.objects.filter(household=household)
        .select_related("person")
        .prefetch_related(
            Prefetch("person__special_groups", queryset=SpecialGroup.objects.order_by("kind"))
        ),
        key=lambda r: (not r.living, RELATION_ORDER.get(r.relation, 9), r.pk),
    )
    leaders = sort_leaders(
        LeaderAssignment.objects.filter(
            Q(building=household.building, unit__isnull=True) | Q(unit=household.unit), active=True
        )
    )
    attach_badges([household])
    return {
        "household": household,
        "residences": residences,
        "living_count": sum(1 for r in residences if r.living and not r.until),
        "leaders": leaders,
        "revealed": revealed,
        "crumbs": household_crumbs(request.user, household),
        "can_change": covers(request.user, household.scope_path, CHANGE),
    }


@login_required
def household_detail(request, pk: int):
    household = _household(request, pk)
    return render(request, "places/household_detail.html", household_context(request, household))


@login_required
@require_POST
def household_reveal(request, pk: int):
    """Show the household's full phone to a user whose scope covers it, and log the access.
    htmx gets the phone fragment; without JavaScript the whole page comes back revealed."""
    household = _household(request, pk)
    record_access(request.user, AccessLog.Kind.VIEW, household, fields="phone")
    if request.htmx:
        return render(
            request, "places/_household_phone.html", {"household": household, "revealed": True}
        )
    return render(
        request,
        "places/household_detail.html",
        household_context(request, household, revealed=True),
    )
