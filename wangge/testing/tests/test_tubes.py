"""register_tube: idempotent on the client UUID, double scans, full tubes, barcodes, references
by id / ID number / QR code, people added on the spot, scope, and a bounded number of queries."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from conftest import make_id
from wangge.core.models import ChangeLog
from wangge.core.normalize import id_check_digit
from wangge.core.qr import person_token
from wangge.people.models import Person, Residence
from wangge.testing import services_tubes
from wangge.testing.models import Round, Sample, Tube
from wangge.testing.services_tubes import NewPerson, PersonRef, register_tube

CLOSED = dt.datetime(2022, 4, 10, 9, 30, tzinfo=dt.UTC)


def register(r, people, *, barcode="T0001", client_uuid=None, actor=None, rnd=None, **kw):
    """register_tube at the round's first table (or as told)."""
    kw.setdefault("table", r.table)
    kw.setdefault("closed_at", CLOSED)
    return register_tube(
        rnd or r.round,
        barcode=barcode,
        people=people,
        client_uuid=client_uuid or uuid.uuid4(),
        actor=actor or r.world.users.commander,
        **kw,
    )


@pytest.fixture
def r(world, round_):
    round_.world = world
    return round_


def residents(world, n: int, start: int = 100) -> list[Person]:
    """`n` more people living in h102 (grid1)."""
    people = []
    for seq in range(start, start + n):
        p = Person.objects.create(
            name=f"居民{seq}", id_number=make_id(seq, birth="19900101"), scope_path=""
        )
        Residence.objects.create(person=p, household=world.h102)
        Person.objects.filter(pk=p.pk).update(scope_path=world.h102.scope_path)
        p.scope_path = world.h102.scope_path
        people.append(p)
    return people


def test_a_tube_is_registered_with_its_people_scope_and_audit(r):
    w = r.world
    people = [
        PersonRef(person_id=w.zhang.pk),
        PersonRef(id_number=w.wang.id_number),
        PersonRef(code=person_token(w.liu)),
    ]
    tube, created, warnings = register(r, people, barcode=" t 0001 ")
    assert created and warnings == []
    assert tube.barcode == "T0001"
    assert tube.scope_path == w.grid1.path
    assert tube.point_id == r.point.pk and tube.capacity == 10
    assert tube.registered_by == w.users.commander
    samples = list(Sample.objects.filter(tube=tube).order_by("position"))
    assert [s.person_id for s in samples] == [w.zhang.pk, w.wang.pk, w.liu.pk]
    assert [s.position for s in samples] == [1, 2, 3]
    assert samples[2].scope_path == w.liu.scope_path  # grid2: who-is-left per grid
    assert all(s.round_id == r.round.pk for s in samples)
    log = ChangeLog.objects.get(model="testing.tube", object_id=str(tube.pk))
    assert log.action == "create" and log.actor == w.users.commander
    assert log.after == {
        "barcode": "T0001",
        "people": 3,
        "person_ids": [w.zhang.pk, w.wang.pk, w.liu.pk],
    }


def test_a_retried_request_returns_the_first_tube(r):
    w = r.world
    key = uuid.uuid4()
    people = [PersonRef(id_number=w.zhang.id_number), PersonRef(id_number=w.li.id_number)]
    first, created, _ = register(r, people, client_uuid=key)
    again, created_again, warnings = register(r, people, client_uuid=key)
    assert created and not created_again
    assert again.pk == first.pk and again.person_ids == [w.zhang.pk, w.li.pk]
    assert warnings == []  # the tube does not warn about itself
    assert Tube.objects.count() == 1 and Sample.objects.count() == 2
    assert ChangeLog.objects.filter(model="testing.tube").count() == 1


def test_a_racing_retry_loses_on_the_unique_constraint_and_returns_the_winner(r, monkeypatch):
    """Two requests with one UUID: the second reached its INSERT after the first had committed
    (no check before it): `ON CONFLICT (client_uuid) DO NOTHING` writes nothing, and it reads
    the winner's tube instead, without an error and without a second tube."""
    w = r.world
    key = uuid.uuid4()
    winner, _, _ = register(r, [PersonRef(person_id=w.zhang.pk)], client_uuid=key)
    real_replay = services_tubes._replay
    calls = []

    def counted_replay(rnd, client_uuid, actor):
        calls.append(client_uuid)
        return real_replay(rnd, client_uuid, actor)

    monkeypatch.setattr(services_tubes, "_replay", counted_replay)
    # A different barcode and person: only the UUID constraint can fail.
    tube, created, _ = register(r, [PersonRef(person_id=w.wang.pk)], barcode="X", client_uuid=key)
    assert calls == [key]
    assert not created and tube.pk == winner.pk and tube.person_ids == [w.zhang.pk]
    assert Tube.objects.count() == 1 and Sample.objects.count() == 1
    assert ChangeLog.objects.filter(model="testing.tube").count() == 1


def test_a_retry_answers_the_first_tube_even_after_the_round_closed(r):
    w = r.world
    key = uuid.uuid4()
    first, _, _ = register(r, [PersonRef(person_id=w.zhang.pk)], client_uuid=key)
    r.round.status = Round.Status.CLOSED
    r.round.save()
    again, created, _ = register(r, [PersonRef(person_id=w.zhang.pk)], client_uuid=key)
    assert not created and again.pk == first.pk


def test_a_uuid_of_another_round_is_refused(r, world):
    key = uuid.uuid4()
    register(r, [PersonRef(person_id=world.zhang.pk)], client_uuid=key)
    other = Round.objects.create(number=2, area=world.street, date=dt.date(2022, 4, 11))
    with pytest.raises(ValidationError) as exc:
        register(r, [PersonRef(person_id=world.zhang.pk)], barcode="T9", client_uuid=key, rnd=other)
    assert "client_uuid" in exc.value.message_dict


def test_sampled_twice_in_a_round_warns_and_twice_in_one_tube_is_refused(r):
    w = r.world
    register(r, [PersonRef(person_id=w.zhang.pk)], barcode="T1")
    tube, created, warnings = register(
        r, [PersonRef(person_id=w.wang.pk), PersonRef(id_number=w.zhang.id_number)], barcode="T2"
    )
    assert created and [x.person_id for x in warnings] == [w.zhang.pk]
    assert warnings[0].barcode == "T1"
    assert "张*" in warnings[0].message and "T1" in warnings[0].message
    assert w.zhang.id_number not in warnings[0].message  # masked
    with pytest.raises(ValidationError) as exc:
        register(
            r,
            [PersonRef(person_id=w.li.pk), PersonRef(id_number=w.li.id_number.lower())],
            barcode="T3",
        )
    assert list(exc.value.message_dict) == ["people.1"]
    assert "第2人" in exc.value.message_dict["people.1"][0]
    assert "重复" in exc.value.message_dict["people.1"][0]
    assert not Tube.objects.filter(barcode="T3").exists()


def test_a_full_tube_refuses_another_person_but_a_partly_filled_one_closes(r):
    w = r.world
    people = [PersonRef(person_id=p.pk) for p in residents(w, 11)]
    with pytest.raises(ValidationError) as exc:
        register(r, people)
    assert "试管已满" in exc.value.message_dict["people"][0]
    tube, created, _ = register(r, people[:10])
    assert created and tube.samples.count() == 10
    single = Round.objects.create(number=3, area=w.street, date=dt.date(2022, 4, 12), pool_size=1)
    on_the_team = {"rnd": single, "barcode": "S1", "table": None, "team": r.team}
    with pytest.raises(ValidationError) as exc:
        register(r, people[:2], **on_the_team)
    # The team belongs to round 1, and the tube is over capacity.
    assert "team_id" in exc.value.message_dict
    r.team.round = single
    r.team.save()
    with pytest.raises(ValidationError, match="试管已满"):
        register(r, people[:2], **on_the_team)


def test_a_barcode_is_used_once_per_round(r):
    w = r.world
    register(r, [PersonRef(person_id=w.zhang.pk)], barcode="T1")
    with pytest.raises(ValidationError) as exc:
        register(r, [PersonRef(person_id=w.wang.pk)], barcode="t1")
    assert exc.value.message_dict["barcode"] == ["该试管条码本轮已使用：T1"]
    assert Tube.objects.count() == 1 and Sample.objects.count() == 1
    with pytest.raises(ValidationError) as exc:
        register(r, [PersonRef(person_id=w.wang.pk)], barcode="  ")
    assert "barcode" in exc.value.message_dict


def test_id_numbers_are_normalised(r, world):
    region, born = "220204", "800101"
    first17 = f"{region}19{born}123"
    legacy = Person.objects.create(name="老证", id_number=first17 + id_check_digit(first17))
    Residence.objects.create(person=legacy, household=world.h101)
    Person.objects.filter(pk=legacy.pk).update(scope_path=world.h101.scope_path)
    seq = next(s for s in range(1, 999) if make_id(s, birth="19700202").endswith("X"))
    ex = Person.objects.create(name="叉号", id_number=make_id(seq, birth="19700202"))
    Residence.objects.create(person=ex, household=world.h101)
    Person.objects.filter(pk=ex.pk).update(scope_path=world.h101.scope_path)
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in world.zhang.id_number)
    tube, _, _ = register(
        r,
        [
            PersonRef(id_number=f"{region}{born}123"),  # 15 digits
            PersonRef(id_number=ex.id_number.lower()),
            PersonRef(id_number=fullwidth),
        ],
    )
    assert tube.person_ids == [legacy.pk, ex.pk, world.zhang.pk]


def tampered(person) -> str:
    """The person's code with another id: the signature no longer matches."""
    kind, pk, sig = person_token(person).split(":")
    return f"{kind}:{int(pk) + 1000}:{sig}"


def test_bad_references_are_named(r, world):
    unknown = make_id(77, birth="19990909")
    with pytest.raises(ValidationError) as exc:
        register(
            r,
            [
                PersonRef(id_number=unknown),
                PersonRef(id_number="220204198001010012"),
                PersonRef(person_id=world.other_person.pk),
                PersonRef(id_number=world.other_person.id_number),
                PersonRef(code=tampered(world.zhang)),
                PersonRef(),
            ],
        )
    errors = exc.value.message_dict
    assert errors["people.0"] == [f"第1人：身份证号 {unknown} 未登记，可现场登记"]
    assert "校验位" in errors["people.1"][0]
    assert "不在您的管辖范围" in errors["people.2"][0]
    assert "未登记" in errors["people.3"][0]  # out of scope looks like unknown
    assert "二维码无效" in errors["people.4"][0]
    assert "缺少人员信息" in errors["people.5"][0]
    assert not Tube.objects.exists()


def test_a_person_is_added_on_the_spot_in_the_same_transaction(r, world):
    new_id = make_id(55, birth="20010101", sex="F")
    tube, created, _ = register(
        r,
        [
            PersonRef(person_id=world.zhang.pk),
            PersonRef(new=NewPerson(name="新 来", household_id=world.h101.pk, id_number=new_id)),
            PersonRef(
                new=NewPerson(name="无证", household_id=world.h101.pk, phone="139 0000 5555")
            ),
        ],
    )
    assert created
    newcomer = Person.objects.get(id_number=new_id)
    assert newcomer.name == "新来" and newcomer.sex == "F"
    assert newcomer.scope_path == world.h101.scope_path
    res = Residence.objects.get(person=newcomer)
    assert res.household == world.h101 and res.living and res.relation == "temporary"
    no_id = Person.objects.get(name="无证")
    assert no_id.phone == "13900005555"
    assert tube.person_ids == [world.zhang.pk, newcomer.pk, no_id.pk]
    assert Sample.objects.get(tube=tube, person=newcomer).scope_path == world.h101.scope_path
    assert ChangeLog.objects.filter(model="people.person", object_id=str(newcomer.pk)).exists()
    assert ChangeLog.objects.filter(model="people.residence", object_id=str(res.pk)).exists()


def test_a_failed_tube_leaves_no_person_added_on_the_spot(r, world):
    with pytest.raises(ValidationError) as exc:
        register(
            r,
            [
                PersonRef(
                    new=NewPerson(name="甲", household_id=world.h101.pk, phone="13900001111")
                ),
                PersonRef(
                    new=NewPerson(name="乙", household_id=world.other_household.pk, phone="1")
                ),
                PersonRef(new=NewPerson(name="丙", household_id=world.h101.pk)),
            ],
        )
    errors = exc.value.message_dict
    assert "不在您的管辖范围" in errors["people.1"][0]
    assert "身份证号或联系电话" in errors["people.2"][0]
    assert not Person.objects.filter(name="甲").exists()
    assert not Tube.objects.exists()


def test_registering_needs_the_record_right_where_the_table_is(r, world, inspector):
    with pytest.raises(PermissionDenied):
        register(r, [PersonRef(person_id=world.zhang.pk)], actor=inspector)
    with pytest.raises(PermissionDenied):
        register(r, [PersonRef(person_id=world.zhang.pk)], actor=world.users.outsider)
    tube, created, _ = register(
        r,
        [PersonRef(person_id=world.zhang.pk)],
        actor=world.users.grid_leader,
        table=None,
        team=r.team,
    )
    assert created and tube.team == r.team and tube.point_id is None
    with pytest.raises(ValidationError):
        register(r, [PersonRef(person_id=world.zhang.pk)], team=r.team)  # table and team


def test_a_volunteer_scans_at_the_table(r, world):
    tube, created, _ = register(
        r, [PersonRef(person_id=world.zhang.pk)], actor=world.users.volunteer
    )
    assert created and tube.registered_by == world.users.volunteer


def test_a_closed_round_takes_no_tubes(r, world):
    r.round.status = Round.Status.CLOSED
    r.round.save()
    with pytest.raises(ValidationError, match="已结束"):
        register(r, [PersonRef(person_id=world.zhang.pk)])


@pytest.mark.parametrize(
    ("size", "by_id_number", "statements"),
    [
        # SQLite: role rows, earlier samples, savepoint, tube, samples, log, release.
        # PostgreSQL: role rows, savepoint, one statement writing everything, release.
        (10, False, {"sqlite": 7, "postgresql": 4}),
        (20, False, {"sqlite": 7, "postgresql": 4}),
        # + the persons SELECT for the ID numbers (three INSERTs on both databases)
        (10, True, {"sqlite": 8, "postgresql": 8}),
        (20, True, {"sqlite": 8, "postgresql": 8}),
    ],
)
def test_the_number_of_queries_does_not_grow_with_the_people(
    r, world, size, by_id_number, statements, django_assert_num_queries
):
    r.round.pool_size = 20
    r.round.save()
    people = residents(world, size)
    half = size // 2 if by_id_number else 0
    refs = [PersonRef(id_number=p.id_number) for p in people[:half]] + [
        PersonRef(person_id=p.pk) for p in people[half:]
    ]
    actor = world.users.commander
    with django_assert_num_queries(statements[connection.vendor]) as ctx:
        tube, created, _ = register(r, refs, actor=actor)
    assert created and tube.samples.count() == size
    assert [s.person_id for s in tube.samples.order_by("position")] == [p.pk for p in people]
    assert ChangeLog.objects.filter(model="testing.tube", object_id=str(tube.pk)).count() == 1
    sql = [q["sql"] for q in ctx.captured_queries]
    one_statement = connection.vendor == "postgresql" and not by_id_number
    assert sum(s.startswith("INSERT") for s in sql) == (0 if one_statement else 3), sql


def test_a_person_id_out_of_scope_or_unknown_is_named_and_nothing_is_written(r, world):
    refs = [PersonRef(person_id=world.zhang.pk), PersonRef(person_id=world.other_person.pk)]
    with pytest.raises(ValidationError) as exc:
        register(r, refs)
    assert list(exc.value.message_dict) == ["people.1"]
    refs[1] = PersonRef(person_id=10**9)
    with pytest.raises(ValidationError) as exc:
        register(r, refs)
    assert list(exc.value.message_dict) == ["people.1"]
    assert not Tube.objects.exists() and not Sample.objects.exists()
    assert not ChangeLog.objects.filter(model="testing.tube").exists()


def test_a_single_tube_holds_one_person_and_clears_a_retest(r, world):
    from wangge.testing.services_results import record_result
    from wangge.testing.whoisleft import person_list

    pool, _, _ = register(
        r, [PersonRef(person_id=world.zhang.pk), PersonRef(person_id=world.wang.pk)]
    )
    record_result(pool, Tube.Result.POSITIVE, actor=world.users.commander)
    retests = person_list(r.round, world.users.commander, "retest")
    assert {p.pk for p in retests} == {world.zhang.pk, world.wang.pk}

    with pytest.raises(ValidationError, match="试管已满"):
        register(
            r,
            [PersonRef(person_id=world.zhang.pk), PersonRef(person_id=world.wang.pk)],
            barcode="S0001",
            single=True,
        )
    single, created, warnings = register(
        r,
        [PersonRef(person_id=world.zhang.pk)],
        barcode="S0002",
        single=True,
        closed_at=CLOSED + dt.timedelta(hours=3),
    )
    assert created and single.capacity == 1 and warnings  # sampled earlier this round
    retests = person_list(r.round, world.users.commander, "retest")
    assert {p.pk for p in retests} == {world.wang.pk}
