"""The home page per user scope, the navigation, and the change / access logs."""

from __future__ import annotations

import pytest
from django.urls import reverse

from wangge.accounts.models import RoleAssignment
from wangge.accounts.roles import Role
from wangge.core.audit import record_access
from wangge.core.models import AccessLog, ChangeLog
from wangge.places import services

pytestmark = pytest.mark.django_db


def test_home_single_root_is_its_dashboard(world, client_for):
    r = client_for(world.users.commander).get(reverse("core:home"))
    assert r.status_code == 200
    assert r.context["area"] == world.street
    assert r.context["total"].households == 4
    html = r.content.decode()
    assert "北京路街道" in html and "周街长" in html and "兴华社区" in html


def test_home_building_leader_goes_to_the_building(world, client_for):
    r = client_for(world.users.building_leader).get(reverse("core:home"))
    assert r.status_code == 302
    assert r["Location"] == reverse("places:building_detail", args=[world.b1.pk])


def test_home_unit_leader_goes_to_the_unit_households(world, client_for):
    user = world.users.nobody
    RoleAssignment.objects.create(
        user=user, role=Role.UNIT_LEADER, area=world.grid1, unit=world.u11
    )
    c = client_for(user)
    r = c.get(reverse("core:home"))
    assert r.status_code == 302
    r = c.get(r["Location"])
    assert {h.pk for h in r.context["page"]} == {world.h101.pk, world.h102.pk}


def test_home_several_roles_show_each(world, client_for):
    user = world.users.grid_leader
    RoleAssignment.objects.create(user=user, role=Role.VOLUNTEER, area=world.grid2)
    r = client_for(user).get(reverse("core:home"))
    assert r.status_code == 200
    cards = {c["label"]: c for c in r.context["cards"]}
    assert set(cards) == {"第一网格", "第二网格"}
    assert cards["第一网格"]["counts"].households == 3
    assert cards["第二网格"]["counts"].households == 1


def test_home_without_role_is_a_friendly_empty_state(world, client_for):
    r = client_for(world.users.nobody).get(reverse("core:home"))
    assert r.status_code == 200
    html = r.content.decode()
    assert "请联系系统管理员" in html
    assert "北京路街道" not in html


def test_nav_follows_permissions(world, client_for):
    def linked(html, name):
        return f'href="{reverse(name)}"' in html

    html = client_for(world.users.admin).get(reverse("core:home")).content.decode()
    for name in (
        "places:area_tree",
        "people:person_list",
        "places:household_list",
        "registry:import",
        "core:changelog",
        "accounts:user_list",
    ):
        assert linked(html, name), name
    html = client_for(world.users.grid_leader).get(reverse("core:home")).content.decode()
    assert not linked(html, "registry:import")
    assert not linked(html, "core:changelog") and not linked(html, "accounts:user_list")
    html = client_for(world.users.commander).get(reverse("core:home")).content.decode()
    assert linked(html, "registry:import") and not linked(html, "core:changelog")


def test_logs_only_for_managers(world, client_for):
    for user in (world.users.commander, world.users.grid_leader, world.users.nobody):
        c = client_for(user)
        assert c.get(reverse("core:changelog")).status_code == 403
        assert c.get(reverse("core:accesslog")).status_code == 403
    assert client_for(world.users.superuser).get(reverse("core:changelog")).status_code == 200


def test_changelog_is_scoped_and_masks(world, client_for):
    services.update_household(world.h101, {"phone": "13900000999"}, actor=world.users.commander)
    services.update_household(
        world.other_household, {"householder_name": "吴某某"}, actor=world.users.outsider
    )
    c = client_for(world.users.admin)
    r = c.get(reverse("core:changelog"))
    assert r.status_code == 200
    rows = list(r.context["rows"])
    assert [row.object_id for row in rows] == [str(world.h101.pk)]
    html = r.content.decode()
    assert "139****0101" in html and "139****0999" in html  # before → after, masked
    assert "13900000999" not in html
    assert "吴某某" not in html
    # The superuser sees both.
    assert (
        len(client_for(world.users.superuser).get(reverse("core:changelog")).context["rows"]) == 2
    )


def test_changelog_filters(world, client_for):
    services.update_household(world.h101, {"people_count": 5}, actor=world.users.commander)
    services.update_building(world.b1, {"floors": 7}, actor=world.users.grid_leader)
    c = client_for(world.users.admin)
    url = reverse("core:changelog")
    assert len(c.get(url, {"model": "places.building"}).context["rows"]) == 1
    assert len(c.get(url, {"actor": "grid1"}).context["rows"]) == 1
    assert len(c.get(url, {"date_from": "2000-01-01"}).context["rows"]) == 2
    assert len(c.get(url, {"date_to": "2000-01-01"}).context["rows"]) == 0
    r = c.get(url, {"date_from": "not a date"})
    assert r.status_code == 200 and r.context["form"].errors
    model_choices = dict(r.context["form"].fields["model"].choices)
    assert "places.building" in model_choices


def test_accesslog_shows_reveals_in_scope(world, client_for):
    c = client_for(world.users.grid_leader)
    c.post(reverse("places:household_reveal", args=[world.h101.pk]))
    record_access(
        world.users.outsider,
        AccessLog.Kind.EXPORT,
        "远方台账",
        rows=12,
        scope_path=world.other_grid.path,
    )
    r = client_for(world.users.admin).get(reverse("core:accesslog"))
    assert r.status_code == 200
    rows = list(r.context["page"])
    assert len(rows) == 1 and rows[0].actor == world.users.grid_leader
    assert "远方台账" not in r.content.decode()
    r = client_for(world.users.admin).get(reverse("core:accesslog"), {"actor": "nobody"})
    assert list(r.context["page"]) == []
    assert ChangeLog.objects.count() == 0
