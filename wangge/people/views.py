"""People pages. Persons are in views_person.py, leaders in views_leaders.py; shared helpers and
the residence pages (moving in and out) live here."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from wangge.core.scope import CHANGE, VIEW, covers
from wangge.places.models import Household

from . import services
from .filters import search_households
from .forms import ResidenceEndForm, ResidenceForm, add_service_errors
from .models import Person, Residence

PAGE_SIZE = 50


def paginate(request: HttpRequest, qs, per_page: int = PAGE_SIZE):
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def require_change(user, scoped_obj) -> None:
    """403 when the user can see the object (they got it from a VIEW queryset) but not change it."""
    if not covers(user, scoped_obj.scope_path, CHANGE):
        raise PermissionDenied(_("您没有修改此记录的权限"))


def after_write_url(user, person: Person, fallback_household: Household | None = None) -> str:
    """The person's page when still in scope after a write, else the household's or the list."""
    if Person.objects.for_user(user, VIEW).filter(pk=person.pk).exists():
        return reverse("people:person_detail", args=[person.pk])
    if fallback_household is not None and covers(user, fallback_household.scope_path, VIEW):
        try:
            return reverse("places:household_detail", args=[fallback_household.pk])
        except NoReverseMatch:
            pass
    return reverse("people:person_list")


@login_required
def residence_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add the person to another household (as tenant, temporary resident, member…)."""
    person = get_object_or_404(Person.objects.for_user(request.user, VIEW), pk=pk)
    require_change(request.user, person)
    query = (request.GET.get("q") or "").strip()
    households = Household.objects.for_user(request.user, CHANGE).select_related(
        "building__estate", "unit"
    )
    found = []
    if query:
        found = list(search_households(households, query)[:20])
    preset = request.GET.get("household")
    if preset and preset.isdigit():
        chosen = households.filter(pk=int(preset)).first()
        if chosen and chosen not in found:
            found.insert(0, chosen)
    if request.method == "POST":
        form = ResidenceForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    services.add_residence(
                        person=person,
                        household=data["household"],
                        actor=request.user,
                        relation=data["relation"],
                        registered=data["registered"],
                        living=data["living"],
                        since=data["since"],
                    )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect(after_write_url(request.user, person, data["household"]))
        chosen = form.cleaned_data.get("household") if hasattr(form, "cleaned_data") else None
        if chosen and chosen not in found:
            found.insert(0, chosen)
    else:
        form = ResidenceForm(
            user=request.user, initial={"household": found[0].pk} if preset and found else None
        )
    return render(
        request,
        "people/residence_add.html",
        {
            "person": person,
            "form": form,
            "query": query,
            "households": found,
            "selected": str(form["household"].value() or ""),
        },
    )


@login_required
def residence_end(request: HttpRequest, pk: int) -> HttpResponse:
    """The person moved out of this household: keep the history, stop counting them here."""
    residence = get_object_or_404(
        Residence.objects.for_user(request.user, VIEW).select_related(
            "person", "household__building__estate", "household__unit"
        ),
        pk=pk,
    )
    require_change(request.user, residence)
    if residence.until is not None:
        return redirect(after_write_url(request.user, residence.person, residence.household))
    form = ResidenceEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_residence(residence, actor=request.user, until=form.cleaned_data["until"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(after_write_url(request.user, residence.person, residence.household))
    return render(
        request,
        "people/residence_end.html",
        {"residence": residence, "form": form, "person": residence.person},
    )
