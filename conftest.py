"""Shared fixtures: a small world of two streets, and users with and without scope over it.

`world.a` is 北京路街道 (the users' street), `world.b` is 另一街道 (the outsider's street).
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client

from wangge.accounts.models import RoleAssignment, User
from wangge.accounts.roles import Role
from wangge.core.normalize import id_check_digit
from wangge.people.models import LeaderAssignment, Person, Residence, SpecialGroup
from wangge.places.models import Area, Building, Estate, Household, Unit

PASSWORD = "Wangge-test-2022"  # noqa: S105


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """A cheap hasher in tests: creating users with PBKDF2 costs ~0.4 s each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_id(seq: int, region: str = "220204", birth: str = "19800101", sex: str = "M") -> str:
    """A valid 18-digit ID number (sequence digits chosen so the sex digit matches)."""
    order = (seq % 99) * 10 + (1 if sex == "M" else 2)
    first17 = f"{region}{birth}{order:03d}"
    return first17 + id_check_digit(first17)


def _household(unit: Unit, floor: int, room: str, name: str, phone: str) -> Household:
    return Household.objects.create(
        building=unit.building,
        unit=unit,
        floor=floor,
        room=room,
        householder_name=name,
        people_count=2,
        phone=phone,
    )


def _person(hh: Household, name: str, seq: int, phone: str, relation="householder") -> Person:
    p = Person.objects.create(
        name=name, id_number=make_id(seq), phone=phone, scope_path=hh.scope_path
    )
    Residence.objects.create(person=p, household=hh, relation=relation)
    return p


def _user(username: str, role: str | None = None, **place) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, display_name=username)
    if role:
        RoleAssignment.objects.create(user=user, role=role, **place)
    return user


@pytest.fixture
def world(db):
    city = Area.objects.create(name="吉林市", code="2202", level=Area.Level.CITY)
    district = Area.objects.create(
        name="船营区", code="220204", level=Area.Level.DISTRICT, parent=city
    )
    street = Area.objects.create(
        name="北京路街道", code="220204001", level=Area.Level.STREET, parent=district
    )
    community = Area.objects.create(
        name="兴华社区", code="220204001001", level=Area.Level.COMMUNITY, parent=street
    )
    grid1 = Area.objects.create(
        name="第一网格", code="220204001001001", level=Area.Level.GRID, parent=community
    )
    grid2 = Area.objects.create(
        name="第二网格", code="220204001001002", level=Area.Level.GRID, parent=community
    )
    estate = Estate.objects.create(name="阳光小区", area=community)
    b1 = Building.objects.create(area=grid1, estate=estate, number="1", floors=6)
    b2 = Building.objects.create(area=grid2, estate=estate, number="2", floors=6)
    u11 = Unit.objects.create(building=b1, number="1")
    u12 = Unit.objects.create(building=b1, number="2")
    u21 = Unit.objects.create(building=b2, number="1")
    h101 = _household(u11, 1, "101", "张伟", "13900000101")
    h102 = _household(u11, 1, "102", "王芳", "13900000102")
    h201 = _household(u12, 2, "201", "李娜", "13900000201")
    h2_101 = _household(u21, 1, "101", "刘洋", "13900002101")
    zhang = _person(h101, "张伟", 1, "13800000001")
    zhang_wife = _person(h101, "陈静", 2, "13800000002", relation="member")
    wang = _person(h102, "王芳", 3, "13800000003")
    li = _person(h201, "李娜", 4, "13800000004")
    liu = _person(h2_101, "刘洋", 5, "13800000005")
    SpecialGroup.objects.create(person=wang, kind=SpecialGroup.Kind.ELDERLY_ALONE)
    LeaderAssignment.objects.create(role="grid", name="赵网格", phone="13700000001", area=grid1)
    LeaderAssignment.objects.create(
        role="building", name="钱楼长", phone="13700000002", building=b1
    )
    LeaderAssignment.objects.create(role="unit", name="孙单元", phone="13700000003", unit=u11)
    LeaderAssignment.objects.create(role="street", name="周街长", phone="13700000004", area=street)

    other_street = Area.objects.create(
        name="另一街道", code="220204002", level=Area.Level.STREET, parent=district
    )
    other_comm = Area.objects.create(
        name="远方社区", code="220204002001", level=Area.Level.COMMUNITY, parent=other_street
    )
    other_grid = Area.objects.create(
        name="远方网格", code="220204002001001", level=Area.Level.GRID, parent=other_comm
    )
    other_estate = Estate.objects.create(name="远方小区", area=other_comm)
    ob = Building.objects.create(area=other_grid, estate=other_estate, number="9")
    ou = Unit.objects.create(building=ob, number="1")
    oh = _household(ou, 3, "301", "吴敏", "13900009301")
    outsider_person = _person(oh, "吴敏", 9, "13800000009")

    users = SimpleNamespace(
        superuser=User.objects.create_superuser("root", "root@example.org", PASSWORD),
        admin=_user("admin_a", Role.ADMIN, area=street),
        commander=_user("commander_a", Role.COMMANDER, area=street),
        grid_leader=_user("grid1_leader", Role.GRID_LEADER, area=grid1),
        building_leader=_user("b1_leader", Role.BUILDING_LEADER, area=grid1, building=b1),
        volunteer=_user("volunteer_a", Role.VOLUNTEER, area=grid1),
        outsider=_user("outsider", Role.COMMANDER, area=other_street),
        nobody=_user("nobody"),
    )
    return SimpleNamespace(
        city=city,
        district=district,
        street=street,
        community=community,
        grid1=grid1,
        grid2=grid2,
        estate=estate,
        b1=b1,
        b2=b2,
        u11=u11,
        u12=u12,
        u21=u21,
        h101=h101,
        h102=h102,
        h201=h201,
        h2_101=h2_101,
        zhang=zhang,
        zhang_wife=zhang_wife,
        wang=wang,
        li=li,
        liu=liu,
        other_street=other_street,
        other_grid=other_grid,
        other_estate=other_estate,
        other_building=ob,
        other_unit=ou,
        other_household=oh,
        other_person=outsider_person,
        users=users,
    )


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def client_for():
    """client_for(user) -> a logged-in test client."""
    return login
