"""Check-in at a central quarantine site (集中隔离点): the transfers arriving there first, each
with the people it carries still to check in, then a search of the people the user sees, or
someone from another city registered on the spot; a free room, and the stay's file, diet and
needs. A double tap or a re-sent form lands on the stay it made."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from wangge.core.mask import mask_name
from wangge.core.scope import CHANGE, RECORD, VIEW, covers
from wangge.people.filters import person_search_q
from wangge.people.forms import add_service_errors
from wangge.people.models import Person

from . import services_site_access as site_access
from . import services_site_setup as site_setup
from . import services_stay_checkin as stay_checkin
from .forms_sites import CheckInForm
from .models_sites import Site, SiteRoom, Stay
from .models_transfers import Transfer
from .views_site_common import get_site, rights

SEARCH_LIMIT = 10


def _int(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        raise Http404
    return int(value)


# --- check-in ---------------------------------------------------------------------------------


def _transfer_rows(transfers) -> list[tuple[Transfer, list[Person]]]:
    """Each transfer with the people it carries who are not staying anywhere yet."""
    rows = []
    for transfer in transfers:
        people = stay_checkin.transfer_people(transfer)
        staying = set(
            Stay.objects.filter(person__in=people, checked_out_at__isnull=True).values_list(
                "person_id", flat=True
            )
        )
        waiting = [p for p in people if p.pk not in staying]
        for p in waiting:
            p.masked = mask_name(p.name)
        if waiting or transfer.status in stay_checkin.OPEN_TRANSFER:
            rows.append((transfer, waiting))
    return rows


def _free_rooms(site: Site):
    occ = site_setup.occupancy(site)
    rooms = SiteRoom.objects.filter(site=site, out_of_service=False).order_by(
        "building", "floor", "number"
    )
    free = {r.pk: r.capacity - occ.by_room.get(r.pk, 0) for r in rooms}
    return rooms.filter(pk__in=[pk for pk, n in free.items() if n > 0]), free


@login_required
def site_checkin(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    site = get_site(request, pk, RECORD)
    if request.method == "POST" and (key := request.POST.get("client_uuid")):
        # A double tap or a re-sent form: the stay it made, whatever the form says now.
        try:
            done = site_access.stays_for(user, VIEW).filter(client_uuid=key).first()
        except ValidationError:
            done = None
        if done is not None:
            return redirect("control:stay_detail", pk=done.pk)
    transfers = stay_checkin.arriving_transfers(user, site)
    source = request.POST if request.method == "POST" else request.GET
    transfer = person = None
    if (transfer_pk := source.get("transfer", "")) != "":
        if not transfer_pk.isdigit():
            raise Http404
        transfer = get_object_or_404(transfers, pk=transfer_pk)
    if (person_pk := source.get("person", "")) != "":
        if not person_pk.isdigit():
            raise Http404
        if transfer is not None:
            carried = {p.pk: p for p in stay_checkin.transfer_people(transfer)}
            if int(person_pk) not in carried:
                raise Http404
            person = carried[int(person_pk)]
        else:
            person = get_object_or_404(Person.objects.for_user(user, VIEW), pk=person_pk)
    rooms, free = _free_rooms(site)
    initial = {
        "person": person.pk if person else None,
        "transfer": transfer.pk if transfer else None,
    }
    if (room_pk := _int(request, "room")) is not None:
        initial["room"] = room_pk
    form = CheckInForm(request.POST or None, rooms=rooms, initial=initial)
    form.free_beds = free
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            "arrived_from": data["arrived_from"]
            or (transfer.from_address if transfer is not None else ""),
            "file_note": data["file_note"],
            "diet": data["diet"] or "",
            "diet_note": data["diet_note"],
            "medical_needs": data["medical_needs"],
            "at": data["checked_in_at"],
            "client_uuid": data["client_uuid"],
        }
        try:
            if person is not None:
                stay = stay_checkin.check_in(
                    site, data["room"], person, actor=user, transfer=transfer, **fields
                )
            else:
                stay = stay_checkin.check_in_new_person(
                    site,
                    data["room"],
                    actor=user,
                    name=data["name"],
                    id_number=data["id_number"],
                    phone=data["phone"],
                    **fields,
                )
        except PermissionDenied:
            form.add_error(None, _("您不能为该人员办理入住"))
        except ValidationError as exc:
            add_service_errors(form, exc, {"checked_in_at": "checked_in_at", "person": "__all__"})
        else:
            messages.success(
                request,
                _("%(name)s 已入住 %(room)s")
                % {"name": mask_name(stay.person.name), "room": stay.room},
            )
            return redirect("control:stay_detail", pk=stay.pk)
    q = request.GET.get("q", "").strip()
    found = []
    if q and transfer is None:
        found = list(
            Person.objects.for_user(user, VIEW)
            .filter(person_search_q(q))
            .order_by("name", "pk")[:SEARCH_LIMIT]
        )
        staying = set(
            Stay.objects.filter(person__in=found, checked_out_at__isnull=True).values_list(
                "person_id", flat=True
            )
        )
        for p in found:
            p.staying = p.pk in staying
    order = stay_checkin.central_order_of(person) if person is not None else None
    return render(
        request,
        "control/sites/site_checkin.html",
        {
            "site": site,
            "form": form,
            "transfers": _transfer_rows(transfers),
            "transfer": transfer,
            "person": person,
            "person_masked": mask_name(person.name) if person else "",
            "order": order,
            "will_place_order": person is not None
            and order is None
            and covers(user, person.scope_path, CHANGE),
            "q": q,
            "found": found,
            "no_rooms": not rooms.exists(),
            "tab": "checkin",
            **rights(user, site),
        },
    )
