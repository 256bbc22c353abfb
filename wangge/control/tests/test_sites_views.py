"""Quarantine site pages: the list with occupancy, creating a site and adding rooms, the room
board (masked names, days remaining, out of service), staff, check-in (a registry person, a
transfer arriving, someone from another city), one stay (reveal logged), checkout, parcels,
today's readings with who is overdue, the 6 a.m. report (page and .xlsx, logged, frozen), and
scope: another street's site is a 404, the site's staff see its stays, an outsider nothing."""

from __future__ import annotations

import datetime as dt
import io
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from wangge.control import services_site_setup as site_setup
from wangge.control import services_stay_checkin as stay_checkin
from wangge.control.models import Alert, FollowUp, Parcel, Site, SiteReport, Stay, Transfer
from wangge.core.models import AccessLog

from . import test_sites_fixtures as fx
from .test_sites_fixtures import local, room

# The shared fixtures, by name.
inspector, nurse, site = fx.inspector, fx.nurse, fx.site

pytestmark = pytest.mark.django_db


def body(r) -> str:
    return r.content.decode()


def url(name, *args) -> str:
    return reverse(f"control:{name}", args=args)


def minute(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_site_list_create_and_rooms(world, client_for, site):
    c = client_for(world.users.commander)
    stay_checkin.check_in(site, room(site, "202"), world.zhang, actor=world.users.commander)
    r = c.get(url("site_list"))
    assert r.status_code == 200
    html = body(r)
    assert (
        "北京路集中隔离酒店" in html and "在住 <b>1</b> 人" in html and "空房 <b>4</b> 间" in html
    )
    # A new site, then its rooms in bulk.
    r = c.post(
        url("site_create"),
        {"name": "江城宾馆", "area": world.street.pk, "address": "江城路9号", "phone": ""},
    )
    new = Site.objects.get(name="江城宾馆")
    assert r.status_code == 302 and r.url == url("site_rooms", new.pk)
    r = c.post(
        url("site_rooms", new.pk),
        {
            "building": "1号楼",
            "floor_from": 2,
            "floor_to": 6,
            "room_from": 1,
            "room_to": 20,
            "capacity": 1,
            "room_type": "single",
        },
    )
    assert r.status_code == 302
    assert new.rooms.count() == 100
    assert "已添加 100 间房" in body(c.get(url("site_rooms", new.pk)))
    r = c.post(
        url("site_rooms", new.pk),
        {"building": "", "floor_from": 6, "floor_to": 2, "room_from": 1, "room_to": 2},
    )
    assert r.status_code == 200
    html = body(r)
    assert "请填写楼栋" in html and "结束楼层不能小于起始楼层" in html
    # Bad input on the site form.
    r = c.post(url("site_create"), {"name": "", "area": world.other_street.pk})
    assert r.status_code == 200
    assert "请填写隔离点名称" in body(r) and "所选区域不存在或不在您的管辖范围内" in body(r)
    # A volunteer may not create sites.
    assert client_for(world.users.volunteer).get(url("site_create")).status_code == 404


def test_the_room_board(world, client_for, site):
    commander = world.users.commander
    stay_checkin.check_in(site, room(site, "201"), world.zhang, actor=commander)
    c = client_for(commander)
    r = c.get(url("site_detail", site.pk))
    assert r.status_code == 200
    html = body(r)
    assert "张*" in html and "张伟" not in html and "剩14天" in html
    tiles = {
        tile.room.number: tile.state
        for block in r.context["blocks"]
        for floor in block.floors
        for tile in floor.tiles
    }
    assert tiles == {
        "201": "partial",
        "202": "free",
        "203": "free",
        "301": "free",
        "302": "free",
        "303": "off",
    }
    assert [f.number for f in r.context["blocks"][0].floors] == [3, 2]
    assert url("site_checkin", site.pk) + f"?room={room(site, '202').pk}" in html
    occ = r.context["occ"]
    assert (occ.people, occ.used, occ.free, occ.free_beds) == (1, 1, 4, 5)


def test_staff_groups(world, client_for, site, nurse):
    c = client_for(world.users.commander)
    r = c.get(url("site_staff", site.pk))
    assert r.status_code == 200 and "医学观察组" in body(r) and "nurse_bai" in body(r)
    r = c.post(
        url("site_staff", site.pk),
        {"action": "add", "group": "security", "name": "刘保安", "phone": "13600000077"},
    )
    assert r.status_code == 302
    assert site.staff.get(name="刘保安").group == "security"
    r = c.post(
        url("site_staff", site.pk),
        {"action": "add", "group": "", "name": "", "username": "nobody_here"},
    )
    assert r.status_code == 200
    assert "请选择组别" in body(r) and "没有该账号" in body(r)
    staff = site.staff.get(user=nurse)
    r = c.post(url("site_staff", site.pk), {"action": "deactivate", "staff": staff.pk})
    staff.refresh_from_db()
    assert r.status_code == 302 and not staff.active
    # The nurse cannot manage staff.
    staff.active = True
    staff.save()
    n = client_for(nurse)
    assert n.get(url("site_staff", site.pk)).status_code == 200
    assert (
        n.post(
            url("site_staff", site.pk), {"action": "add", "group": "health", "name": "x"}
        ).status_code
        == 403
    )


def test_check_in_a_registry_person(world, client_for, site):
    c = client_for(world.users.commander)
    page = c.get(url("site_checkin", site.pk), {"q": "张伟"})
    assert page.status_code == 200
    assert [p.pk for p in page.context["found"]] == [world.zhang.pk]
    page = c.get(url("site_checkin", site.pk), {"person": world.zhang.pk})
    assert "入住时自入住日起下达集中隔离" in body(page)
    room_choices = [r.number for r in page.context["form"].fields["room"].queryset]
    assert "303" not in room_choices and "202" in room_choices
    at = timezone.localtime() - dt.timedelta(hours=3)
    data = {
        "person": world.zhang.pk,
        "room": room(site, "202").pk,
        "checked_in_at": minute(at),
        "diet": "halal",
        "medical_needs": "高血压，每日服药",
        "client_uuid": "0b7b4f4e-0000-4000-8000-000000000001",
    }
    r = c.post(url("site_checkin", site.pk), data)
    stay = Stay.objects.get(person=world.zhang)
    assert r.status_code == 302 and r.url == url("stay_detail", stay.pk)
    assert minute(stay.checked_in_at) == minute(at) and stay.diet == "halal"
    assert stay.order is not None
    # A double tap lands on the same stay.
    r = c.post(url("site_checkin", site.pk), data)
    assert r.status_code == 302 and Stay.objects.filter(person=world.zhang).count() == 1
    # The same person again, without the key: refused, said why.
    data.pop("client_uuid")
    data["room"] = room(site, "203").pk
    r = c.post(url("site_checkin", site.pk), data)
    assert r.status_code == 200 and "请先办理离开" in body(r)
    # Nobody chosen and no name: refused.
    r = c.post(
        url("site_checkin", site.pk), {"room": room(site, "203").pk, "checked_in_at": minute(at)}
    )
    assert r.status_code == 200 and "请先搜索并选择人员" in body(r)
    # A person of another street cannot be named.
    r = c.get(url("site_checkin", site.pk), {"person": world.other_person.pk})
    assert r.status_code == 404


def test_check_in_someone_from_another_city(world, client_for, site, nurse):
    r = client_for(nurse).post(
        url("site_checkin", site.pk),
        {
            "name": "赵远",
            "id_number": "110101199001011237",
            "phone": "13900001234",
            "room": room(site, "203").pk,
            "checked_in_at": minute(timezone.localtime()),
            "arrived_from": "北京市来返",
        },
    )
    assert r.status_code == 302
    stay = Stay.objects.get(person__name="赵远")
    assert stay.person.scope_path == world.street.path and stay.order is None


def test_check_in_from_a_transfer(world, client_for, site, nurse):
    from wangge.control.services_transfers import assign, pick_up, request_transfer
    from wangge.control.services_vehicles import create_vehicle

    commander = world.users.commander
    vehicle = create_vehicle(
        actor=commander,
        area=world.street,
        plate="吉B54321",
        driver_name="马师傅",
        driver_phone="13600000001",
    )
    transfer = request_transfer(
        actor=commander,
        person=world.wang,
        destination="site",
        site=site,
        urgency="urgent",
        reason="密接转集中隔离",
    )
    assign(transfer, vehicle, actor=commander)
    pick_up(transfer, actor=commander)
    # The nurse sees it arriving, first on the page.
    n = client_for(nurse)
    page = n.get(url("site_checkin", site.pk))
    assert [t.pk for t, _waiting in page.context["transfers"]] == [transfer.pk]
    assert f"?transfer={transfer.pk}&amp;person={world.wang.pk}" in body(page)
    assert "王*" in body(page) and "王芳" not in body(page)
    page = n.get(url("site_checkin", site.pk), {"transfer": transfer.pk, "person": world.wang.pk})
    assert page.status_code == 200 and page.context["person"] == world.wang
    r = n.post(
        url("site_checkin", site.pk),
        {
            "transfer": transfer.pk,
            "person": world.wang.pk,
            "room": room(site, "202").pk,
            "checked_in_at": minute(timezone.localtime()),
        },
    )
    assert r.status_code == 302
    transfer.refresh_from_db()
    stay = Stay.objects.get(person=world.wang)
    assert transfer.status == Transfer.Status.HANDED_OVER and stay.transfer == transfer
    assert transfer.handed_over_by == nurse and stay.arrived_from == transfer.from_address
    # Someone not on the transfer cannot be slipped in through it.
    r = n.get(url("site_checkin", site.pk), {"transfer": transfer.pk, "person": world.li.pk})
    assert r.status_code == 404


def test_stay_detail_reveal_edit_parcels_checkout(world, client_for, site):
    commander = world.users.commander
    stay = stay_checkin.check_in(
        site,
        room(site, "202"),
        world.zhang,
        actor=commander,
        at=timezone.now() - dt.timedelta(hours=2),
    )
    c = client_for(commander)
    r = c.get(url("stay_detail", stay.pk))
    assert r.status_code == 200
    html = body(r)
    assert world.zhang.id_number not in html and world.zhang.id_number[-4:] in html
    assert "集中隔离" in html and "剩 14 天" in html
    assert AccessLog.objects.filter(model="control.stay", object_id=str(stay.pk)).exists()
    r = c.post(url("stay_reveal", stay.pk))
    assert world.zhang.id_number in body(r)
    assert AccessLog.objects.filter(
        model="people.person", object_id=str(world.zhang.pk), fields="id_number,phone"
    ).exists()
    assert c.get(url("stay_reveal", stay.pk)).status_code == 405
    # Diet and needs.
    r = c.post(
        url("stay_edit", stay.pk),
        {"diet": "vegetarian", "diet_note": "不吃蛋", "medical_needs": "哮喘"},
    )
    assert r.status_code == 302
    stay.refresh_from_db()
    assert (stay.diet, stay.diet_note, stay.medical_needs) == ("vegetarian", "不吃蛋", "哮喘")
    r = c.post(url("stay_edit", stay.pk), {"diet": "chips"})
    assert r.status_code == 200 and r.context["form"].errors["diet"]
    # A parcel: logged, disinfected, delivered.
    r = c.post(url("parcel_add", stay.pk), {"description": "", "sender_phone": "123"})
    assert r.status_code == 200 and "请填写物品" in body(r)
    r = c.post(
        url("parcel_add", stay.pk),
        {"description": "换洗衣物", "sender": "陈静", "received_at": minute(timezone.localtime())},
    )
    assert r.status_code == 302
    parcel = Parcel.objects.get(stay=stay)
    r = c.post(url("parcel_mark", parcel.pk), {"mark": "delivered"}, follow=True)
    assert "包裹须先消杀再送达" in body(r)
    c.post(url("parcel_mark", parcel.pk), {"mark": "disinfected"})
    c.post(url("parcel_mark", parcel.pk), {"mark": "delivered"})
    parcel.refresh_from_db()
    assert parcel.disinfected and parcel.delivered_at is not None
    # Checkout before the release needs a note.
    page = c.get(url("stay_checkout", stay.pk))
    assert "尚未解除" in body(page)
    r = c.post(
        url("stay_checkout", stay.pk), {"checked_out_at": minute(timezone.localtime()), "note": ""}
    )
    assert r.status_code == 200 and "提前离开须填写说明" in body(r)
    stay.refresh_from_db()
    assert stay.checked_out_at is None
    r = c.post(
        url("stay_checkout", stay.pk),
        {"checked_out_at": minute(timezone.localtime()), "note": "转送定点医院"},
    )
    assert r.status_code == 302 and r.url == url("site_detail", site.pk)
    stay.refresh_from_db()
    assert stay.checked_out_at is not None and stay.checkout_note == "转送定点医院"
    board = c.get(url("site_detail", site.pk))
    assert board.context["occ"].people == 0
    assert all(not t.stays for f in board.context["blocks"][0].floors for t in f.tiles)


def test_readings_today_and_who_is_overdue(world, client_for, site, nurse):
    commander = world.users.commander
    today = timezone.localdate()
    with mock.patch("django.utils.timezone.now", return_value=local(today, 8)):
        zhang = stay_checkin.check_in(site, room(site, "202"), world.zhang, actor=commander)
        stay_checkin.check_in(site, room(site, "203"), world.wang, actor=commander)
    c = client_for(commander)
    with mock.patch("django.utils.timezone.now", return_value=local(today, 15)):
        r = c.get(url("site_readings", site.pk))
        assert r.status_code == 200
        assert r.context["labels"] == ["早间体温", "午间体温", "晚间体温", "症状询问"]
        overdue = [(stay.person.name, f.label) for stay, f in r.context["overdue"]]
        assert overdue == [
            ("张伟", "早间体温"),
            ("张伟", "午间体温"),
            ("王芳", "早间体温"),
            ("王芳", "午间体温"),
        ]
        html = body(r)
        assert "逾期未测 4 项" in html and "张伟" not in html
        morning = FollowUp.objects.get(order=zhang.order, day=today, label="早间体温")
        r = c.post(
            url("site_readings", site.pk),
            {
                "followup": morning.pk,
                "temperature": "38.1",
                "client_uuid": "0b7b4f4e-0000-4000-8000-0000000000aa",
            },
            follow=True,
        )
        assert "已推送健康预警" in body(r)
        morning.refresh_from_db()
        assert str(morning.temperature) == "38.1" and morning.recorded_by == commander
        assert Alert.objects.filter(order=zhang.order, kind="fever").count() == 1
        r = c.get(url("site_readings", site.pk))
        assert len(r.context["overdue"]) == 3
        # Bad input is refused with the reason; a reading of someone not staying here is a 404.
        noon = FollowUp.objects.get(order=zhang.order, day=today, label="午间体温")
        r = c.post(
            url("site_readings", site.pk), {"followup": noon.pk, "temperature": "3"}, follow=True
        )
        assert "不在" in body(r) and "请核对" in body(r)
        noon.refresh_from_db()
        assert noon.done_at is None
    # An inspector looks but does not record.
    i = client_for(inspector_user(world))
    assert i.get(url("site_readings", site.pk)).status_code == 200
    assert (
        i.post(
            url("site_readings", site.pk), {"followup": noon.pk, "temperature": "36.5"}
        ).status_code
        == 403
    )


def inspector_user(world):
    from wangge.accounts.models import RoleAssignment, User

    user = User.objects.create_user("inspector_v", password="x-Secret-2022")
    RoleAssignment.objects.create(user=user, role="inspector", area=world.street)
    return user


def test_the_report_page_and_export(world, client_for, site):
    commander = world.users.commander
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    stay_checkin.check_in(
        site,
        room(site, "202"),
        world.zhang,
        actor=commander,
        at=local(yesterday - dt.timedelta(days=1), 23),
        diet="diabetic",
    )
    c = client_for(commander)
    r = c.get(url("site_report", site.pk), {"day": yesterday.isoformat()})
    assert r.status_code == 200
    html = body(r)
    assert "已定稿" in html and "糖尿病餐" in html and "张*" in html and "张伟" not in html
    assert r.context["f"]["people_in"] == 1 and len(r.context["f"]["arrivals"]) == 1
    frozen = SiteReport.objects.get(site=site, day=yesterday)
    assert AccessLog.objects.filter(kind="view", object_id=str(site.pk)).exists()
    # Entered later: the frozen report does not change.
    stay_checkin.check_in(
        site, room(site, "203"), world.wang, actor=commander, at=local(yesterday, 3)
    )
    r = c.get(url("site_report", site.pk), {"day": yesterday.isoformat()})
    assert r.context["f"]["people_in"] == 1 and r.context["frozen"].pk == frozen.pk
    r = c.get(url("site_report_xlsx", site.pk), {"day": yesterday.isoformat()})
    assert r.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(r.streaming_content)))
    rows = book.get_sheet_by_index(0).to_python()
    flat = [str(v) for row in rows for v in row]
    assert "在住人数" in flat and "张*" in flat and "糖尿病餐" in flat
    log = AccessLog.objects.get(kind="export")
    assert log.rows == len(rows) - 2 and log.scope_path == site.scope_path
    # The inspector views it, but may not export.
    i = client_for(inspector_user(world))
    day = {"day": yesterday.isoformat()}
    assert i.get(url("site_report", site.pk), day).status_code == 200
    assert i.get(url("site_report_xlsx", site.pk), day).status_code == 403
    # Today before six: a preview.
    today = timezone.localdate()
    with mock.patch("django.utils.timezone.now", return_value=local(today, 5)):
        r = c.get(url("site_report", site.pk), {"day": today.isoformat()})
    assert "预览" in body(r) and not SiteReport.objects.filter(day=today).exists()


def test_scope(world, client_for, site, nurse):
    commander = world.users.commander
    stay = stay_checkin.check_in(site, room(site, "202"), world.zhang, actor=commander)
    far = site_setup.create_site(
        actor=world.users.outsider, area=world.other_street, name="远方隔离点"
    )
    # Another street's site is a 404 to the street's commander, and not listed.
    c = client_for(commander)
    for name in ("site_detail", "site_rooms", "site_checkin", "site_readings", "site_report"):
        assert c.get(url(name, far.pk)).status_code == 404, name
    assert "远方隔离点" not in body(c.get(url("site_list")))
    # The site's staff see its stays (the person lives in a grid they have no role in).
    n = client_for(nurse)
    assert "北京路集中隔离酒店" in body(n.get(url("site_list")))
    assert n.get(url("stay_detail", stay.pk)).status_code == 200
    assert n.get(url("site_detail", site.pk)).status_code == 200
    assert n.get(url("site_edit", site.pk)).status_code == 403
    assert n.get(url("room_edit", room(site, "202").pk)).status_code == 403
    assert n.get(url("site_detail", far.pk)).status_code == 404
    # A grid leader of the street has no role over the street's site.
    g = client_for(world.users.grid_leader)
    assert g.get(url("site_detail", site.pk)).status_code == 404
    assert g.get(url("stay_detail", stay.pk)).status_code == 404
    # An outsider sees nothing.
    o = client_for(world.users.outsider)
    assert "北京路集中隔离酒店" not in body(o.get(url("site_list")))
    for name, pk in (
        ("site_detail", site.pk),
        ("stay_detail", stay.pk),
        ("stay_checkout", stay.pk),
        ("parcel_add", stay.pk),
    ):
        assert o.get(url(name, pk)).status_code == 404, name


def test_edit_a_site_and_a_room(world, client_for, site):
    c = client_for(world.users.commander)
    page = c.get(url("site_edit", site.pk))
    assert page.status_code == 200 and 'value="北京路集中隔离酒店"' in body(page)
    r = c.post(
        url("site_edit", site.pk),
        {"name": "北京路隔离酒店", "area": world.community.pk, "phone": "0432-62345678"},
    )
    assert r.status_code == 302
    site.refresh_from_db()
    assert (site.name, site.area, site.active) == ("北京路隔离酒店", world.community, False)
    assert set(site.rooms.values_list("scope_path", flat=True)) == {world.community.path}
    r = c.post(url("site_edit", site.pk), {"name": "x", "area": world.street.pk, "phone": "12"})
    assert r.status_code == 200 and r.context["form"].errors["phone"]
    target = room(site, "302")
    assert c.get(url("room_edit", target.pk)).status_code == 200
    r = c.post(
        url("room_edit", target.pk),
        {"capacity": 3, "room_type": "family", "out_of_service": "on", "note": "待消杀"},
    )
    assert r.status_code == 302
    target.refresh_from_db()
    assert (target.capacity, target.room_type, target.out_of_service) == (3, "family", True)
    r = c.post(url("room_edit", target.pk), {"capacity": 0, "room_type": "family"})
    assert r.status_code == 200 and r.context["form"].errors["capacity"]
