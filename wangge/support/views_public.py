"""The household's own support page, reached without login through its signed QR token
(`wangge.core.qr.household_token`): it files a request (kind, urgency, text, the medicine's name
and whether a prescription is needed, a contact phone), lists that household's own requests with
their status, and lets the household confirm a delivery.

It shows only the flat (building, unit, room) and that household's requests. A token that is
not a valid household signature is a 404, and so is a request of another household, so one
household's page can neither see nor touch another's. Submissions are rate-limited per IP
address and per household (counted in the database, so every server process agrees): over the
limit, a 429 with Retry-After.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from wangge.core import ratelimit
from wangge.core.qr import HOUSEHOLD, BadQrCode, parse_token
from wangge.core.ratelimit import client_ip, too_many
from wangge.core.services import field_errors
from wangge.places.models import Household

from . import services as svc
from .forms import RequestForm
from .models import SupportRequest

PER_HOUSEHOLD = 20  # submissions (requests and confirmations) per hour
PER_IP = 60
VIEWS_PER_IP = 600  # page views per hour (a whole building behind one NAT still gets through)
SHOWN = 30  # the household's latest requests on its page


def household_from_token(token: str) -> Household:
    """The household a valid token names (not vacant); anything else is a 404."""
    try:
        ref = parse_token(token, (HOUSEHOLD,))
    except BadQrCode:
        ref = None
    if ref is None or ref.kind != HOUSEHOLD:
        raise Http404
    household = (
        Household.objects.select_related("building__estate", "unit").filter(pk=ref.pk).first()
    )
    if household is None or household.vacant:
        raise Http404
    return household


def place_of(household: Household) -> str:
    """Building, unit and room only: no estate, street or names."""
    return _("%(building)s%(unit)s单元%(room)s室") % {
        "building": household.building.label,
        "unit": household.unit.number,
        "room": household.room,
    }


def _limited(request: HttpRequest, household: Household) -> HttpResponse | None:
    for key, limit in (
        (f"ip:{client_ip(request)}", PER_IP),
        (f"hh:{household.pk}", PER_HOUSEHOLD),
    ):
        retry_after = ratelimit.hit(f"support-public:{key}", limit=limit)
        if retry_after:
            return too_many(retry_after)
    return None


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def public_household(request: HttpRequest, token: str) -> HttpResponse:
    household = household_from_token(token)
    if request.method == "GET":
        retry_after = ratelimit.hit(
            f"support-public-view:ip:{client_ip(request)}", limit=VIEWS_PER_IP
        )
        if retry_after:
            return too_many(retry_after)
    form = RequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        refused = _limited(request, household)
        if refused is not None:
            return refused
        if form.is_valid():
            data = form.cleaned_data
            try:
                _req, created = svc.file_request(
                    household,
                    kind=data["kind"],
                    actor=None,
                    source=SupportRequest.Source.HOUSEHOLD,
                    text=data["text"],
                    urgency=data["urgency"],
                    medicine_name=data["medicine_name"],
                    prescription_needed=data["prescription_needed"],
                    contact_phone=data["contact_phone"],
                    client_uuid=data["client_uuid"],
                )
            except ValidationError as exc:
                form.add_service_errors(field_errors(exc))
            else:
                messages.success(
                    request,
                    _("已提交，网格工作人员会尽快联系您。")
                    if created
                    else _("该诉求已提交过，无需重复提交。"),
                )
                return redirect("support:public_household", token=token)
    requests = list(
        SupportRequest.objects.filter(household=household)
        .select_related("kind")
        .order_by("-created_at", "-pk")[:SHOWN]
    )
    return render(
        request,
        "support/requests/public_household.html",
        {
            "token": token,
            "place": place_of(household),
            "form": form,
            "requests": requests,
            "now": timezone.now(),
        },
    )


@never_cache
@csrf_protect
@require_POST
def public_confirm(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    """The household confirms that a delivery of its own arrived."""
    household = household_from_token(token)
    req = SupportRequest.objects.filter(household=household, pk=pk).first()
    if req is None:
        raise Http404
    refused = _limited(request, household)
    if refused is not None:
        return refused
    if req.status == SupportRequest.Status.CONFIRMED:
        messages.info(request, _("已确认过，谢谢！"))
    else:
        try:
            svc.confirm(req, actor=None)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已确认收到，谢谢！"))
    return redirect("support:public_household", token=token)
