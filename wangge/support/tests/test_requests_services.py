"""Support requests, services: priority reasons (sealed, quarantined, dialysis, pregnant,
elderly living alone), deadlines from the kind and the urgency, the medicine name, idempotent
filing on client_uuid, each step with its refusals, who may take which step, and the audit."""

from __future__ import annotations

import datetime as dt
import uuid
from unittest.mock import patch

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wangge.control.models import DesignationLevel, OrderType
from wangge.control.services import designate, place_order
from wangge.core.models import ChangeLog
from wangge.people.models import SpecialGroup
from wangge.support import services as svc
from wangge.support.models import SupportRequest

from .fixtures_requests import T0, groceries, kind, medicine

pytestmark = pytest.mark.django_db
Status = SupportRequest.Status


def test_priority_reasons_follow_the_rules(world):
    commander = world.users.commander
    # h102: 王芳 is elderly living alone (the world fixture); h201: nobody special.
    assert svc.priority_reasons(world.h102) == ["elderly_alone"]
    assert svc.priority_reasons(world.h201) == []
    SpecialGroup.objects.create(person=world.zhang_wife, kind=SpecialGroup.Kind.PREGNANT)
    SpecialGroup.objects.create(person=world.zhang, kind=SpecialGroup.Kind.DIALYSIS)
    SpecialGroup.objects.create(person=world.li, kind=SpecialGroup.Kind.CHRONIC)  # not priority
    assert svc.priority_reasons(world.h101) == ["dialysis", "pregnant"]
    assert svc.priority_reasons(world.h201) == []
    place_order(
        world.li,
        OrderType.objects.filter(kind=OrderType.Kind.HOME_QUARANTINE).first(),
        actor=commander,
        source="manual",
        reason="密接",
    )
    assert svc.priority_reasons(world.h201) == ["quarantined"]
    level = DesignationLevel.objects.filter(seals=True).first()
    designate(world.b1, level, actor=commander, reason="出现阳性")
    assert svc.priority_reasons(world.h201) == ["sealed", "quarantined"]
    assert svc.priority_reasons(world.h2_101) == []  # another building


def test_monitoring_is_not_quarantine(world):
    place_order(
        world.li,
        OrderType.objects.filter(kind=OrderType.Kind.HOME_MONITORING).first(),
        actor=world.users.commander,
        source="manual",
        reason="风险地区返回",
    )
    assert svc.priority_reasons(world.h201) == []


def test_filed_request_keeps_priority_and_reasons(world):
    req = groceries(world.h102, world.users.grid_leader)
    assert req.priority is True and req.priority_reasons == ["elderly_alone"]
    plain = groceries(world.h201, world.users.grid_leader)
    assert plain.priority is False and plain.priority_reasons == []
    # Priority requests come first in the default ordering.
    assert list(SupportRequest.objects.all())[0] == req


@pytest.mark.parametrize(
    ("code", "urgency", "minutes"),
    [
        ("medicine", "normal", 120),
        ("medicine", "urgent", 60),
        ("medicine", "critical", 30),
        ("groceries", "normal", 24 * 60),
        ("groceries", "urgent", 12 * 60),
        ("groceries", "critical", 30),
    ],
)
def test_deadline_from_kind_and_urgency(world, code, urgency, minutes):
    with patch("django.utils.timezone.now", return_value=T0):
        req, created = svc.file_request(
            world.h201,
            kind=kind(code),
            actor=world.users.grid_leader,
            source="worker",
            urgency=urgency,
            medicine_name="布洛芬" if code == "medicine" else "",
        )
    assert created
    assert req.due_at == T0 + dt.timedelta(minutes=minutes)


def test_short_deadline_kind_critical_is_at_most_half(world):
    k = kind("medicine")
    k.deadline_minutes = 40
    assert svc.deadline_minutes(k, "critical") == 20
    assert svc.deadline_minutes(k, "urgent") == 20
    assert svc.deadline_minutes(k, "normal") == 40


def test_medicine_needs_its_name(world):
    with pytest.raises(ValidationError) as exc:
        svc.file_request(
            world.h101, kind=kind("medicine"), actor=world.users.grid_leader, source="worker"
        )
    assert exc.value.message_dict["medicine_name"] == ["药品类诉求请填写药品名称"]
    assert not SupportRequest.objects.exists()


def test_other_kinds_drop_medicine_fields_and_bad_input_is_refused(world):
    req = groceries(world.h101, world.users.grid_leader, medicine_name="x")
    assert req.medicine_name == "" and req.prescription_needed is False
    assert req.contact_phone == world.h101.phone  # the household's phone by default
    with pytest.raises(ValidationError) as exc:
        svc.file_request(
            world.h101,
            kind=kind("groceries"),
            actor=world.users.grid_leader,
            source="worker",
            urgency="whenever",
            person=world.li,  # lives in h201
            contact_phone="12",
        )
    errors = exc.value.message_dict
    assert errors["urgency"] == ["请选择紧急程度"]
    assert errors["person"] == ["求助人不是该住户的在住人员"]
    assert "contact_phone" in errors


def test_full_width_phone_is_normalised(world):
    req = groceries(world.h101, world.users.grid_leader, contact_phone="１３８ ００００ １２３４")
    assert req.contact_phone == "13800001234"


def test_idempotent_on_client_uuid(world):
    key = uuid.uuid4()
    first = groceries(world.h101, world.users.grid_leader, client_uuid=key)
    again, created = svc.file_request(
        world.h101,
        kind=kind("groceries"),
        actor=world.users.grid_leader,
        source="worker",
        client_uuid=key,
    )
    assert again == first and created is False
    assert SupportRequest.objects.count() == 1
    with pytest.raises(ValidationError) as exc:
        groceries(world.h201, world.users.grid_leader, client_uuid=key)
    assert "client_uuid" in exc.value.message_dict


def test_filing_needs_scope(world):
    with pytest.raises(PermissionDenied):
        groceries(world.h101, world.users.outsider)
    with pytest.raises(PermissionDenied):
        groceries(world.h2_101, world.users.building_leader)  # grid 2, not building 1


def test_the_loop_accept_on_way_deliver_confirm(world):
    volunteer = world.users.volunteer
    req = medicine(world.h101, world.users.grid_leader)
    svc.accept(req, actor=volunteer)
    assert req.status == Status.ACCEPTED and req.accepted_at
    svc.set_on_way(req, actor=volunteer)
    assert req.status == Status.ON_WAY and req.on_way_at
    svc.deliver(req, actor=volunteer, note="放门口")
    req.refresh_from_db()
    assert req.status == Status.DELIVERED and req.delivered_by == "volunteer_a"
    assert req.delivery_note == "放门口"
    svc.confirm(req, actor=None)
    req.refresh_from_db()
    assert req.status == Status.CONFIRMED and req.confirmed_at
    logs = ChangeLog.objects.filter(model="support.supportrequest", object_id=str(req.pk))
    assert [log.after.get("status") for log in logs.order_by("at", "pk")] == [
        "new",
        "accepted",
        "on_way",
        "delivered",
        "confirmed",
    ]
    assert logs.order_by("-at", "-pk").first().channel == "public"


def test_wrong_steps_are_refused_with_the_status(world):
    leader = world.users.grid_leader
    req = groceries(world.h101, leader)
    with pytest.raises(ValidationError) as exc:
        svc.confirm(req, actor=leader)
    assert "该诉求当前状态为“待分派”，不能确认收到" in exc.value.messages[0]
    svc.deliver(req, actor=leader, delivered_by="钱楼长")  # skipping steps stamps them
    assert req.accepted_at == req.delivered_at
    for step in (svc.accept, svc.set_on_way):
        with pytest.raises(ValidationError):
            step(req, actor=leader)
    with pytest.raises(ValidationError, match="不能撤销"):
        svc.cancel(req, actor=leader, reason="不需要了")
    svc.close(req, actor=leader, reason="居民电话确认已收到")
    assert req.status == Status.CLOSED and req.close_reason == "居民电话确认已收到"
    for step in (svc.deliver, svc.accept, svc.confirm):
        with pytest.raises(ValidationError):
            step(req, actor=leader)
    with pytest.raises(ValidationError, match="不能办结"):
        svc.close(req, actor=leader, reason="再来一次")


def test_close_and_cancel_need_a_reason_and_change_rights(world):
    leader = world.users.grid_leader
    req = groceries(world.h101, leader)
    with pytest.raises(ValidationError) as exc:
        svc.close(req, actor=leader, reason="  ")
    assert exc.value.message_dict["reason"] == ["请填写办结说明"]
    with pytest.raises(ValidationError) as exc:
        svc.cancel(req, actor=leader, reason="")
    assert exc.value.message_dict["reason"] == ["请填写撤销原因"]
    with pytest.raises(PermissionDenied):  # a volunteer may deliver but not close or cancel
        svc.cancel(req, actor=world.users.volunteer, reason="重复")
    with pytest.raises(PermissionDenied):
        svc.accept(req, actor=world.users.outsider)
    svc.cancel(req, actor=leader, reason="重复提交")
    req.refresh_from_db()
    assert req.status == Status.CANCELLED and req.close_reason == "重复提交"


def test_next_steps_and_overdue(world):
    leader = world.users.grid_leader
    with patch("django.utils.timezone.now", return_value=T0):
        req = medicine(world.h101, leader)
    assert svc.next_steps(req, leader) == ["accept", "on_way", "deliver", "close", "cancel"]
    assert svc.next_steps(req, world.users.volunteer) == ["accept", "on_way", "deliver"]
    assert svc.is_overdue(req, T0 + dt.timedelta(hours=3))
    assert not svc.is_overdue(req, T0 + dt.timedelta(hours=1))
    svc.deliver(req, actor=leader)
    assert not svc.is_overdue(req, timezone.now() + dt.timedelta(days=1))
