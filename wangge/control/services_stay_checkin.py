"""Check-in at a central quarantine site (集中隔离点), often at night: the transfers arriving
there, the people they carry, and checking someone in to a room (someone from the registry, or
someone from another city registered on the spot), with the order of their stay.

Rules: a room holds at most `capacity` people at once and an out-of-service room takes none; a
person has at most one open stay; a retried check-in (same client UUID) returns the first stay.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.normalize import clean_text
from wangge.core.scope import CHANGE, RECORD, VIEW, covers
from wangge.core.services import create_object
from wangge.people.models import Person

from .models import ControlOrder, OrderType
from .models_sites import Site, SiteRoom, Stay
from .models_transfers import Transfer
from .services_site_access import may, require, staff_site_ids, user_or_none
from .services_stays import at_or_now

CHECKIN_REASON = "集中隔离点入住"  # the reason of an order placed at check-in (data)
OPEN_TRANSFER = (
    Transfer.Status.REQUESTED,
    Transfer.Status.ASSIGNED,
    Transfer.Status.PICKED_UP,
)


def central_order_of(person: Person) -> ControlOrder | None:
    """The person's active central quarantine order, if any."""
    return (
        ControlOrder.objects.filter(
            person=person,
            status=ControlOrder.Status.ACTIVE,
            order_type__kind=OrderType.Kind.CENTRAL_QUARANTINE,
        )
        .order_by("-starts_on", "-pk")
        .first()
    )


def central_order_type() -> OrderType | None:
    types = OrderType.objects.filter(kind=OrderType.Kind.CENTRAL_QUARANTINE)
    return types.filter(code="central_quarantine").first() or types.order_by("days", "pk").first()


def transfer_people(transfer: Transfer) -> list[Person]:
    """Everyone a transfer carries: its person, its companions, else its household's members."""
    people: dict[int, Person] = {}
    if transfer.person_id:
        people[transfer.person_id] = transfer.person
    for p in transfer.persons.all():
        people.setdefault(p.pk, p)
    if not people and transfer.household_id:
        from .services import household_members

        for p in household_members(transfer.household):
            people.setdefault(p.pk, p)
    return list(people.values())


def arriving_transfers(user, site: Site):
    """Transfers to `site` not yet closed or cancelled, that the user sees (the transfers
    part's visible_transfers) or that come to a site where the user is staff."""
    try:
        from .services_transfers import visible_transfers
    except ImportError:  # the transfers part not there yet
        visible = Transfer.objects.for_user(user, VIEW)
    else:
        visible = visible_transfers(user)
    mine = Q(pk__in=visible.values("pk"))
    if site.pk in staff_site_ids(user) or covers(user, site.scope_path, RECORD):
        mine |= Q(site=site)
    return (
        Transfer.objects.filter(mine)
        .filter(
            destination=Transfer.Destination.SITE,
            site=site,
            status__in=[*OPEN_TRANSFER, Transfer.Status.HANDED_OVER],
        )
        .select_related("person", "household__building__estate", "household__unit", "vehicle")
        .annotate(
            rank=Case(
                When(urgency=Transfer.Urgency.CRITICAL, then=Value(0)),
                When(urgency=Transfer.Urgency.URGENT, then=Value(1)),
                default=Value(2),
            )
        )
        .order_by("rank", "requested_at", "pk")
    )


def open_stay_of(person: Person) -> Stay | None:
    return (
        Stay.objects.filter(person=person, checked_out_at__isnull=True)
        .select_related("site", "room")
        .first()
    )


def _replay(client_uuid, actor) -> Stay | None:
    if not client_uuid:
        return None
    earlier = Stay.objects.filter(client_uuid=client_uuid).select_related("site").first()
    if earlier is None:
        return None
    if not may(actor, earlier.site, VIEW):
        raise ValidationError({"client_uuid": [_("该 client_uuid 已被使用")]})
    return earlier


def _already_staying(person: Person, actor) -> ValidationError:
    stay = open_stay_of(person)
    if stay is not None and may(actor, stay.site, VIEW):
        message = _("%(name)s 已在%(site)s %(room)s入住（%(at)s 起），请先办理离开") % {
            "name": person.name,
            "site": stay.site.name,
            "room": stay.room,
            "at": timezone.localtime(stay.checked_in_at).strftime("%Y-%m-%d %H:%M"),
        }
    else:
        message = _("%(name)s 已在其他隔离点入住，须先在该隔离点办理离开") % {"name": person.name}
    return ValidationError({"person": [message]})


def check_in(
    site: Site,
    room: SiteRoom,
    person: Person,
    *,
    actor,
    order: ControlOrder | None = None,
    transfer: Transfer | None = None,
    arrived_from: str = "",
    file_note: str = "",
    diet: str = "",
    diet_note: str = "",
    medical_needs: str = "",
    client_uuid=None,
    at: dt.datetime | None = None,
) -> Stay:
    """Check `person` in to `room` at `at` (now by default; arrivals at night are often entered
    later). The person is one the actor may see, or one carried by `transfer` to this site
    (handed over here if it is not yet). Their active central quarantine order is linked; with
    none, one is placed from the check-in day when the actor may change the person's record,
    else the stay has no order. A retry with the same `client_uuid` returns the first stay."""
    return _check_in(
        site,
        room,
        person,
        actor=actor,
        order=order,
        transfer=transfer,
        arrived_from=arrived_from,
        file_note=file_note,
        diet=diet,
        diet_note=diet_note,
        medical_needs=medical_needs,
        client_uuid=client_uuid,
        at=at,
        registered_here=False,
    )


def check_in_new_person(
    site: Site,
    room: SiteRoom,
    *,
    actor,
    name: str,
    id_number: str = "",
    phone: str = "",
    client_uuid=None,
    **fields,
) -> Stay:
    """Check in someone not in the registry (from another city): the person is created under
    the site's area (people.services.create_person with home_area = the site's area), then
    checked in like anyone else, in one transaction."""
    earlier = _replay(client_uuid, actor)
    if earlier is not None:
        return earlier
    require(actor, site, RECORD)
    from wangge.people.services import create_person

    with transaction.atomic():
        try:
            person = create_person(
                actor=actor, home_area=site.area, name=name, id_number=id_number, phone=phone
            )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            if any("已登记" in m for m in errors.get("id_number", [])):
                errors["id_number"] = [
                    _(
                        "该身份证号已在人员库中登记：请搜索该人员或从转运单入住；"
                        "搜不到的，请联系其所在网格"
                    )
                ]
            raise ValidationError(errors) from exc
        return _check_in(
            site,
            room,
            person,
            actor=actor,
            client_uuid=client_uuid,
            registered_here=True,
            **fields,
        )


def _check_in(
    site: Site,
    room: SiteRoom,
    person: Person,
    *,
    actor,
    order=None,
    transfer=None,
    arrived_from="",
    file_note="",
    diet="",
    diet_note="",
    medical_needs="",
    client_uuid=None,
    at=None,
    registered_here: bool,
) -> Stay:
    earlier = _replay(client_uuid, actor)
    if earlier is not None:
        return earlier
    require(actor, site, RECORD)
    at = at_or_now(at, "checked_in_at")
    errors: dict[str, list[str]] = {}
    if not site.active:
        errors["__all__"] = [_("该隔离点已停用，不能入住")]
    if room.site_id != site.pk:
        errors["room"] = [_("该房间不属于本隔离点")]
    elif room.out_of_service:
        errors["room"] = [_("%(room)s 已停用，请选择其他房间") % {"room": room}]
    if diet not in Stay.Diet.values:
        errors["diet"] = [_("特殊饮食选项不正确")]
    if transfer is not None:
        if transfer.destination != Transfer.Destination.SITE or transfer.site_id != site.pk:
            errors["transfer"] = [_("该转运单不是送往本隔离点的")]
        elif transfer.status == Transfer.Status.CANCELLED:
            errors["transfer"] = [_("该转运单已取消")]
        elif person.pk not in {p.pk for p in transfer_people(transfer)}:
            errors["person"] = [_("%(name)s 不在该转运单上") % {"name": person.name}]
    elif not registered_here and not covers(actor, person.scope_path, VIEW):
        # Only people the actor may see, or brought here by a transfer.
        raise PermissionDenied
    if order is not None and order.person_id != person.pk:
        errors["order"] = [_("所选管控措施不属于该人员")]
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        locked = SiteRoom.objects.select_for_update().get(pk=room.pk)
        inside = Stay.objects.filter(room=locked, checked_out_at__isnull=True).count()
        if inside >= locked.capacity:
            raise ValidationError(
                {
                    "room": [
                        _("%(room)s 已住满（%(n)d/%(cap)d 人），请选择其他房间")
                        % {"room": locked, "n": inside, "cap": locked.capacity}
                    ]
                }
            )
        if Stay.objects.filter(person=person, checked_out_at__isnull=True).exists():
            raise _already_staying(person, actor)
        if transfer is not None and transfer.status in OPEN_TRANSFER:
            from . import services_transfers

            # A check-in time typed to the minute may fall just before the recorded pick-up.
            steps = [t for t in (transfer.picked_up_at, transfer.assigned_at) if t is not None]
            services_transfers.hand_over(
                transfer, actor=actor, received_by_name=str(actor)[:50], at=max([at, *steps])
            )
        if order is None:
            order = central_order_of(person)
        if order is None and covers(actor, person.scope_path, CHANGE):
            order_type = central_order_type()
            if order_type is not None:
                from .services import place_order

                order = place_order(
                    person,
                    order_type,
                    actor=actor,
                    source=ControlOrder.Source.MANUAL,
                    reason=CHECKIN_REASON,
                    starts_on=timezone.localdate(at),
                    source_ref=f"{site.name} {locked}"[:200],
                )
        stay = Stay(
            site=site,
            room=locked,
            person=person,
            order=order,
            transfer=transfer,
            arrived_from=clean_text(arrived_from or "")[:200],
            file_note=(file_note or "").strip(),
            diet=diet,
            diet_note=clean_text(diet_note or "")[:100],
            medical_needs=clean_text(medical_needs or "")[:200],
            checked_in_at=at,
            checked_in_by=user_or_none(actor),
            client_uuid=client_uuid or None,
        )
        try:
            with transaction.atomic():
                create_object(stay, actor=actor)
        except IntegrityError as exc:
            # A concurrent check-in: the same UUID, or the same person, landed first.
            earlier = _replay(client_uuid, actor)
            if earlier is not None:
                return earlier
            raise _already_staying(person, actor) from exc
    return stay
