"""Control API, sites part: quarantine sites with their occupancy, a site's rooms with who is in
them, check-in (idempotent with client_uuid: a retry returns the same stay) and check-out.

Sites and stays are seen within the caller's scope or by the site's linked staff; others get
404. Check-in and check-out need RECORD at the site (403 for a caller who only sees it)."""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from wangge.api.access import user_of
from wangge.core.mask import mask_name
from wangge.core.scope import RECORD, VIEW
from wangge.people.models import Person
from wangge.places.api import PAGE, WRITE_RESPONSES, within_area

from . import services_site_access as site_access
from . import services_stay_checkin as stay_checkin
from . import services_stays as stay_services
from .models import ControlOrder
from .models_sites import Site, SiteRoom, Stay
from .schemas_sites import CheckInIn, CheckOutIn, RoomOut, SiteOut, StayOut

router = Router()
STAY_RELATED = ("room", "person", "site")


def _count(qs) -> Subquery:
    return Coalesce(
        Subquery(
            qs.order_by().values("site_id").annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def _with_occupancy(qs):
    open_stays = Stay.objects.filter(site_id=OuterRef("pk"), checked_out_at__isnull=True)
    rooms = SiteRoom.objects.filter(site_id=OuterRef("pk"))
    occupied = Stay.objects.filter(checked_out_at__isnull=True).values("room_id")
    return qs.annotate(
        n_rooms=_count(rooms),
        n_rooms_out_of_service=_count(rooms.filter(out_of_service=True)),
        n_rooms_used=_count(rooms.filter(pk__in=occupied)),
        n_rooms_free=_count(rooms.filter(out_of_service=False).exclude(pk__in=occupied)),
        n_beds=Coalesce(
            Subquery(
                rooms.filter(out_of_service=False)
                .order_by()
                .values("site_id")
                .annotate(n=Sum("capacity"))
                .values("n"),
                output_field=IntegerField(),
            ),
            0,
        ),
        n_people_in=_count(open_stays),
    )


@router.get("/sites", response=list[SiteOut], summary="集中隔离点（含当前入住情况）")
@paginate(PageNumberPagination, **PAGE)
def list_sites(request, area: int | None = None, active: bool | None = None):
    qs = within_area(site_access.sites_for(user_of(request), VIEW), area)
    if active is not None:
        qs = qs.filter(active=active)
    return _with_occupancy(qs.select_related("area")).order_by("name", "pk")


@router.get(
    "/sites/{int:site_id}/rooms",
    response=list[RoomOut],
    summary="隔离点的房间及在住人员（姓名脱敏）",
)
def list_rooms(request, site_id: int):
    site = get_object_or_404(site_access.sites_for(user_of(request), VIEW), pk=site_id)
    today = timezone.localdate()
    inside = defaultdict(list)
    for stay in (
        Stay.objects.filter(site=site, checked_out_at__isnull=True)
        .select_related("person", "order")
        .order_by("checked_in_at", "pk")
    ):
        order = stay.order
        inside[stay.room_id].append(
            {
                "stay_id": stay.pk,
                "person_id": stay.person_id,
                "name": mask_name(stay.person.name),
                "checked_in_at": stay.checked_in_at,
                "order_id": stay.order_id,
                "days_remaining": order.days_remaining(today)
                if order is not None and order.status == ControlOrder.Status.ACTIVE
                else None,
            }
        )
    out = []
    for room in SiteRoom.objects.filter(site=site).order_by("building", "floor", "number"):
        occupants = inside.get(room.pk, [])
        out.append(
            {
                "id": room.pk,
                "building": room.building,
                "floor": room.floor,
                "number": room.number,
                "capacity": room.capacity,
                "room_type": room.room_type,
                "out_of_service": room.out_of_service,
                "note": room.note,
                "occupants": occupants,
                "free_beds": 0 if room.out_of_service else max(room.capacity - len(occupants), 0),
            }
        )
    return out


def _person_for(request, site: Site, payload: CheckInIn, transfer):
    if payload.person_id is None:
        return None
    if transfer is not None:
        carried = {p.pk: p for p in stay_checkin.transfer_people(transfer)}
        if payload.person_id in carried:
            return carried[payload.person_id]
    person = Person.objects.for_user(user_of(request), VIEW).filter(pk=payload.person_id).first()
    if person is None:
        raise ValidationError({"person_id": [_("人员不存在或不在您的管辖范围内")]})
    return person


@router.post(
    "/sites/{int:site_id}/checkin",
    response={200: StayOut, 201: StayOut, **WRITE_RESPONSES},
    summary="入住登记（带 client_uuid 重试时返回同一条入住记录）",
)
def post_checkin(request, site_id: int, payload: CheckInIn):
    user = user_of(request)
    site = get_object_or_404(site_access.sites_for(user, VIEW), pk=site_id)
    if not site_access.may(user, site, RECORD):
        raise PermissionDenied

    def create(client_uuid=None):
        if (payload.person_id is None) == (payload.new_person is None):
            raise ValidationError(
                {
                    "person_id": [
                        _("请指定 person_id（人员库中的人员）或 new_person（外来人员），二选一")
                    ]
                }
            )
        room = SiteRoom.objects.filter(site=site, pk=payload.room_id).first()
        if room is None:
            raise ValidationError({"room_id": [_("该房间不属于本隔离点")]})
        transfer = None
        if payload.transfer_id is not None:
            transfer = (
                stay_checkin.arriving_transfers(user, site).filter(pk=payload.transfer_id).first()
            )
            if transfer is None:
                raise ValidationError({"transfer_id": [_("没有送往本隔离点的该转运单")]})
        order = None
        if payload.order_id is not None:
            order = ControlOrder.objects.filter(pk=payload.order_id).first()
            if order is None:
                raise ValidationError({"order_id": [_("管控措施不存在")]})
        fields = {
            "arrived_from": payload.arrived_from,
            "file_note": payload.file_note,
            "diet": payload.diet,
            "diet_note": payload.diet_note,
            "medical_needs": payload.medical_needs,
            "at": payload.checked_in_at,
            "client_uuid": client_uuid,
        }
        person = _person_for(request, site, payload, transfer)
        if person is None:
            np = payload.new_person
            return stay_checkin.check_in_new_person(
                site,
                room,
                actor=user,
                name=np.name,
                id_number=np.id_number,
                phone=np.phone,
                transfer=transfer,
                order=order,
                **fields,
            )
        return stay_checkin.check_in(
            site, room, person, actor=user, order=order, transfer=transfer, **fields
        )

    # A retry returns the first stay (to the site's staff too, who see it through the site).
    if payload.client_uuid is not None:
        earlier = site_access.stays_for(user, VIEW).filter(client_uuid=payload.client_uuid).first()
        if earlier is not None:
            return Status(200, Stay.objects.select_related(*STAY_RELATED).get(pk=earlier.pk))
    with transaction.atomic():
        stay = create(client_uuid=payload.client_uuid)
    return Status(201, Stay.objects.select_related(*STAY_RELATED).get(pk=stay.pk))


@router.post(
    "/stays/{int:stay_id}/checkout",
    response={200: StayOut, **WRITE_RESPONSES},
    summary="办理离开（管控措施未解除时须填写说明）",
)
def post_checkout(request, stay_id: int, payload: CheckOutIn):
    user = user_of(request)
    stay = (
        site_access.stays_for(user, VIEW).select_related("site", "order").filter(pk=stay_id).first()
    )
    if stay is None:
        raise Http404
    if not site_access.may(user, stay.site, RECORD):
        raise PermissionDenied
    stay_services.check_out(stay, actor=user, note=payload.note, at=payload.checked_out_at)
    return Stay.objects.select_related(*STAY_RELATED).get(pk=stay.pk)
