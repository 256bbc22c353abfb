"""Central quarantine sites (集中隔离点) on the web: the sites in scope with their occupancy, a
site's room board (buildings → floors → rooms), its rooms (bulk add) and its staff in the five
groups. Setting a site up needs CHANGE over its area (views_site_common)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.scope import CHANGE, VIEW, scope_paths
from wangge.people.forms import add_service_errors

from . import services_site_access as site_access
from . import services_site_setup as site_setup
from .forms_sites import RoomBulkForm, RoomForm, SiteForm, StaffForm
from .models_sites import Site, SiteRoom, SiteStaff, Stay
from .views_site_common import annotate_stay, get_site, open_stays, rights

# --- sites ------------------------------------------------------------------------------------


@login_required
def site_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    qs = site_access.sites_for(user, VIEW).select_related("area")
    show_all = request.GET.get("all") == "1"
    if not show_all:
        qs = qs.filter(active=True)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(address__contains=q))
    rows = list(qs)
    occ = site_setup.occupancies(rows)
    for site in rows:
        site.occ = occ[site.pk]
    return render(
        request,
        "control/sites/site_list.html",
        {
            "sites": rows,
            "q": q,
            "show_all": show_all,
            "can_create": bool(scope_paths(user, CHANGE)),
        },
    )


@login_required
def site_create(request: HttpRequest) -> HttpResponse:
    if not scope_paths(request.user, CHANGE):
        raise Http404
    form = SiteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            site = site_setup.create_site(
                actor=request.user,
                area=data["area"],
                name=data["name"],
                address=data["address"],
                phone=data["phone"],
            )
        except PermissionDenied:
            form.add_error("area", _("所选区域不存在或不在您的管辖范围内"))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已新建隔离点：%(name)s") % {"name": site.name})
            return redirect("control:site_rooms", pk=site.pk)
    return render(request, "control/sites/site_form.html", {"form": form, "site": None})


@login_required
def site_edit(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_site(request, pk, CHANGE)
    initial = {
        "name": site.name,
        "area": site.area_id,
        "address": site.address,
        "phone": site.phone,
        "active": site.active,
    }
    form = SiteForm(request.POST or None, user=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            site_setup.update_site(site, form.cleaned_data, actor=request.user)
        except PermissionDenied:
            form.add_error("area", _("所选区域不存在或不在您的管辖范围内"))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("control:site_detail", pk=site.pk)
    return render(request, "control/sites/site_form.html", {"form": form, "site": site})


# --- the room board ---------------------------------------------------------------------------


@dataclass
class Tile:
    room: SiteRoom
    stays: list[Stay] = field(default_factory=list)

    @property
    def state(self) -> str:
        if self.room.out_of_service:
            return "off"
        if not self.stays:
            return "free"
        return "full" if len(self.stays) >= self.room.capacity else "partial"


@dataclass
class Floor:
    number: int
    tiles: list[Tile] = field(default_factory=list)


@dataclass
class Block:
    building: str
    floors: list[Floor] = field(default_factory=list)
    rooms: int = 0
    people: int = 0
    free: int = 0


def room_board(site: Site, building: str = "") -> list[Block]:
    """Buildings → floors (top floor first) → room tiles with who is in them."""
    today = timezone.localdate()
    by_room: dict[int, list[Stay]] = defaultdict(list)
    for stay in open_stays(site):
        by_room[stay.room_id].append(annotate_stay(stay, today))
    rooms = SiteRoom.objects.filter(site=site)
    if building:
        rooms = rooms.filter(building=building)
    blocks: dict[str, Block] = {}
    floors: dict[tuple[str, int], Floor] = {}
    for room in rooms.order_by("building", "-floor", "number"):
        block = blocks.setdefault(room.building, Block(room.building))
        key = (room.building, room.floor)
        if key not in floors:
            floors[key] = Floor(room.floor)
            block.floors.append(floors[key])
        tile = Tile(room, by_room.get(room.pk, []))
        floors[key].tiles.append(tile)
        block.rooms += 1
        block.people += len(tile.stays)
        block.free += 1 if tile.state == "free" else 0
    return list(blocks.values())


@login_required
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_site(request, pk)
    building = request.GET.get("building", "").strip()
    buildings = list(
        SiteRoom.objects.filter(site=site)
        .order_by("building")
        .values_list("building", flat=True)
        .distinct()
    )
    if building not in buildings:
        building = ""
    return render(
        request,
        "control/sites/site_detail.html",
        {
            "site": site,
            "occ": site_setup.occupancy(site),
            "blocks": room_board(site, building),
            "buildings": buildings,
            "building": building,
            "tab": "board",
            **rights(request.user, site),
        },
    )


# --- rooms ------------------------------------------------------------------------------------


@login_required
def site_rooms(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_site(request, pk, CHANGE if request.method == "POST" else VIEW)
    form = RoomBulkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            added = site_setup.add_rooms(
                site,
                actor=request.user,
                building=data["building"],
                floors=(data["floor_from"], data["floor_to"]),
                rooms=(data["room_from"], data["room_to"]),
                capacity=data["capacity"],
                room_type=data["room_type"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已添加 %(n)d 间房") % {"n": len(added.created)},
            )
            if added.existing:
                messages.info(
                    request,
                    _("以下房号已存在，未改动：%(rooms)s")
                    % {"rooms": "、".join(added.existing[:30])},
                )
            return redirect("control:site_rooms", pk=site.pk)
    occ = site_setup.occupancy(site)
    rooms = list(SiteRoom.objects.filter(site=site).order_by("building", "floor", "number"))
    for room in rooms:
        room.inside = occ.by_room.get(room.pk, 0)
    return render(
        request,
        "control/sites/site_rooms.html",
        {
            "site": site,
            "rooms": rooms,
            "occ": occ,
            "form": form,
            "tab": "rooms",
            **rights(request.user, site),
        },
    )


@login_required
def room_edit(request: HttpRequest, pk: int) -> HttpResponse:
    room = get_object_or_404(
        site_access.rooms_for(request.user, VIEW).select_related("site__area"), pk=pk
    )
    if not site_access.may(request.user, room.site, CHANGE):
        raise PermissionDenied(_("您没有该操作的权限"))
    initial = {
        "capacity": room.capacity,
        "room_type": room.room_type,
        "out_of_service": room.out_of_service,
        "note": room.note,
    }
    form = RoomForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            site_setup.update_room(room, form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存 %(room)s") % {"room": room})
            return redirect("control:site_rooms", pk=room.site_id)
    return render(
        request, "control/sites/room_form.html", {"form": form, "room": room, "site": room.site}
    )


# --- staff ------------------------------------------------------------------------------------


@login_required
def site_staff(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_site(request, pk, CHANGE if request.method == "POST" else VIEW)
    action = request.POST.get("action", "add")
    form = StaffForm(request.POST if request.method == "POST" and action == "add" else None)
    if request.method == "POST":
        if action in ("deactivate", "activate"):
            staff_pk = request.POST.get("staff", "")
            if not staff_pk.isdigit():
                raise Http404
            staff = get_object_or_404(SiteStaff.objects.filter(site=site), pk=staff_pk)
            site_setup.set_staff_active(staff, action == "activate", actor=request.user)
            messages.success(
                request,
                (_("%(name)s 已离岗") if action == "deactivate" else _("%(name)s 已返岗"))
                % {"name": staff.name},
            )
            return redirect("control:site_staff", pk=site.pk)
        if form.is_valid():
            data = form.cleaned_data
            try:
                staff = site_setup.add_staff(
                    site,
                    actor=request.user,
                    group=data["group"],
                    name=data["name"],
                    phone=data["phone"],
                    user=data["username"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc, {"user": "username"})
            else:
                messages.success(request, _("已添加：%(staff)s") % {"staff": staff})
                return redirect("control:site_staff", pk=site.pk)
    members = SiteStaff.objects.filter(site=site).select_related("user")
    groups = [
        (value, label, [m for m in members if m.group == value])
        for value, label in SiteStaff.Group.choices
    ]
    return render(
        request,
        "control/sites/site_staff.html",
        {
            "site": site,
            "groups": groups,
            "form": form,
            "tab": "staff",
            **rights(request.user, site),
        },
    )
