"""The household's own antigen page, reached without login through its signed QR token.

It shows only the flat (building, unit, room) and the masked names of the people living there,
and takes today's result of each. A token that is not a valid household signature is a 404, so
one household's token cannot be edited into another's. Submissions are rate-limited per IP
address and per household, counted in the database so that every server process agrees.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from wangge.core import ratelimit
from wangge.core.mask import mask_name
from wangge.core.qr import HOUSEHOLD, BadQrCode, parse_token
from wangge.core.ratelimit import client_ip, too_many
from wangge.places.models import Household

from .forms_antigen import ResultsForm
from .services_antigen import living_residents, self_report

PER_HOUSEHOLD = 20  # submissions per hour
PER_IP = 60


def household_from_token(token: str) -> Household:
    try:
        ref = parse_token(token)
    except BadQrCode:
        ref = None
    if ref is None or ref.kind != HOUSEHOLD:
        raise Http404
    try:
        return Household.objects.select_related("building", "unit").get(pk=ref.pk)
    except Household.DoesNotExist:
        raise Http404 from None


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def household_self_report(request, token: str):
    household = household_from_token(token)
    if household.vacant:
        raise Http404
    people = living_residents(household)
    form = ResultsForm(
        request.POST if request.method == "POST" else None,
        people=people,
        label=mask_name,
        with_date=False,
    )
    saved = None
    if request.method == "POST":
        for key, limit in (
            (f"ip:{client_ip(request)}", PER_IP),
            (f"hh:{household.pk}", PER_HOUSEHOLD),
        ):
            retry_after = ratelimit.hit(f"antigen-self:{key}", limit=limit)
            if retry_after:
                return too_many(retry_after)
        if form.is_valid():
            saved = self_report(
                household, form.results(), client_uuid=form.cleaned_data["client_uuid"]
            )
            form = ResultsForm(people=people, label=mask_name, with_date=False)
    return render(
        request,
        "testing/antigen/self_report.html",
        {
            "token": token,
            "place": household_place(household),
            "form": form,
            "saved": saved,
            "today": timezone.localdate(),
        },
    )


def household_place(household: Household) -> str:
    """Building, unit and room only: no estate, street or names."""
    return _("%(building)s%(unit)s单元%(room)s室") % {
        "building": household.building.label,
        "unit": household.unit.number,
        "room": household.room,
    }
