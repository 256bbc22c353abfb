"""Quarantine site services: rooms added in bulk, capacity and out-of-service rooms, one open
stay per person, check-in (times, the central quarantine order linked or placed, a transfer
handed over, someone from another city registered, a retry returning the first stay),
checkout on release, parcels, and who may do what (scope and the site's staff)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from wangge.control import services_site_access as site_access
from wangge.control import services_site_setup as site_setup
from wangge.control import services_stay_checkin as stay_checkin
from wangge.control import services_stays as stay_services
from wangge.control.models import ControlOrder, Stay, Transfer
from wangge.control.services import place_order, release
from wangge.core.models import ChangeLog
from wangge.people.models import Person

from . import test_sites_fixtures as fx
from .test_sites_fixtures import central, room

# The shared fixtures, by name.
inspector, nurse, site = fx.inspector, fx.nurse, fx.site

pytestmark = pytest.mark.django_db


def messages(exc) -> str:
    return "；".join(exc.value.messages)


def test_rooms_are_added_a_building_at_a_time(world, site):
    commander = world.users.commander
    added = site_setup.add_rooms(
        site, actor=commander, building="2号楼", floors=(2, 6), rooms=(1, 20), capacity=2
    )
    numbers = [r.number for r in added.created]
    assert len(numbers) == 100 and numbers[0] == "201" and numbers[-1] == "620"
    assert "315" in numbers and all(r.capacity == 2 for r in added.created)
    assert ChangeLog.objects.filter(model="control.siteroom", action="create").count() == 106
    # Adding again keeps what is there and says so.
    again = site_setup.add_rooms(
        site, actor=commander, building="2号楼", floors=(6, 7), rooms=(19, 20)
    )
    assert [r.number for r in again.created] == ["719", "720"]
    assert again.existing == ["619", "620"]
    assert site.rooms.filter(building="2号楼").count() == 102
    with pytest.raises(ValidationError) as exc:
        site_setup.add_rooms(site, actor=commander, building="3号楼", floors=(6, 2), rooms=(1, 2))
    assert "起始楼层不能大于结束楼层" in messages(exc)
    with pytest.raises(ValidationError) as exc:
        site_setup.add_rooms(site, actor=commander, building=" ", floors=(1, 2), rooms=(1, 2))
    assert "请填写楼栋" in messages(exc)
    with pytest.raises(PermissionDenied):
        site_setup.add_rooms(
            site, actor=world.users.volunteer, building="3号楼", floors=(1, 1), rooms=(1, 1)
        )


def test_a_room_holds_at_most_its_capacity(world, site):
    commander = world.users.commander
    double = room(site, "201")
    stay_checkin.check_in(site, double, world.zhang, actor=commander)
    stay_checkin.check_in(site, double, world.zhang_wife, actor=commander)
    with pytest.raises(ValidationError) as exc:
        stay_checkin.check_in(site, double, world.wang, actor=commander)
    assert "1号楼 201 已住满（2/2 人）" in messages(exc)
    assert not Stay.objects.filter(person=world.wang).exists()
    occ = site_setup.occupancy(site)
    assert (occ.people, occ.used, occ.full, occ.free, occ.out_of_service) == (2, 1, 1, 4, 1)
    assert (occ.beds, occ.free_beds) == (6, 4)
    # Capacity cannot drop below who is inside, nor can the room be taken out of service.
    with pytest.raises(ValidationError) as exc:
        site_setup.update_room(double, {"capacity": 1}, actor=commander)
    assert "现住 2 人" in messages(exc)
    with pytest.raises(ValidationError):
        site_setup.update_room(double, {"out_of_service": True}, actor=commander)


def test_an_out_of_service_room_takes_no_one(world, site):
    with pytest.raises(ValidationError) as exc:
        stay_checkin.check_in(site, room(site, "303"), world.zhang, actor=world.users.commander)
    assert "1号楼 303 已停用" in messages(exc)
    other = site_setup.create_site(
        actor=world.users.commander, area=world.street, name="第二隔离点"
    )
    site_setup.add_rooms(
        other, actor=world.users.commander, building="A", floors=(1, 1), rooms=(1, 1)
    )
    with pytest.raises(ValidationError) as exc:
        stay_checkin.check_in(site, other.rooms.get(), world.zhang, actor=world.users.commander)
    assert "不属于本隔离点" in messages(exc)


def test_a_person_has_one_open_stay(world, site):
    commander = world.users.commander
    first = stay_checkin.check_in(site, room(site, "202"), world.zhang, actor=commander)
    with pytest.raises(ValidationError) as exc:
        stay_checkin.check_in(site, room(site, "203"), world.zhang, actor=commander)
    assert "张伟 已在北京路集中隔离酒店 1号楼 202入住" in messages(exc)
    assert "请先办理离开" in messages(exc)
    # The model refuses it too (two check-ins racing past the check).
    with pytest.raises(IntegrityError), transaction.atomic():
        Stay.objects.create(
            site=site,
            room=room(site, "203"),
            person=world.zhang,
            checked_in_at=timezone.now(),
        )
    # Once out, the person may come back.
    stay_services.check_out(first, actor=commander, note="转送医院")
    again = stay_checkin.check_in(site, room(site, "203"), world.zhang, actor=commander)
    assert again.pk != first.pk


def test_check_in_times_and_the_order(world, site):
    commander = world.users.commander
    # Arrived at 02:10 last night, entered this morning.
    night = timezone.localtime().replace(hour=2, minute=10, second=0, microsecond=0)
    night -= dt.timedelta(days=1)
    stay = stay_checkin.check_in(
        site,
        room(site, "202"),
        world.zhang,
        actor=commander,
        at=night,
        arrived_from="密接，自阳光小区转运",
        diet="diabetic",
        medical_needs="每日胰岛素",
    )
    assert stay.checked_in_at == night and stay.checked_in_by == commander
    assert stay.scope_path == site.scope_path
    # With no central quarantine order, one is placed from the night's date.
    order = stay.order
    assert order.order_type == central() and order.source == ControlOrder.Source.MANUAL
    assert order.reason == "集中隔离点入住" and order.starts_on == night.date()
    assert order.followups.filter(day=night.date()).count() == 4
    # An order already in force is linked, not doubled.
    existing = place_order(
        world.li, central(), actor=commander, source="contact_list", reason="密接"
    )
    now_stay = stay_checkin.check_in(site, room(site, "203"), world.li, actor=commander)
    assert now_stay.order == existing
    assert abs(now_stay.checked_in_at - timezone.now()) < dt.timedelta(minutes=1)
    assert ControlOrder.objects.filter(person=world.li).count() == 1
    # A time in the future is refused.
    with pytest.raises(ValidationError) as exc:
        stay_checkin.check_in(
            site,
            room(site, "301"),
            world.wang,
            actor=commander,
            at=timezone.now() + dt.timedelta(hours=2),
        )
    assert "时间不能晚于当前时间" in messages(exc)


def test_check_out_needs_the_release_or_a_note(world, site):
    commander = world.users.commander
    stay = stay_checkin.check_in(
        site,
        room(site, "202"),
        world.zhang,
        actor=commander,
        at=timezone.now() - dt.timedelta(hours=5),
    )
    with pytest.raises(ValidationError) as exc:
        stay_services.check_out(stay, actor=commander)
    assert "管控措施尚未解除" in messages(exc)
    with pytest.raises(ValidationError) as exc:
        stay_services.check_out(
            stay, actor=commander, note="x", at=stay.checked_in_at - dt.timedelta(hours=1)
        )
    assert "离开时间不能早于入住时间" in messages(exc)
    release(stay.order, actor=commander, note="指挥部决定提前解除", early=True)
    stay.refresh_from_db()
    at = timezone.now()
    stay_services.check_out(stay, actor=commander, at=at)
    stay.refresh_from_db()
    assert stay.checked_out_at == at and stay.checked_out_by == commander
    assert site_setup.occupancy(site).by_room == {}
    with pytest.raises(ValidationError) as exc:
        stay_services.check_out(stay, actor=commander, note="再次")
    assert "已于" in messages(exc)


def test_check_in_from_a_transfer_hands_it_over(world, site):
    from wangge.control.services_transfers import assign, request_transfer
    from wangge.control.services_vehicles import create_vehicle

    commander = world.users.commander
    vehicle = create_vehicle(
        actor=commander,
        area=world.street,
        plate="吉B54321",
        kind="bus",
        seats=10,
        driver_name="马师傅",
        driver_phone="13600000001",
    )
    transfer = request_transfer(
        actor=commander,
        household=world.h101,
        destination="site",
        site=site,
        urgency="urgent",
        reason="密接转集中隔离",
    )
    assign(transfer, vehicle, actor=commander)
    assert {p.pk for p in stay_checkin.transfer_people(transfer)} == {
        world.zhang.pk,
        world.zhang_wife.pk,
    }
    # Someone not on it is refused.
    with pytest.raises(ValidationError) as exc:
        stay_checkin.check_in(
            site, room(site, "202"), world.wang, actor=commander, transfer=transfer
        )
    assert "王芳 不在该转运单上" in messages(exc)
    stay = stay_checkin.check_in(
        site, room(site, "201"), world.zhang, actor=commander, transfer=transfer
    )
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.HANDED_OVER and stay.transfer == transfer
    assert transfer.handed_over_by == commander and transfer.handed_over_at == stay.checked_in_at
    # The rest of the household checks in on the same transfer, already handed over.
    wife = stay_checkin.check_in(
        site, room(site, "201"), world.zhang_wife, actor=commander, transfer=transfer
    )
    assert wife.transfer == transfer
    # A transfer to another site is refused.
    other = site_setup.create_site(actor=commander, area=world.street, name="第二隔离点")
    site_setup.add_rooms(other, actor=commander, building="A", floors=(1, 1), rooms=(1, 1))
    with pytest.raises(ValidationError) as exc:
        stay_checkin.check_in(
            other, other.rooms.get(), world.wang, actor=commander, transfer=transfer
        )
    assert "不是送往本隔离点的" in messages(exc)


def test_someone_from_another_city_is_registered_at_the_site(world, site, nurse):
    stay = stay_checkin.check_in_new_person(
        site,
        room(site, "202"),
        actor=world.users.commander,
        name="赵远 ",
        id_number="110101199001011237",
        phone="139 0000 1234",
        arrived_from="北京市来返",
    )
    person = stay.person
    assert (person.name, person.phone, person.home_area) == ("赵远", "13900001234", world.street)
    assert person.scope_path == world.street.path
    # The commander covers the street: the order is placed.
    assert stay.order is not None and stay.order.scope_path == world.street.path
    # The nurse registers one too; she may not place orders, so none is.
    stay2 = stay_checkin.check_in_new_person(site, room(site, "203"), actor=nurse, name="钱来")
    assert stay2.order is None and stay2.checked_in_by == nurse
    # An ID number already in the registry is not registered twice.
    with pytest.raises(ValidationError) as exc:
        stay_checkin.check_in_new_person(
            site, room(site, "301"), actor=nurse, name="张三", id_number=world.zhang.id_number
        )
    assert "已在人员库中登记" in messages(exc)
    assert not Person.objects.filter(name="张三").exists()


def test_a_retry_returns_the_first_stay(world, site):
    key = uuid.uuid4()
    first = stay_checkin.check_in(
        site, room(site, "202"), world.zhang, actor=world.users.commander, client_uuid=key
    )
    again = stay_checkin.check_in(
        site, room(site, "203"), world.zhang, actor=world.users.commander, client_uuid=key
    )
    assert again.pk == first.pk and again.room.number == "202"
    new = stay_checkin.check_in_new_person(
        site, room(site, "301"), actor=world.users.commander, name="钱来", client_uuid=key
    )
    assert new.pk == first.pk and not Person.objects.filter(name="钱来").exists()
    # Someone who cannot see that stay does not learn about it.
    with pytest.raises(ValidationError) as exc:
        stay_checkin.check_in(
            site, room(site, "301"), world.wang, actor=world.users.outsider, client_uuid=key
        )
    assert "client_uuid" in str(exc.value)


def test_parcels(world, site):
    commander = world.users.commander
    stay = stay_checkin.check_in(site, room(site, "202"), world.zhang, actor=commander)
    with pytest.raises(ValidationError) as exc:
        stay_services.receive_parcel(stay, actor=commander, description=" ", sender_phone="12")
    assert set(exc.value.message_dict) == {"description", "sender_phone"}
    parcel = stay_services.receive_parcel(
        stay, actor=commander, description="换洗衣物", sender="陈静", sender_phone="13800000002"
    )
    assert parcel.received_by == commander and not parcel.disinfected
    with pytest.raises(ValidationError) as exc:
        stay_services.deliver_parcel(parcel, actor=commander)
    assert "须先消杀再送达" in messages(exc)
    stay_services.mark_disinfected(parcel, actor=commander)
    stay_services.deliver_parcel(parcel, actor=commander)
    assert parcel.delivered_at is not None
    with pytest.raises(ValidationError):
        stay_services.deliver_parcel(parcel, actor=commander)
    stay_services.check_out(stay, actor=commander, note="转送医院")
    with pytest.raises(ValidationError) as exc:
        stay_services.receive_parcel(stay, actor=commander, description="水果")
    assert "已离开" in messages(exc)


def test_who_may_do_what(world, site, nurse, inspector):
    commander = world.users.commander
    target = room(site, "202")
    # Outside the site's area: nothing.
    for user in (world.users.outsider, world.users.grid_leader, world.users.volunteer):
        assert not site_access.sites_for(user).exists()
        with pytest.raises(PermissionDenied):
            stay_checkin.check_in(site, target, world.zhang, actor=user)
    # Looking is not recording.
    assert site_access.sites_for(inspector).exists()
    with pytest.raises(PermissionDenied):
        stay_checkin.check_in(site, target, world.zhang, actor=inspector)
    # The nurse sees her site and its stays, records there, but sets nothing up, and may not
    # pull a registry person she cannot see.
    stay = stay_checkin.check_in(site, target, world.zhang, actor=commander)
    assert list(site_access.sites_for(nurse)) == [site]
    assert list(site_access.stays_for(nurse)) == [stay]
    assert not site_access.sites_for(nurse, "change").exists()
    with pytest.raises(PermissionDenied):
        site_setup.add_rooms(site, actor=nurse, building="9", floors=(1, 1), rooms=(1, 1))
    with pytest.raises(PermissionDenied):
        stay_checkin.check_in(site, room(site, "203"), world.wang, actor=nurse)
    stay_services.receive_parcel(stay, actor=nurse, description="药品")
    # Off duty, she sees nothing.
    staff = site.staff.get(user=nurse)
    site_setup.set_staff_active(staff, False, actor=commander)
    nurse = type(nurse).objects.get(pk=nurse.pk)  # a new request: no cached access
    assert not site_access.sites_for(nurse).exists() and not site_access.stays_for(nurse).exists()
    with pytest.raises(PermissionDenied):
        stay_services.receive_parcel(stay, actor=nurse, description="药品")
