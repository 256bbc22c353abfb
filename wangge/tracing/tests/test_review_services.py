"""The merged list, the review queue and the hand-over, on data made with the ORM."""

from __future__ import annotations

import pytest

from wangge.control.models import ControlOrder
from wangge.people.models import Person
from wangge.tracing import handover as ho
from wangge.tracing.models import ContactPerson, ListKind, MatchPair
from wangge.tracing.services_merged import counts, describe, merged_rows, queue, queue_counts

from .fixtures_review import DAY, PREV, SUN_ID, scenario

pytestmark = pytest.mark.django_db


def names(qs) -> list[str]:
    return sorted(p.name for p in qs)


def test_queue_pending_by_score_then_later(world):
    s = scenario(world)
    user = world.users.commander
    assert list(queue(user)) == [s.p_sun, s.p_zhao, s.p_later]
    assert queue_counts(user) == {"pending": 2, "later": 1, "total": 3}
    MatchPair.objects.filter(pk=s.p_sun.pk).update(status=MatchPair.Status.DISTINCT)
    assert list(queue(user)) == [s.p_zhao, s.p_later]
    assert list(queue(world.users.outsider)) == []


def test_merged_rows_day_new_and_measure(world):
    s = scenario(world)
    user = world.users.commander
    day = merged_rows(user, day=DAY)
    assert names(day) == ["孙7", "孙七", "张伟", "李娜", "赵六"]
    assert {p.name for p in day if p.is_new} == {"孙7", "孙七", "张伟", "李娜"}
    assert names(merged_rows(user, day=PREV)) == ["赵六"]
    assert names(merged_rows(user, day=DAY, new=True)) == ["孙7", "孙七", "张伟", "李娜"]
    assert names(merged_rows(user, day=DAY, measure="yes")) == ["李娜"]
    assert "李娜" not in names(merged_rows(user, day=DAY, measure="no"))
    assert names(merged_rows(user, day=DAY, kind=ListKind.SECONDARY)) == ["孙7", "张伟"]
    assert names(merged_rows(user, day=DAY, q="孙")) == ["孙7", "孙七"]
    assert names(merged_rows(user, day=DAY, q=SUN_ID[-4:])) == ["孙七"]
    assert names(merged_rows(user, day=DAY, q="0007")) == ["孙七"]
    assert names(merged_rows(user, day=DAY, q="zw")) == ["张伟"]
    assert names(merged_rows(user, day=DAY, area=world.grid1.path)) == ["张伟", "李娜"]
    assert counts(user, DAY) == {"total": 5, "new": 4, "under_measure": 1, "pending": 3}
    assert s.zhao.pk not in [p.pk for p in merged_rows(user, day=DAY, new=True)]
    # a grid leader sees the people of their grid only, an outsider nobody
    assert names(merged_rows(world.users.grid_leader, day=DAY)) == ["张伟", "李娜"]
    assert not merged_rows(world.users.outsider, day=DAY).exists()


def test_describe_sources_household_and_sex(world):
    s = scenario(world)
    rows = {p.name: p for p in describe(merged_rows(world.users.commander))}
    zhao = rows["赵六"]
    assert [(n.source, n.days) for n in zhao.named] == [
        ("北京路派出所", [DAY]),
        ("市疾控", [PREV]),
    ]
    assert zhao.sex_label == "男" and zhao.notes_text == "同车"
    assert zhao.household_text == "未匹配到登记住户"
    assert zhao.grid_name == "北京路街道"
    zhang = rows["张伟"]
    assert zhang.household_text == "第一网格 › 阳光小区 1号楼 › 1单元 › 101室"
    assert zhang.grid_name == "第一网格"
    assert rows["孙七"].sex_label == "男" and rows["孙七"].birth.isoformat() == "1990-02-02"
    assert s.sun.pk == rows["孙七"].pk


def test_handover_places_new_people_and_refuses_one_under_a_measure(world):
    s = scenario(world)
    actor = world.users.commander
    people = list(ContactPerson.objects.filter(pk__in=[s.sun.pk, s.zhang.pk, s.li.pk]))
    result = ho.handover(people, actor=actor)
    placed = {o.person.name: o for o in result.placed}
    assert set(placed) == {"孙七", "张伟"}
    # 密接 → 集中隔离, 次密接 → 居家隔离; source 密接名单
    assert placed["孙七"].order_type.code == "central_quarantine"
    assert placed["张伟"].order_type.code == "home_quarantine"
    assert {o.source for o in result.placed} == {ControlOrder.Source.CONTACT_LIST}
    assert "市疾控" in placed["孙七"].source_ref
    assert [r.name for r in result.refused] == ["李娜"]
    assert "已在管控中" in result.refused[0].reason
    # 孙七 was not in the registry: added to it in the area that received the list
    sun = ContactPerson.objects.get(pk=s.sun.pk)
    new = Person.objects.get(id_number=SUN_ID)
    assert sun.person == new and sun.handed_over_at is not None
    assert new.home_area == world.street and new.scope_path == world.street.path
    assert ContactPerson.objects.get(pk=s.zhang.pk).person == world.zhang
    assert ContactPerson.objects.get(pk=s.li.pk).handed_over_at is None
    # handing over again: now under a measure, refused
    again = ho.handover([ContactPerson.objects.get(pk=s.sun.pk)], actor=actor)
    assert not again.placed and "已在管控中" in again.refused[0].reason


def test_handover_with_a_chosen_type_and_a_registry_person_in_a_household(world):
    from wangge.control.models import OrderType

    s = scenario(world)
    ContactPerson.objects.filter(pk=s.zhao.pk).update(household=world.h102)
    zhao = ContactPerson.objects.get(pk=s.zhao.pk)
    kind = OrderType.objects.get(code="home_monitoring")
    result = ho.handover([zhao], actor=world.users.commander, order_type=kind)
    (order,) = result.placed
    assert order.order_type == kind and order.household == world.h102
    person = ContactPerson.objects.get(pk=s.zhao.pk).person
    assert person.name == "赵六" and person.id_number is None
    assert person.scope_path == world.h102.scope_path


def test_handover_refuses_outside_scope(world):
    s = scenario(world)
    result = ho.handover([s.sun], actor=world.users.outsider)
    assert not result.placed and result.refused[0].reason == "不在您的管辖范围内"
    assert not Person.objects.filter(id_number=SUN_ID).exists()


def test_new_people_are_the_days_new_not_handed_over_not_under_measure(world):
    s = scenario(world)
    user = world.users.commander
    assert names(ho.new_people(user, DAY)) == ["孙7", "孙七", "张伟"]
    ho.handover([s.sun], actor=user)
    assert names(ho.new_people(user, DAY)) == ["孙7", "张伟"]
    assert not ho.new_people(world.users.volunteer, DAY).exists()
