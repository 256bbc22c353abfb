"""Follow-up services: scheduling (days × rules, extension, release), idempotent records, the
checks on what is recorded, alerts on fever or symptoms, overdue, and who may record."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wangge.control import services_followups as fu
from wangge.control.models import Alert, ControlOrder, FollowUp, FollowUpRule
from wangge.control.services import extend, release
from wangge.core.models import ChangeLog

from . import test_followups_common as common
from .test_followups_common import AFTERNOON, DAY, MORNING, SYMPTOMS, at, today_of

clock, orders, inspector = common.clock, common.orders, common.inspector

pytestmark = pytest.mark.django_db


def messages_of(exc: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_each_order_schedules_its_days_times_its_rules(world, orders):
    rules = FollowUpRule.objects.filter(order_type=orders.kind).count()
    assert rules == 3
    order = orders.zhang
    assert order.followups.count() == 14 * rules
    days = set(order.followups.values_list("day", flat=True))
    assert days == {DAY + dt.timedelta(d) for d in range(14)}
    first = today_of(order, MORNING)
    assert first.due_at == at(10) and first.assignee == world.users.volunteer
    assert first.assignee_name == "志愿者小王" and first.scope_path == world.zhang.scope_path
    # Scheduling again creates nothing; an extension adds its days only.
    assert fu.schedule(order) == 0
    extend(order, 3, actor=world.users.commander, reason="复查阳性")
    assert order.followups.count() == 17 * rules
    assert order.followups.filter(day__gt=DAY + dt.timedelta(13)).count() == 9


def test_release_drops_pending_future_ones_and_keeps_the_history(world, orders, clock):
    order = orders.zhang
    fu.record(today_of(order, MORNING), actor=world.users.volunteer, temperature="36.5")
    clock.set(12)
    release(order, actor=world.users.commander, note="指挥部决定提前解除", early=True)
    left = FollowUp.objects.filter(order=order)
    # The morning round (done) stays; nothing due after noon is left.
    assert list(left.filter(done_at__isnull=False).values_list("label", flat=True)) == [MORNING]
    assert not left.filter(due_at__gt=at(12)).exists()
    assert left.count() == 1
    # Not overdue any more: the order is not in force.
    clock.set(20, days=1)
    assert not fu.overdue().filter(order=order).exists()


def test_reassign_gives_pending_ones_to_the_new_worker(world, orders):
    order = orders.zhang
    done = today_of(order, MORNING)
    fu.record(done, actor=world.users.volunteer, temperature="36.6")
    order.worker, order.worker_name = world.users.building_leader, "钱楼长"
    order.save()
    assert fu.reassign(order) == 14 * 3 - 1
    done.refresh_from_db()
    assert done.assignee == world.users.volunteer
    assert today_of(order, AFTERNOON).assignee_name == "钱楼长"


def test_a_record_is_kept_once(world, orders):
    f = today_of(orders.zhang, MORNING)
    key = uuid.uuid4()
    saved, created = fu.record(
        f, actor=world.users.volunteer, temperature="36.4", needs=" 买药 ", client_uuid=key
    )
    assert created and saved.temperature == Decimal("36.4") and saved.needs == "买药"
    assert saved.recorded_by == world.users.volunteer and saved.client_uuid == key
    # A retry with the same UUID (even as text) returns the first record.
    again, created = fu.record(
        f, actor=world.users.volunteer, temperature="39.0", client_uuid=str(key)
    )
    assert not created and again.pk == f.pk and again.temperature == Decimal("36.4")
    # Another record of the done follow-up, with another UUID or none: the first stands.
    for other in (uuid.uuid4(), None):
        again, created = fu.record(
            f, actor=world.users.commander, temperature="39.0", client_uuid=other
        )
        assert not created and again.temperature == Decimal("36.4")
    f.refresh_from_db()
    assert f.temperature == Decimal("36.4") and f.client_uuid == key
    assert not Alert.objects.exists()
    assert ChangeLog.objects.filter(model="control.followup", object_id=str(f.pk)).count() == 1
    # The same UUID on another follow-up is a client error, not a retry.
    with pytest.raises(ValidationError) as exc:
        fu.record(
            today_of(orders.zhang, AFTERNOON),
            actor=world.users.volunteer,
            temperature="36.5",
            client_uuid=key,
        )
    assert "client_uuid" in messages_of(exc)
    with pytest.raises(ValidationError) as exc:
        fu.record(
            today_of(orders.zhang, AFTERNOON),
            actor=world.users.volunteer,
            temperature="36.5",
            client_uuid="not-a-uuid",
        )
    assert messages_of(exc) == {"client_uuid": ["client_uuid 不是有效的 UUID"]}


@pytest.mark.parametrize(
    ("label", "temperature", "symptoms", "field", "message"),
    [
        (MORNING, "45", [], "temperature", "体温 45.0℃ 不在 34.0～43.0℃ 之间，请核对"),
        (MORNING, "3.65", [], "temperature", "体温 3.7℃ 不在 34.0～43.0℃ 之间，请核对"),
        (MORNING, "abc", [], "temperature", "体温请填写数字，如 36.5"),
        (MORNING, "nan", [], "temperature", "体温请填写数字，如 36.5"),
        (MORNING, "Infinity", [], "temperature", "体温请填写数字，如 36.5"),
        (MORNING, "", [], "temperature", "请填写体温"),
        (MORNING, None, [], "temperature", "请填写体温"),
        (SYMPTOMS, "", ["headache"], "symptoms", "未知症状：headache"),
        (SYMPTOMS, "", ["none", "cough"], "symptoms", "已选“无”时不能再选其他症状"),
    ],
)
def test_bad_values_are_refused_with_a_clear_message(
    world, orders, label, temperature, symptoms, field, message
):
    f = today_of(orders.zhang, label)
    with pytest.raises(ValidationError) as exc:
        fu.record(f, actor=world.users.volunteer, temperature=temperature, symptoms=symptoms)
    assert messages_of(exc)[field] == [message]
    f.refresh_from_db()
    assert f.done_at is None and not Alert.objects.exists()


def test_temperatures_as_typed_on_a_phone(world, orders):
    f = today_of(orders.zhang, MORNING)
    saved, _ = fu.record(f, actor=world.users.volunteer, temperature="３６．８℃")
    assert saved.temperature == Decimal("36.8")
    saved, _ = fu.record(
        today_of(orders.zhang, AFTERNOON), actor=world.users.volunteer, temperature=36.55
    )
    assert saved.temperature == Decimal("36.6")
    # No symptoms: [] or ["none"]; a symptoms round needs no temperature.
    saved, _ = fu.record(
        today_of(orders.zhang, SYMPTOMS), actor=world.users.volunteer, symptoms=["none"]
    )
    assert saved.symptoms == [] and saved.temperature is None
    assert not Alert.objects.exists()


@pytest.mark.parametrize(
    ("temperature", "symptoms", "kind", "detail"),
    [
        ("37.3", [], "fever", "体温 37.3℃"),
        ("38.6", ["cough", "fatigue"], "fever", "体温 38.6℃；咳嗽、乏力"),
        ("36.5", ["sore_throat"], "symptoms", "咽痛"),
        ("", ["taste", "taste"], "symptoms", "嗅（味）觉减退"),
    ],
)
def test_fever_or_any_symptom_raises_exactly_one_alert(
    world, orders, temperature, symptoms, kind, detail
):
    label = SYMPTOMS if temperature == "" else MORNING
    f = today_of(orders.zhang, label)
    key = uuid.uuid4()
    fu.record(
        f, actor=world.users.volunteer, temperature=temperature, symptoms=symptoms, client_uuid=key
    )
    fu.record(
        f, actor=world.users.volunteer, temperature=temperature, symptoms=symptoms, client_uuid=key
    )
    fu.record(f, actor=world.users.volunteer, temperature="39", symptoms=["cough"])
    alert = Alert.objects.get()
    assert (alert.kind, alert.detail, alert.followup_id) == (kind, detail, f.pk)
    assert alert.person == world.zhang and alert.order == orders.zhang
    assert alert.scope_path == world.zhang.scope_path and alert.handled_at is None
    assert fu.alert_of(f) == alert and list(fu.open_alerts()) == [alert]


def test_below_the_fever_line_no_alert(world, orders):
    fu.record(today_of(orders.zhang, MORNING), actor=world.users.volunteer, temperature="37.2")
    assert not Alert.objects.exists()


def test_overdue_once_the_due_time_has_passed(world, orders, clock):
    def late():
        return fu.overdue().filter(order=orders.zhang).order_by("label")

    assert not late().exists()
    clock.set(10, 1)
    assert list(late().values_list("label", flat=True)) == [MORNING]
    assert fu.is_overdue(today_of(orders.zhang, MORNING))
    fu.record(today_of(orders.zhang, MORNING), actor=world.users.volunteer, temperature="36.5")
    assert not late().exists()
    clock.set(9, days=1)
    assert sorted(late().values_list("label", flat=True)) == [AFTERNOON, SYMPTOMS]
    assert fu.overdue(at(18)).filter(order=orders.zhang).count() == 2


def test_no_record_before_the_day_or_after_release(world, orders, clock):
    tomorrow = orders.zhang.followups.get(day=DAY + dt.timedelta(1), label=MORNING)
    with pytest.raises(ValidationError) as exc:
        fu.record(tomorrow, actor=world.users.volunteer, temperature="36.5")
    assert "还未到日期" in exc.value.messages[0]
    f = today_of(orders.zhang, MORNING)
    ControlOrder.objects.filter(pk=orders.zhang.pk).update(status=ControlOrder.Status.RELEASED)
    f.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        fu.record(f, actor=world.users.volunteer, temperature="36.5")
    assert exc.value.messages == ["该人员的居家隔离已解除，无需随访"]


def test_who_may_record(world, orders, inspector):
    mine = today_of(orders.zhang, MORNING)
    theirs = today_of(orders.liu, MORNING)
    assert fu.may_record(world.users.volunteer, mine)
    # The volunteer of grid 1 cannot record in grid 2, nor can an outsider or an inspector.
    for user in (world.users.outsider, world.users.nobody, inspector):
        with pytest.raises(PermissionDenied):
            fu.record(mine, actor=user, temperature="36.5")
    with pytest.raises(PermissionDenied):
        fu.record(theirs, actor=world.users.volunteer, temperature="36.5")
    assert set(fu.recordable(world.users.volunteer).values_list("order_id", flat=True)) == {
        orders.zhang.pk
    }
    assert not fu.visible(world.users.outsider).exists()
    assert fu.visible(inspector).count() == 2 * 14 * 3 and not fu.recordable(inspector).exists()
    # The grid leader of grid 1 covers for a colleague there.
    saved, created = fu.record(mine, actor=world.users.grid_leader, temperature="36.5")
    assert created and saved.recorded_by == world.users.grid_leader


def test_handling_an_alert(world, orders):
    fu.record(today_of(orders.zhang, MORNING), actor=world.users.volunteer, temperature="38.1")
    alert = Alert.objects.get()
    with pytest.raises(PermissionDenied):
        fu.handle_alert(alert, actor=world.users.volunteer, handling="已转运")
    with pytest.raises(PermissionDenied):
        fu.handle_alert(alert, actor=world.users.outsider, handling="已转运")
    with pytest.raises(ValidationError) as exc:
        fu.handle_alert(alert, actor=world.users.commander, handling="  ")
    assert exc.value.message_dict == {"handling": ["请填写处置情况"]}
    fu.handle_alert(alert, actor=world.users.commander, handling=" 已安排转运至发热门诊 ")
    alert.refresh_from_db()
    assert alert.handling == "已安排转运至发热门诊" and alert.handled_by == world.users.commander
    assert not fu.open_alerts().exists()
    with pytest.raises(ValidationError) as exc:
        fu.handle_alert(alert, actor=world.users.commander, handling="again")
    assert exc.value.messages == ["该预警已处置"]


def test_days_before_the_order_was_placed_are_not_overdue(world, clock):
    from wangge.control.models import OrderType
    from wangge.control.services import place_order

    clock.set(7)  # 23:00 UTC the day before: the local date counts
    order = place_order(
        world.wang,
        OrderType.objects.get(code="home_quarantine"),
        actor=world.users.commander,
        source="contact_list",
        reason="密接，自接触之日起算",
        starts_on=DAY - dt.timedelta(days=3),
    )
    assert order.followups.count() == 14 * 3
    clock.set(12)
    late = fu.overdue().filter(order=order)
    assert [(f.day, f.label) for f in late] == [(DAY, MORNING)]
    earlier = order.followups.get(day=DAY - dt.timedelta(days=2), label=MORNING)
    assert not fu.is_overdue(earlier) and fu.is_overdue(today_of(order, MORNING))
    # They may still be recorded from paper.
    saved, created = fu.record(earlier, actor=world.users.volunteer, temperature="36.4")
    assert created and saved.day == DAY - dt.timedelta(days=2)
