"""The public arrival form (返来人员扫码申报), reached without login from the QR code posted in a
unit's stairwell.

The page shows the building label, the unit number and the unit's room numbers, nothing else
of the registry. After a report it shows only what the person typed, masked: never whether the
name or ID number is already known. A code that is not a valid unit signature is a 404, so one
unit's code cannot be edited into another's. Submissions are rate-limited per IP address and
per unit, counted in the database like the household antigen page's.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from wangge.core import ratelimit
from wangge.core.mask import mask_id, mask_name, mask_phone
from wangge.core.ratelimit import client_ip, too_many
from wangge.people.forms import add_service_errors
from wangge.places.models import Household, Unit

from .forms_returnees import PublicArrivalForm
from .models import Arrival
from .services_returnees import clean_arrival_fields, self_arrival, unit_id_from_token

PER_UNIT = 30  # submissions per hour
PER_IP = 20


def unit_from_token(token: str) -> Unit:
    pk = unit_id_from_token(token)
    if pk is None:
        raise Http404
    try:
        return Unit.objects.select_related("building__area").get(pk=pk)
    except Unit.DoesNotExist:
        raise Http404 from None


def _typed(form: PublicArrivalForm) -> dict:
    """What the person typed, normalised and masked, for the thank-you page."""
    data = clean_arrival_fields(form.person_data())
    return {
        "name": mask_name(data["name"]),
        "id_number": mask_id(data["id_number"]),
        "phone": mask_phone(data["phone"]),
        "origin": data["origin"],
        "arrived_on": data["arrived_on"],
        "transport": dict(Arrival.Transport.choices).get(data["transport"], ""),
        "room": form.room_value,
        "address": form.cleaned_data.get("address", "") if not form.room_value else "",
    }


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def arrival_public(request, token: str):
    unit = unit_from_token(token)
    rooms = list(
        Household.objects.filter(unit=unit).order_by("floor", "room").values_list("room", flat=True)
    )
    form = PublicArrivalForm(request.POST if request.method == "POST" else None, rooms=rooms)
    context = {"token": token, "building": unit.building.label, "unit": unit.number}
    if request.method == "POST":
        for key, limit in ((f"ip:{client_ip(request)}", PER_IP), (f"unit:{unit.pk}", PER_UNIT)):
            retry_after = ratelimit.hit(f"arrival-self:{key}", limit=limit)
            if retry_after:
                return too_many(retry_after)
        if form.is_valid():
            try:
                self_arrival(
                    unit,
                    room=form.room_value,
                    address=form.cleaned_data["address"],
                    client_uuid=form.cleaned_data["client_uuid"],
                    **form.person_data(),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                context["typed"] = _typed(form)
                return render(request, "canvass/arrivals/public_thanks.html", context)
    context.update(form=form, rooms=rooms)
    return render(request, "canvass/arrivals/public_form.html", context)
