"""link_pending (the database side of the linkage) and decide."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from wangge.control.models import ControlOrder, OrderType
from wangge.core.models import ChangeLog
from wangge.tracing.models import Batch, ContactPerson, ContactRow, MatchDecision, MatchPair
from wangge.tracing.services_decisions import decide
from wangge.tracing.services_linkage import link_pending
from wangge.tracing.tests.fixtures_linkage import add_row, make_batch

pytestmark = pytest.mark.django_db

DAY = dt.date(2022, 4, 1)
ID_X = "220102198005170011"  # made valid below
PHONE = "13611112222"


def _valid(seq: int) -> str:
    from conftest import make_id

    return make_id(seq, region="220102", birth="19750303")


def person_of(row: ContactRow) -> ContactPerson:
    row.refresh_from_db()
    return row.entity


def test_exact_merges_across_sheets_and_kinds(world):
    b1 = make_batch(world.street, "市疾控", DAY, "secondary")
    b2 = make_batch(world.street, "公安分局", DAY + dt.timedelta(days=1), "close")
    r1 = add_row(b1, "赵磊", _valid(40), "13512345678")
    r2 = add_row(b2, "趙磊", _valid(40))
    r3 = add_row(b2, "钱多", "", PHONE)
    r4 = add_row(b1, "錢多", "", PHONE)
    result = link_pending(world.street, actor=world.users.admin)
    p = person_of(r1)
    assert p == person_of(r2) and person_of(r3) == person_of(r4) != p
    assert (p.rows_count, p.kind, p.first_day, p.last_day) == (
        2,
        "close",
        DAY,
        DAY + dt.timedelta(days=1),
    )
    assert p.name == "赵磊" and p.id_number == _valid(40) and p.phone == "13512345678"
    assert p.scope_path == world.street.path
    assert result.new == 2 and result.exact == 4 and result.rows == 4
    assert set(Batch.objects.values_list("status", flat=True)) == {"linked"}
    assert ChangeLog.objects.filter(model="tracing.contactperson", action="create").count() == 2


def test_probabilistic_merges(world):
    b1, b2 = make_batch(world.street, "甲"), make_batch(world.street, "乙")
    good = _valid(41)
    swapped = good[:9] + good[10] + good[9] + good[11:]
    r1 = add_row(b1, "孙小红", good, "13711112222")
    r2 = add_row(b2, "孙小红", swapped, "13711121222")  # and a swap in the phone
    r3 = add_row(b2, "孙晓红", good)  # a typo in the name, same ID
    result = link_pending(world.street)
    assert person_of(r1) == person_of(r2) == person_of(r3)
    assert person_of(r1).id_number == good
    assert result.new == 1 and result.probabilistic >= 1
    r2.refresh_from_db()
    assert r2.link == "probabilistic" and r2.score >= 0.92


def test_registry_match_sets_person_household_scope(world):
    b = make_batch(world.street)
    r1 = add_row(b, "张伟", world.zhang.id_number)
    r2 = add_row(b, "王芳", "", world.wang.phone)
    result = link_pending(world.street)
    zhang = person_of(r1)
    assert (zhang.person, zhang.household, zhang.person_match) == (world.zhang, world.h101, "id")
    assert zhang.scope_path == world.h101.scope_path
    wang = person_of(r2)
    assert (wang.person, wang.household, wang.person_match) == (
        world.wang,
        world.h102,
        "phone_name",
    )
    assert result.registry == 2


def test_person_under_active_order_is_matched(world):
    today = timezone.localdate()
    ControlOrder.objects.create(
        person=world.li,
        household=world.h201,
        order_type=OrderType.objects.get(code="home_quarantine"),
        starts_on=today,
        ends_on=today + dt.timedelta(days=13),
        source=ControlOrder.Source.MANUAL,
        reason="linkage test",
    )
    b = make_batch(world.street)
    r = add_row(b, "李娜", "", world.li.phone)
    link_pending(world.street)
    p = person_of(r)
    assert p.person == world.li
    assert ControlOrder.objects.filter(person=p.person, status="active").exists()


def test_two_valid_ids_never_merge(world):
    b = make_batch(world.street)
    r1 = add_row(b, "周明", _valid(42), PHONE)
    r2 = add_row(b, "周明", _valid(43), PHONE)
    link_pending(world.street)
    assert person_of(r1) != person_of(r2)


def test_grey_zone_pair_goes_to_review_once(world):
    b = make_batch(world.street)
    r1 = add_row(b, "杨燕", "", PHONE)
    r2 = add_row(b, "杨勇", "", PHONE)
    result = link_pending(world.street)
    assert result.review == 1
    pair = MatchPair.objects.get()
    assert {pair.left, pair.right} == {person_of(r1), person_of(r2)}
    assert pair.status == "pending" and pair.evidence["phone"] == "exact"
    assert pair.scope_path == pair.left.scope_path
    # Linking again (a new unrelated row) does not ask twice.
    add_row(make_batch(world.street, "乙"), "无关", "", "13099998888")
    assert link_pending(world.street).review == 0
    assert MatchPair.objects.count() == 1


def test_relinking_adds_to_existing_people(world):
    r1 = add_row(make_batch(world.street, day=DAY), "吴刚", _valid(44), PHONE)
    link_pending(world.street)
    p = person_of(r1)
    later = make_batch(world.street, "乙", DAY + dt.timedelta(days=2), "secondary")
    r2 = add_row(later, "吴刚", "", PHONE)
    r3 = add_row(later, "吴刚", _valid(44))
    result = link_pending(world.street)
    assert person_of(r2) == person_of(r3) == p
    p.refresh_from_db()
    assert (p.rows_count, p.last_day, p.kind) == (3, DAY + dt.timedelta(days=2), "close")
    assert result.new == 0 and ContactPerson.objects.count() == 1


def test_decide_merged_and_remembered_on_reimport(world):
    b = make_batch(world.street)
    r1, r2 = add_row(b, "杨燕", "", PHONE), add_row(b, "杨勇", "", PHONE)
    link_pending(world.street)
    pair = MatchPair.objects.get()
    decide(pair, actor=world.users.admin, decision="merged")
    assert person_of(r1) == person_of(r2)
    assert ContactPerson.objects.count() == 1
    assert person_of(r1).rows_count == 2
    pair.refresh_from_db()
    assert pair.status == "merged" and pair.decided_by == world.users.admin
    assert MatchDecision.objects.get().same is True
    with pytest.raises(ValidationError):
        decide(pair, actor=world.users.admin, decision="distinct")
    # The same two records on tomorrow's sheet: merged without asking.
    b2 = make_batch(world.street, "乙", DAY + dt.timedelta(days=1))
    r3, r4 = add_row(b2, "杨燕", "", PHONE), add_row(b2, "杨勇", "", PHONE)
    result = link_pending(world.street)
    assert result.review == 0
    assert person_of(r3) == person_of(r4) == person_of(r1)


def test_decide_distinct_is_honoured_on_reimport(world):
    b = make_batch(world.street)
    add_row(b, "杨燕", "", PHONE)
    add_row(b, "杨勇", "", PHONE)
    link_pending(world.street)
    decide(MatchPair.objects.get(), actor=world.users.admin, decision="distinct")
    assert MatchDecision.objects.get().same is False
    b2 = make_batch(world.street, "乙", DAY + dt.timedelta(days=1))
    add_row(b2, "杨燕", "", PHONE)
    add_row(b2, "杨勇", "", PHONE)
    assert link_pending(world.street).review == 0
    assert ContactPerson.objects.count() == 2
    assert MatchPair.objects.filter(status="pending").count() == 0


def test_decide_later_remembers_nothing(world):
    b = make_batch(world.street)
    add_row(b, "杨燕", "", PHONE)
    add_row(b, "杨勇", "", PHONE)
    link_pending(world.street)
    pair = decide(MatchPair.objects.get(), actor=world.users.admin, decision="later")
    assert pair.status == "later" and not MatchDecision.objects.exists()
    with pytest.raises(ValidationError):
        decide(pair, actor=world.users.admin, decision="maybe")


def test_decide_registry_pair_sets_person(world):
    # 张伟 of the registry, a list row with a homophone name, his birth date, another phone.
    b = make_batch(world.street)
    r = add_row(b, "章玮", "", "13000000000", birth_date=world.zhang.birth_date)
    link_pending(world.street)
    pair = MatchPair.objects.get(right_person=world.zhang)
    assert pair.left == person_of(r) and pair.left.person is None
    decide(pair, actor=world.users.admin, decision="merged")
    p = person_of(r)
    assert (p.person, p.household, p.person_match) == (world.zhang, world.h101, "review")
    assert p.scope_path == world.h101.scope_path


def test_link_per_area(world):
    mine = add_row(make_batch(world.street), "刘洋", world.liu.id_number)
    theirs = add_row(make_batch(world.other_street), "刘洋", world.liu.id_number)
    link_pending(world.street)
    theirs.refresh_from_db()
    assert theirs.entity is None
    link_pending(world.other_street)
    assert person_of(theirs) != person_of(mine)
    # The other street has no registry person 刘洋: its person is not matched to ours.
    assert person_of(theirs).person is None
    assert person_of(theirs).scope_path == world.other_street.path
    assert person_of(mine).person == world.liu


def test_a_later_list_meets_earlier_people_on_their_birth_date_and_asks_once(world):
    # The first list: a homophone of the registry's 张伟 (his birth date, another phone, no ID)
    # and 刘晓燕 with her birth date and no ID, both only in a 出生日期 column.
    first = make_batch(world.street)
    add_row(first, "张伟", world.zhang.id_number, world.zhang.phone)
    homophone = add_row(first, "章玮", "", "13000000000", birth_date=world.zhang.birth_date)
    liu = add_row(first, "刘晓燕", "", "13611112222", birth_date=dt.date(1992, 6, 8))
    assert link_pending(world.street).review == 1  # 章玮 / the registry's 张伟
    # Tomorrow's list, linked on its own: 刘晓艳 (typed by ear), the same birth date, another
    # phone, meets yesterday's 刘晓燕 through the birth date her row gave.
    later = make_batch(world.street, "乙", DAY + dt.timedelta(days=1))
    liu2 = add_row(later, "刘晓艳", "", "13522223333", birth_date=dt.date(1992, 6, 8))
    assert link_pending(world.street).review == 1
    pairs = MatchPair.objects.filter(status="pending")
    assert [{p.left, p.right} for p in pairs if p.right_id] == [{person_of(liu), person_of(liu2)}]
    # 章玮 was asked against the registry's 张伟; he is not asked again against the merged 张伟
    # (matched to that registry person) now that the list is linked again.
    assert [p.right_person for p in pairs.filter(left=person_of(homophone))] == [world.zhang]
    assert pairs.count() == 2
