"""Scope is a queryset: each role sees exactly its part of the chain."""

import pytest

from wangge.accounts.models import RoleAssignment
from wangge.accounts.roles import Role
from wangge.core.scope import CHANGE, EXPORT, MANAGE, VIEW, covers, scope_paths
from wangge.people.models import LeaderAssignment, Person, Residence, SpecialGroup
from wangge.places.models import Area, Building, Estate, Household, Unit


def names(qs):
    return set(qs.values_list("name", flat=True))


def test_commander_sees_whole_street_and_nothing_else(world):
    u = world.users.commander
    assert names(Person.objects.for_user(u)) == {"张伟", "陈静", "王芳", "李娜", "刘洋"}
    assert world.other_person.pk not in Person.objects.for_user(u).values_list("pk", flat=True)
    assert set(Area.objects.for_user(u)) == {
        world.street,
        world.community,
        world.grid1,
        world.grid2,
    }


def test_grid_leader_sees_one_grid(world):
    u = world.users.grid_leader
    assert names(Person.objects.for_user(u)) == {"张伟", "陈静", "王芳", "李娜"}
    assert set(Building.objects.for_user(u)) == {world.b1}
    assert set(Household.objects.for_user(u)) == {world.h101, world.h102, world.h201}


def test_building_leader_sees_one_building(world):
    u = world.users.building_leader
    assert set(Building.objects.for_user(u)) == {world.b1}
    assert set(Unit.objects.for_user(u)) == {world.u11, world.u12}
    assert not Area.objects.for_user(u).exists()
    assert names(Person.objects.for_user(u)) == {"张伟", "陈静", "王芳", "李娜"}


def test_unit_assignment_narrows_to_the_unit(world):
    u = world.users.nobody
    RoleAssignment.objects.create(user=u, role=Role.UNIT_LEADER, area=world.grid1, unit=world.u12)
    assert names(Person.objects.for_user(u)) == {"李娜"}
    assert set(Household.objects.for_user(u)) == {world.h201}


def test_outsider_and_nobody_see_nothing_of_the_street(world):
    for u in (world.users.outsider, world.users.nobody):
        for model in (
            Person,
            Household,
            Unit,
            Building,
            Residence,
            SpecialGroup,
            LeaderAssignment,
            Estate,
        ):
            visible = model.objects.for_user(u)
            assert not visible.filter(scope_path__startswith=world.street.path).exists(), model
        assert not Area.objects.for_user(u).filter(path__startswith=world.street.path).exists()
    assert not Person.objects.for_user(world.users.nobody).exists()


def test_anonymous_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not Person.objects.for_user(AnonymousUser()).exists()
    assert not Person.objects.for_user(None).exists()


def test_superuser_sees_everything(world):
    assert Person.objects.for_user(world.users.superuser).count() == Person.objects.count()


def test_actions_follow_the_role(world):
    vol = world.users.volunteer
    assert Person.objects.for_user(vol, VIEW).exists()
    assert not Person.objects.for_user(vol, CHANGE).exists()
    assert Person.objects.for_user(world.users.grid_leader, EXPORT).exists()
    assert not Person.objects.for_user(world.users.grid_leader, MANAGE).exists()
    assert covers(world.users.admin, world.zhang.scope_path, MANAGE)


def test_prefix_does_not_leak_to_sibling_with_longer_id(world):
    """'/1/5/' must not match '/1/50/': paths end with a slash."""
    paths = scope_paths(world.users.grid_leader)
    assert all(p.endswith("/") for p in paths)
    assert not world.grid2.path.startswith(paths[0])


def test_inactive_assignment_and_inactive_user_see_nothing(world):
    u = world.users.grid_leader
    RoleAssignment.objects.filter(user=u).update(active=False)
    u.__dict__.pop("_wangge_scope_cache", None)
    assert not Person.objects.for_user(u).exists()


def test_person_scope_follows_living_household(world):
    from wangge.people.services import add_residence, end_residence

    actor = world.users.commander
    res = Residence.objects.get(person=world.li)
    add_residence(person=world.li, household=world.h2_101, actor=actor, relation="tenant")
    end_residence(res, actor=actor, until=None)
    world.li.refresh_from_db()
    assert world.li.scope_path == world.h2_101.scope_path
    assert "李娜" not in names(Person.objects.for_user(world.users.building_leader))


@pytest.mark.django_db
def test_moving_a_building_moves_its_people(world):
    from wangge.places.services import update_building

    update_building(world.b1, {"area": world.grid2}, actor=world.users.commander)
    assert "张伟" not in names(Person.objects.for_user(world.users.grid_leader))
    assert Household.objects.get(pk=world.h101.pk).scope_path.startswith(world.grid2.path)
