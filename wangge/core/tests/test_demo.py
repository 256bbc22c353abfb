"""`wangge demo`: a synthetic street, exact at full scale, valid, deterministic, with users."""

from __future__ import annotations

import hashlib
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q
from django.test import Client

from wangge.accounts.models import User
from wangge.accounts.roles import Role
from wangge.core.demo.layout import FULL_SCALE, targets
from wangge.core.demo.plan import plan_street
from wangge.core.demo.users import DEMO_PASSWORD, DEMO_USERNAMES
from wangge.core.models import ChangeLog
from wangge.core.normalize import id_info, normalize_id_number, normalize_phone
from wangge.people.models import LeaderAssignment, Person, Residence, SpecialGroup
from wangge.places.models import Area, Building, CommandZone, Estate, Household, Unit

SMALL = 0.02


@pytest.fixture(scope="module")
def full_plan():
    return plan_street()


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", "--scale", str(SMALL), *args, stdout=out)
    return out.getvalue()


def registry_digest() -> str:
    rows = Residence.objects.values_list(
        "household__building__estate__name",
        "household__building__number",
        "household__unit__number",
        "household__room",
        "relation",
        "person__name",
        "person__id_number",
        "person__phone",
    )
    return hashlib.sha256(repr(sorted(rows, key=repr)).encode()).hexdigest()


# --- the plan (no database) ------------------------------------------------------------------


def test_full_scale_plan_hits_the_reported_street_exactly(full_plan):
    counts = full_plan.counts()
    assert {
        k: counts[k]
        for k in ("grids", "zones", "buildings", "units", "households", "persons", "communities")
    } == {
        "grids": 45,
        "zones": 22,
        "buildings": 348,
        "units": 1324,
        "households": 21345,
        "persons": 39303,
        "communities": 8,
    }
    assert counts["cities"] == counts["districts"] == counts["streets"] == 1
    # The five leaders: 1 street, 3 road, one per grid, building and unit.
    assert (
        counts["leaders_street"],
        counts["leaders_road"],
        counts["leaders_grid"],
        counts["leaders_building"],
        counts["leaders_unit"],
    ) == (1, 3, 45, 348, 1324)
    assert counts["leaders_commander"] == 22
    assert 22 <= counts["leaders_deputy"] <= 44
    assert all(2 <= len(z.grids) <= 3 for z in full_plan.layout.zones)
    assert sorted(g for z in full_plan.layout.zones for g in z.grids) == full_plan.layout.grids


def test_full_scale_plan_is_plausible(full_plan):
    lay, persons = full_plan.layout, full_plan.persons
    assert all(5 <= b.floors <= 18 for b in lay.buildings)
    assert all(1 <= len(b.units) <= 8 for b in lay.buildings)
    # People per household: some vacant flats, about 1.84 per flat overall.
    assert sum(len(h.people) for h in lay.households) == 39303
    assert all(h.vacant == (not h.people) for h in lay.households)
    assert 0.03 < sum(h.vacant for h in lay.households) / len(lay.households) < 0.15
    # Special groups in plausible shares of the population.
    shares = Counter(k for p in persons for k in p.groups)
    for kind, share in {
        "elderly_alone": 0.03,
        "immobile": 0.01,
        "pregnant": 0.005,
        "chronic": 0.06,
        "disabled": 0.015,
        "online_school": 0.08,
        "no_smartphone": 0.05,
        "no_id": 0.003,
    }.items():
        assert shares[kind] == pytest.approx(share * len(persons), rel=0.05), kind
    assert 10 <= shares["dialysis"] <= 40
    # Ages agree with the groups and the households.
    for p in persons:
        hh = lay.households[p.household]
        if "elderly_alone" in p.groups:
            assert p.age >= 65 and len(hh.people) == 1
        if "online_school" in p.groups:
            assert 6 <= p.age <= 17
        if "pregnant" in p.groups:
            assert p.sex == "F" and 22 <= p.age <= 40
        if p.relation == "householder":
            assert p.age >= 18
        assert p.has_smartphone == ("no_smartphone" not in p.groups)
    surnames = Counter(p.name[0] for p in persons)
    assert {s for s, _n in surnames.most_common(3)} == {"王", "李", "张"}
    assert all(2 <= len(p.name) <= 4 for p in persons)


def test_plan_ids_and_phones_are_valid_and_unique(full_plan):
    persons = full_plan.persons
    ids = [p.id_number for p in persons if p.id_number]
    assert len(ids) == len(set(ids)) == len(persons) - sum("no_id" in p.groups for p in persons)
    for p in persons:
        if p.id_number is None:
            assert "no_id" in p.groups
            continue
        assert p.id_number.startswith("2202")
        assert normalize_id_number(p.id_number) == p.id_number
        assert id_info(p.id_number) == (p.sex, p.birth_date)
    phones = [p.phone for p in persons if p.phone] + [
        x.phone for x in full_plan.leaders if x.person is None
    ]
    assert len(phones) == len(set(phones))
    assert all(normalize_phone(ph) == ph and ph[:2] in {"13", "15", "18"} for ph in phones)


def test_plan_is_deterministic_per_seed():
    def fingerprint(plan):
        return [(p.name, p.id_number, p.phone, p.household) for p in plan.persons]

    assert fingerprint(plan_street(7, SMALL)) == fingerprint(plan_street(7, SMALL))
    assert fingerprint(plan_street(7, SMALL)) != fingerprint(plan_street(8, SMALL))


def test_small_scale_is_proportional():
    counts = plan_street(scale=SMALL).counts()
    assert targets(SMALL)["persons"] == 786
    for key in ("grids", "zones", "buildings", "units", "households", "persons"):
        assert counts[key] == max(1, round(FULL_SCALE[key] * SMALL)), key


def test_bad_scale_is_refused(db):
    with pytest.raises(CommandError, match="--scale"):
        call_command("demo", "--scale", "0", stdout=StringIO())
    assert not Area.objects.exists()


# --- the database ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_builds_the_planned_street():
    out = run_demo()
    plan = plan_street(scale=SMALL)
    counts = plan.counts()
    assert Area.objects.filter(level=Area.Level.GRID).count() == counts["grids"]
    assert CommandZone.objects.count() == counts["zones"]
    assert Estate.objects.count() == counts["estates"]
    assert Building.objects.count() == counts["buildings"]
    assert Unit.objects.count() == counts["units"]
    assert Household.objects.count() == counts["households"]
    assert Person.objects.count() == Residence.objects.count() == counts["persons"]
    assert SpecialGroup.objects.count() == counts["special_groups"]
    assert Person.objects.filter(id_number__isnull=True).count() == counts.get("group_no_id", 0)
    # One change log row for the whole demo, not one per object.
    log = ChangeLog.objects.get()
    assert (log.model, log.action, log.channel) == ("demo", "create", "cli")
    assert log.after["persons"] == counts["persons"]
    # The summary and the table of demo users with the password.
    assert "祥鹿街道" in out
    for username in DEMO_USERNAMES:
        assert username in out
    assert DEMO_PASSWORD in out


@pytest.mark.django_db
def test_paths_and_derived_fields_are_what_save_would_compute():
    run_demo()
    for area in Area.objects.all():
        assert area.path == area.compute_path()
    for b in Building.objects.select_related("area"):
        assert b.scope_path == b.compute_path() and b.sort_key == int(b.number)
    for u in Unit.objects.select_related("building"):
        assert u.scope_path == u.compute_path()
    assert not Household.objects.exclude(scope_path__startswith="/").exists()
    for r in Residence.objects.select_related("person", "household"):
        assert r.scope_path == r.household.scope_path == r.person.scope_path
    for g in SpecialGroup.objects.select_related("person")[:200]:
        assert g.scope_path == g.person.scope_path
    for p in Person.objects.filter(id_number__isnull=False)[:200]:
        assert (p.sex, p.birth_date) == id_info(p.id_number)
        assert p.name_initials and p.id_tail == p.id_number[-4:]
        assert p.phone_tail == p.phone[-4:]


@pytest.mark.django_db
def test_every_place_has_its_leader_and_households_count_living_people():
    run_demo()
    assert not Area.objects.filter(level=Area.Level.GRID).exclude(leaders__role="grid").exists()
    assert not Building.objects.exclude(leaders__role="building").exists()
    assert not Unit.objects.exclude(leaders__role="unit").exists()
    assert not CommandZone.objects.exclude(leaders__role="commander").exists()
    assert not CommandZone.objects.exclude(leaders__role="deputy").exists()
    assert LeaderAssignment.objects.filter(role="street").count() == 1
    street = Area.objects.get(level=Area.Level.STREET)
    assert street.name == "祥鹿街道" and street.full_name() == "吉林市/船营区/祥鹿街道"
    # Resident leaders live in the building or unit they lead.
    for leader in LeaderAssignment.objects.filter(role="unit", person__isnull=False)[:50]:
        assert leader.person.scope_path == leader.unit.scope_path
    wrong = Household.objects.annotate(
        living=Count("residences", filter=Q(residences__living=True))
    ).exclude(people_count=F("living"))
    assert not wrong.exists()
    assert not Household.objects.filter(vacant=True, people_count__gt=0).exists()
    for hh in Household.objects.filter(vacant=False)[:100]:
        assert hh.householder_name in {r.person.name for r in hh.residences.all()}


@pytest.mark.django_db
def test_refuses_a_database_with_areas_and_force_rebuilds_the_same_street():
    run_demo()
    first = registry_digest()
    with pytest.raises(CommandError, match="--force"):
        run_demo()
    run_demo("--force")
    assert registry_digest() == first
    assert Area.objects.filter(level=Area.Level.STREET).count() == 1
    assert User.objects.filter(username__in=DEMO_USERNAMES).count() == len(DEMO_USERNAMES)
    assert ChangeLog.objects.filter(model="demo").count() == 2


def test_force_replaces_an_existing_registry_but_keeps_other_accounts(world):
    with pytest.raises(CommandError):
        run_demo()
    assert Person.objects.filter(pk=world.zhang.pk).exists()
    run_demo("--force")
    assert not Area.objects.filter(name="北京路街道").exists()
    assert not Person.objects.filter(id_number=world.zhang.id_number).exists()
    assert User.objects.filter(pk=world.users.commander.pk).exists()
    assert not world.users.commander.role_assignments.exists()


@pytest.mark.django_db
def test_demo_users_log_in_and_see_their_scope():
    run_demo()
    grid = Area.objects.filter(level=Area.Level.GRID).order_by("code").first()
    for username in DEMO_USERNAMES:
        assert Client().login(username=username, password=DEMO_PASSWORD), username
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
    assert users["demo_admin"].is_staff and not users["demo_admin"].is_superuser
    assert not users["demo_grid_leader"].is_staff
    roles = {u: users[u].role_assignments.get().role for u in users}
    assert set(roles.values()) == set(Role.values)

    everyone = set(Person.objects.values_list("pk", flat=True))
    for name in ("demo_admin", "demo_commander", "demo_data_team", "demo_inspector"):
        assert set(Person.objects.for_user(users[name]).values_list("pk", flat=True)) == everyone
    in_grid = set(
        Person.objects.filter(scope_path__startswith=grid.path).values_list("pk", flat=True)
    )
    assert (
        set(Person.objects.for_user(users["demo_grid_leader"]).values_list("pk", flat=True))
        == in_grid
    )
    assert (
        set(Person.objects.for_user(users["demo_volunteer"]).values_list("pk", flat=True))
        == in_grid
    )
    unit_user = users["demo_unit_leader"]
    unit = unit_user.role_assignments.get().unit
    seen = Person.objects.for_user(unit_user)
    assert seen.exists() and not seen.exclude(scope_path__startswith=unit.scope_path).exists()
    building = users["demo_building_leader"].role_assignments.get().building
    assert unit.building == building and building.area == grid
    # The demo leaders are the leaders posted for their places.
    grid_leader = LeaderAssignment.objects.get(role="grid", area=grid)
    assert (users["demo_grid_leader"].display_name, users["demo_grid_leader"].phone) == (
        grid_leader.name,
        grid_leader.phone,
    )
    assert LeaderAssignment.objects.get(role="unit", unit=unit).name == unit_user.display_name
    assert (
        LeaderAssignment.objects.get(role="building", building=building).name
        == users["demo_building_leader"].display_name
    )


@pytest.mark.django_db
def test_full_scale_build_writes_exactly_the_reported_street():
    call_command("demo", stdout=StringIO())
    assert Area.objects.filter(level=Area.Level.GRID).count() == 45
    assert CommandZone.objects.count() == 22
    assert Building.objects.count() == 348
    assert Unit.objects.count() == 1324
    assert Household.objects.count() == 21345
    assert Person.objects.count() == 39303
    assert LeaderAssignment.objects.filter(role="building").count() == 348
    assert LeaderAssignment.objects.filter(role="unit").count() == 1324
