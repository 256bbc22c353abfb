"""Create/edit pages: validation messages, audited writes through the services, scope."""

from __future__ import annotations

import pytest
from django.urls import reverse

from wangge.core.models import ChangeLog
from wangge.places.models import Area, Building, Estate, Household, Unit

pytestmark = pytest.mark.django_db


def household_data(world, **over):
    data = {
        "unit": world.u11.pk,
        "room": "101",
        "floor": "1",
        "householder_name": "张伟",
        "people_count": "2",
        "phone": "13900000101",
        "notes": "",
    }
    data.update(over)
    return data


def test_household_edit_normalises_and_logs(world, client_for):
    c = client_for(world.users.grid_leader)
    url = reverse("places:household_edit", args=[world.h101.pk])
    assert c.get(url).status_code == 200
    r = c.post(
        url, household_data(world, phone="139 0000 0999", people_count="3", householder_name="張偉")
    )
    assert r.status_code == 302
    world.h101.refresh_from_db()
    assert world.h101.phone == "13900000999" and world.h101.people_count == 3
    assert world.h101.householder_name == "张伟"
    log = ChangeLog.objects.get(model="places.household", object_id=str(world.h101.pk))
    assert log.actor == world.users.grid_leader
    assert log.before["phone"] == "13900000101" and log.after["phone"] == "13900000999"


def test_household_edit_errors(world, client_for):
    c = client_for(world.users.commander)
    url = reverse("places:household_edit", args=[world.h101.pk])
    html = c.post(url, household_data(world, phone="12345")).content.decode()
    assert "电话" in html or "号码" in html
    html = c.post(url, household_data(world, room="102")).content.decode()  # taken by 王芳
    assert "alert-danger" in html
    r = c.post(url, household_data(world, room="  室 ", floor=""))
    assert "请填写户号" in r.context["form"].errors["room"]
    world.h101.refresh_from_db()
    assert world.h101.room == "101" and world.h101.phone == "13900000101"
    # A unit of another building is not a choice.
    r = c.post(url, household_data(world, unit=world.u21.pk))
    assert r.status_code == 200 and "unit" in r.context["form"].errors


def test_household_edit_needs_change_in_scope(world, client_for):
    url = reverse("places:household_edit", args=[world.h101.pk])
    assert client_for(world.users.volunteer).get(url).status_code == 404
    assert client_for(world.users.outsider).post(url, household_data(world)).status_code == 404
    assert (
        client_for(world.users.building_leader)
        .get(reverse("places:household_edit", args=[world.h2_101.pk]))
        .status_code
        == 404
    )


def test_household_create_derives_floor(world, client_for):
    c = client_for(world.users.building_leader)
    url = reverse("places:household_create", args=[world.b1.pk])
    r = c.post(url, household_data(world, unit=world.u12.pk, room="502室", floor="", phone=""))
    assert r.status_code == 302
    hh = Household.objects.get(unit=world.u12, room="502")
    assert hh.floor == 5 and hh.scope_path == world.u12.scope_path
    assert ChangeLog.objects.filter(model="places.household", action="create").exists()


def test_building_create_and_edit(world, client_for):
    c = client_for(world.users.grid_leader)
    url = reverse("places:building_create")
    r = c.get(url, {"grid": world.grid1.pk})
    assert r.status_code == 200
    grids = list(r.context["form"].fields["area"].queryset)
    assert grids == [world.grid1]
    r = c.post(url, {"area": world.grid1.pk, "number": "5号楼", "floors": "7"})
    assert r.status_code == 302
    b = Building.objects.get(area=world.grid1, number="5")
    assert b.floors == 7 and b.scope_path == f"{world.grid1.path}b{b.pk}/"
    # Duplicate number, bad floors, another grid: errors, nothing saved.
    r = c.post(url, {"area": world.grid1.pk, "number": "5", "floors": "7"})
    assert r.status_code == 200 and "该网格（小区）已有这个楼号" in r.content.decode()
    r = c.post(url, {"area": world.grid1.pk, "number": "6", "floors": "0"})
    assert "floors" in r.context["form"].errors
    r = c.post(url, {"area": world.grid2.pk, "number": "8", "floors": "6"})
    assert "area" in r.context["form"].errors
    assert Building.objects.filter(area=world.grid1).count() == 2
    # Edit
    edit = reverse("places:building_edit", args=[b.pk])
    r = c.post(
        edit,
        {"area": world.grid1.pk, "number": "5", "floors": "9", "name": "", "address": "北京路5号"},
    )
    assert r.status_code == 302
    b.refresh_from_db()
    assert b.floors == 9 and b.address == "北京路5号"


def test_building_create_without_any_grid_is_404(world, client_for):
    assert client_for(world.users.nobody).get(reverse("places:building_create")).status_code == 404


def test_unit_estate_area_create(world, client_for):
    c = client_for(world.users.commander)
    r = c.post(
        reverse("places:unit_create", args=[world.b2.pk]),
        {"number": "二单元", "rooms_per_floor": "2"},
    )
    assert r.status_code == 302
    assert Unit.objects.filter(building=world.b2, number="2").exists()
    r = c.post(
        reverse("places:unit_create", args=[world.b2.pk]), {"number": "2", "rooms_per_floor": "2"}
    )
    assert r.status_code == 200 and "alert-danger" in r.content.decode()

    r = c.post(
        reverse("places:estate_create", args=[world.community.pk]),
        {"name": "新华小区", "gates": "2", "property_phone": "0432-62345678"},
    )
    assert r.status_code == 302
    estate = Estate.objects.get(name="新华小区")
    r = c.post(
        reverse("places:estate_edit", args=[estate.pk]),
        {"name": "新华小区", "gates": "3", "property_phone": "abc"},
    )
    assert r.status_code == 200 and "property_phone" in r.context["form"].errors

    assert c.get(reverse("places:area_create", args=[world.community.pk])).status_code == 404
    c = client_for(world.users.admin)
    r = c.post(
        reverse("places:area_create", args=[world.community.pk]),
        {"name": "第三网格", "wechat_group": "三网格群"},
    )
    assert r.status_code == 302
    grid3 = Area.objects.get(name="第三网格")
    assert grid3.level == Area.Level.GRID and grid3.parent == world.community
    assert grid3.wechat_group == "三网格群"
    assert c.get(reverse("places:area_create", args=[grid3.pk])).status_code == 404
    r = c.post(reverse("places:area_create", args=[world.community.pk]), {"name": "第三网格"})
    assert r.status_code == 200 and r.context["form"].errors
