"""Scope-test entries of the control app's sites part: the site list and form, one site's room
board, rooms, staff, check-in (with searches and a transfer named), readings and the 6 a.m.
report (page and .xlsx), one room, one stay (detail, reveal, edit, checkout, a parcel) and one
parcel; the API's sites, rooms, check-in and check-out. extra() makes a site of world.street
with rooms, a staff member, 张伟 checked in (his central quarantine order placed at check-in)
and a parcel for him."""

from __future__ import annotations

OBJECT_ARGS: dict = {
    "control:site_detail": lambda w, x: {"pk": x["sites_site"].pk},
    "control:site_edit": lambda w, x: {"pk": x["sites_site"].pk},
    "control:site_rooms": lambda w, x: {"pk": x["sites_site"].pk},
    "control:room_edit": lambda w, x: {"pk": x["sites_room"].pk},
    "control:site_staff": lambda w, x: {"pk": x["sites_site"].pk},
    "control:site_checkin": lambda w, x: {"pk": x["sites_site"].pk},
    "control:site_readings": lambda w, x: {"pk": x["sites_site"].pk},
    "control:site_report": lambda w, x: {"pk": x["sites_site"].pk},
    "control:site_report_xlsx": lambda w, x: {"pk": x["sites_site"].pk},
    "control:stay_detail": lambda w, x: {"pk": x["sites_stay"].pk},
    "control:stay_reveal": lambda w, x: {"pk": x["sites_stay"].pk},
    "control:stay_edit": lambda w, x: {"pk": x["sites_stay"].pk},
    "control:stay_checkout": lambda w, x: {"pk": x["sites_stay"].pk},
    "control:parcel_add": lambda w, x: {"pk": x["sites_stay"].pk},
    "control:parcel_mark": lambda w, x: {"pk": x["sites_parcel"].pk},
}
LIST_QUERIES: dict = {
    "control:site_list": ["", "?all=1", "?q=隔离"],
    "control:site_create": [""],
}
API_OBJECTS: dict = {
    "site_id": lambda w, x: x["sites_site"].pk,
    "stay_id": lambda w, x: x["sites_stay"].pk,
}
API_FILTERS: dict = {}


def extra(world) -> dict:
    from wangge.control import services_site_setup as site_setup
    from wangge.control import services_stay_checkin as stay_checkin
    from wangge.control import services_stays as stay_services

    commander = world.users.commander
    site = site_setup.create_site(
        actor=commander, area=world.street, name="北京路集中隔离酒店", address="江城路8号"
    )
    site_setup.add_rooms(site, actor=commander, building="1号楼", floors=(2, 3), rooms=(1, 3))
    room = site.rooms.get(number="201")
    site_setup.add_staff(site, actor=commander, group="health", name="白护士", phone="13600000088")
    stay = stay_checkin.check_in(
        site, room, world.zhang, actor=commander, diet="diabetic", medical_needs="每日胰岛素"
    )
    parcel = stay_services.receive_parcel(
        stay, actor=commander, description="换洗衣物", sender="陈静"
    )
    return {"sites_site": site, "sites_room": room, "sites_stay": stay, "sites_parcel": parcel}
