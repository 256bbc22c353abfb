"""Central quarantine sites (集中隔离点): the sites, their rooms (added a building and floors at a
time) and staff in the five groups, and each site's occupancy now.

Rules: a room holds at most `capacity` people at once and an out-of-service room takes none, so
a room's capacity never drops below the people in it and a room with people in it stays in
service. Who may set a site up is services_site_access's call (CHANGE over the site's area).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from wangge.core.audit import change_row, snapshot
from wangge.core.models import ChangeLog
from wangge.core.normalize import NormalizationError, clean_text, normalize_phone
from wangge.core.scope import CHANGE, covers
from wangge.core.services import create_object, update_object
from wangge.places.models import Area

from .models_sites import Parcel, Site, SiteReport, SiteRoom, SiteStaff, Stay
from .services_site_access import require

MAX_FLOORS = 60
MAX_ROOMS_PER_FLOOR = 99
MAX_NEW_ROOMS = 1000


# --- sites, rooms, staff ----------------------------------------------------------------------


def _clean_phone(value: str, field_name: str = "phone") -> str:
    try:
        return normalize_phone(value or "")
    except NormalizationError as exc:
        raise ValidationError({field_name: [str(exc)]}) from exc


def create_site(*, actor, area: Area, name: str, address: str = "", phone: str = "") -> Site:
    """A site run by `area` (a street, community or grid the actor may change)."""
    if not covers(actor, area.path, CHANGE):
        raise PermissionDenied
    name = clean_text(name or "")
    if not name:
        raise ValidationError({"name": [_("请填写隔离点名称")]})
    if Site.objects.filter(area=area, name=name).exists():
        raise ValidationError({"name": [_("该区域已有同名隔离点")]})
    return create_object(
        Site(
            area=area,
            name=name,
            address=clean_text(address or ""),
            phone=_clean_phone(phone),
        ),
        actor=actor,
    )


def update_site(site: Site, data: dict, *, actor) -> Site:
    """Change a site's name, address, phone, active flag or area (the new area also the
    actor's to change)."""
    require(actor, site, CHANGE)
    data = dict(data)
    if "name" in data:
        data["name"] = clean_text(data["name"] or "")
        if not data["name"]:
            raise ValidationError({"name": [_("请填写隔离点名称")]})
    if "phone" in data:
        data["phone"] = _clean_phone(data["phone"])
    if "address" in data:
        data["address"] = clean_text(data["address"] or "")
    area = data.get("area")
    if area is not None and area.pk != site.area_id and not covers(actor, area.path, CHANGE):
        raise PermissionDenied
    with transaction.atomic():
        update_object(site, data, actor=actor)
        if area is not None:
            # Everything at the site lives where the site is.
            for model in (SiteRoom, SiteStaff, Stay, SiteReport):
                model.objects.filter(site=site).update(scope_path=site.scope_path)
            Parcel.objects.filter(stay__site=site).update(scope_path=site.scope_path)
    return site


def room_number(floor: int, room: int) -> str:
    """Floor 2, room 1 → "201"; floor 12, room 5 → "1205"."""
    return f"{floor}{room:02d}"


@dataclass
class RoomsAdded:
    created: list[SiteRoom] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)  # numbers already there, left as they were


def add_rooms(
    site: Site,
    *,
    actor,
    building: str,
    floors: tuple[int, int],
    rooms: tuple[int, int],
    capacity: int = 1,
    room_type: str = SiteRoom.RoomType.SINGLE,
) -> RoomsAdded:
    """Add the rooms of a building in bulk: floors `floors[0]`…`floors[1]`, rooms
    `rooms[0]`…`rooms[1]` on each floor, numbered floor + two digits (floors 2–6, rooms 1–20
    → 201…620). Numbers already there are kept unchanged and reported."""
    require(actor, site, CHANGE)
    building = clean_text(building or "")
    errors: dict[str, list[str]] = {}
    if not building:
        errors["building"] = [_("请填写楼栋，如：1号楼")]
    first_floor, last_floor = floors
    first_room, last_room = rooms
    if not (-5 <= first_floor <= last_floor <= MAX_FLOORS):
        errors["floor_to"] = [
            _("楼层范围不正确：起始楼层不能大于结束楼层，最高 %(n)d 层") % {"n": MAX_FLOORS}
        ]
    if not (1 <= first_room <= last_room <= MAX_ROOMS_PER_FLOOR):
        errors["room_to"] = [
            _("房间范围不正确：每层房号为 1～%(n)d，起始不能大于结束") % {"n": MAX_ROOMS_PER_FLOOR}
        ]
    if not 1 <= capacity <= 20:
        errors["capacity"] = [_("床位数应为 1～20")]
    if room_type not in SiteRoom.RoomType.values:
        errors["room_type"] = [_("房型不正确")]
    if not errors and (last_floor - first_floor + 1) * (last_room - first_room + 1) > MAX_NEW_ROOMS:
        errors["__all__"] = [_("一次最多添加 %(n)d 间房") % {"n": MAX_NEW_ROOMS}]
    if errors:
        raise ValidationError(errors)
    wanted = [
        (f, room_number(f, r))
        for f in range(first_floor, last_floor + 1)
        if f != 0
        for r in range(first_room, last_room + 1)
    ]
    taken = set(
        SiteRoom.objects.filter(site=site, building=building).values_list("number", flat=True)
    )
    result = RoomsAdded(existing=[n for _f, n in wanted if n in taken])
    new = [
        SiteRoom(
            site=site,
            building=building,
            floor=f,
            number=n,
            capacity=capacity,
            room_type=room_type,
            scope_path=site.scope_path,
        )
        for f, n in wanted
        if n not in taken
    ]
    with transaction.atomic():
        result.created = SiteRoom.objects.bulk_create(new)
        ChangeLog.objects.bulk_create(
            [change_row(actor, ChangeLog.Action.CREATE, r, None, snapshot(r)) for r in new]
        )
    return result


def update_room(room: SiteRoom, data: dict, *, actor) -> SiteRoom:
    """Change a room's capacity, type, note or out-of-service flag. Capacity cannot drop below
    the people in the room now; a room with people in it cannot be taken out of service."""
    require(actor, room.site, CHANGE)
    inside = room.stays.filter(checked_out_at__isnull=True).count()
    if "capacity" in data and data["capacity"] is not None and data["capacity"] < max(inside, 1):
        raise ValidationError(
            {"capacity": [_("房间现住 %(n)d 人，床位不能少于此数") % {"n": inside}]}
        )
    if data.get("out_of_service") and not room.out_of_service and inside:
        raise ValidationError(
            {"out_of_service": [_("房间现住 %(n)d 人，请先安排离开或换房再停用") % {"n": inside}]}
        )
    update_object(room, data, actor=actor)
    return room


def add_staff(site: Site, *, actor, group: str, name: str, phone: str = "", user=None) -> SiteStaff:
    """A member of one of the five groups; `user` links their account (they then see the site
    and record there)."""
    require(actor, site, CHANGE)
    errors = {}
    if group not in SiteStaff.Group.values:
        errors["group"] = [_("请选择组别")]
    name = clean_text(name or "")
    if not name:
        errors["name"] = [_("请填写姓名")]
    if errors:
        raise ValidationError(errors)
    if user is not None and SiteStaff.objects.filter(site=site, user=user, active=True).exists():
        raise ValidationError({"user": [_("该账号已是本隔离点在岗人员")]})
    return create_object(
        SiteStaff(site=site, group=group, name=name, phone=_clean_phone(phone), user=user),
        actor=actor,
    )


def set_staff_active(staff: SiteStaff, active: bool, *, actor) -> SiteStaff:
    """Take a member off duty (their account no longer reaches the site) or back on."""
    require(actor, staff.site, CHANGE)
    update_object(staff, {"active": active}, actor=actor)
    return staff


# --- occupancy --------------------------------------------------------------------------------


@dataclass
class Occupancy:
    rooms: int = 0  # all rooms
    out_of_service: int = 0
    used: int = 0  # rooms with someone in them
    free: int = 0  # rooms in service with no one in them
    full: int = 0  # rooms in service at capacity
    beds: int = 0  # beds of the rooms in service
    beds_used: int = 0
    people: int = 0  # people staying now
    by_room: dict[int, int] = field(default_factory=dict)  # room id → people in it

    @property
    def in_service(self) -> int:
        return self.rooms - self.out_of_service

    @property
    def free_beds(self) -> int:
        return max(self.beds - self.beds_used, 0)


def occupancy(site: Site) -> Occupancy:
    """Rooms used and free, beds and people staying at `site` now (two queries)."""
    return occupancies([site])[site.pk]


def occupancies(sites) -> dict[int, Occupancy]:
    """Occupancy of each of `sites` now, in two queries (for lists)."""
    ids = [s.pk for s in sites]
    out = {pk: Occupancy() for pk in ids}
    counts: dict[int, int] = {}
    for site_id, room_id, n in (
        Stay.objects.filter(site_id__in=ids, checked_out_at__isnull=True)
        .values("site_id", "room_id")
        .annotate(n=Count("pk"))
        .values_list("site_id", "room_id", "n")
    ):
        counts[room_id] = n
        out[site_id].by_room[room_id] = n
        out[site_id].people += n
    for site_id, room_id, capacity, off in SiteRoom.objects.filter(site_id__in=ids).values_list(
        "site_id", "pk", "capacity", "out_of_service"
    ):
        occ, n = out[site_id], counts.get(room_id, 0)
        occ.rooms += 1
        occ.used += 1 if n else 0
        if off:
            occ.out_of_service += 1
            continue
        occ.beds += capacity
        occ.beds_used += min(n, capacity)
        occ.free += 0 if n else 1
        occ.full += 1 if n >= capacity else 0
    return out
