"""The inspections part's services: recording (validation in Chinese, presets, idempotent
client_uuid), findings (owner, default deadline, double tap), the loop (rectify, verify pass
and return), who may do what, overdue by the clock, the report's querysets and the summary."""

from __future__ import annotations

import datetime as dt
import uuid
from unittest.mock import patch

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wangge.accounts.models import RoleAssignment, User
from wangge.accounts.roles import Role
from wangge.core.models import ChangeLog
from wangge.supervision import services_checklists as checklists
from wangge.supervision import services_inspections as svc
from wangge.supervision.models import ChecklistItem, Finding, Inspection

from .fixtures_inspections import T0, checkpoint, inspect_checkpoint, inspector, item, owner, png


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_record_with_target_defaults_name_and_audits(world):
    user = inspector(world)
    inspection = inspect_checkpoint(world, user)
    assert inspection.target_name == "阳光小区北门卡口"
    assert inspection.inspector_name == "督查甲"
    assert inspection.scope_path == world.grid1.path
    f = inspection.findings.get()
    assert f.status == Finding.Status.OPEN
    assert f.deadline - f.created_at > dt.timedelta(hours=23)
    assert ChangeLog.objects.filter(model="supervision.inspection").count() == 1
    assert ChangeLog.objects.filter(model="supervision.finding").count() == 1


def test_validation_messages_are_chinese(world):
    user = inspector(world)
    with pytest.raises(ValidationError) as exc:
        svc.record_inspection(world.grid1, actor=user, target_type="other")
    assert exc.value.message_dict["target_name"] == ["请选择督查对象，或填写对象名称"]
    with pytest.raises(ValidationError) as exc:
        svc.record_inspection(world.grid1, actor=user, target_type="nope", target_name="x")
    assert "请选择督查对象类型" in exc.value.message_dict["target_type"]
    with pytest.raises(ValidationError) as exc:
        svc.record_inspection(
            world.grid2, actor=user, target_type="checkpoint", checkpoint=checkpoint(world)
        )
    assert exc.value.message_dict["target"] == ["督查对象不在所选区域内"]
    with pytest.raises(ValidationError) as exc:
        svc.record_inspection(
            world.grid1,
            actor=user,
            target_type="other",
            target_name="x",
            checks={str(item().pk): "ok"},
        )
    assert "检查内容不属于该督查对象类型或已停用" in exc.value.message_dict["checks"]
    with pytest.raises(ValidationError) as exc:
        inspect_checkpoint(world, user, findings=[{"description": " "}])
    errors = exc.value.message_dict
    assert errors["findings.0.description"] == ["请填写问题描述"]
    assert errors["findings.0.owner_name"] == ["请选择整改责任人，或填写责任人姓名"]
    assert not Inspection.objects.exists()


def test_client_uuid_retry_returns_the_first(world):
    user = inspector(world)
    key = uuid.uuid4()
    kw = {"target_type": "other", "target_name": "临时检查点", "client_uuid": key}
    first, created = svc.record_inspection(world.grid1, actor=user, **kw)
    again, created_again = svc.record_inspection(world.grid1, actor=user, **kw)
    assert created and not created_again and first.pk == again.pk
    assert Inspection.objects.count() == 1
    with pytest.raises(ValidationError):
        svc.record_inspection(world.grid2, actor=user, **kw)


def test_scope_and_roles(world):
    user = inspector(world, area=world.grid2)
    with pytest.raises(PermissionDenied):
        svc.record_inspection(world.grid1, actor=user, target_type="other", target_name="x")
    with pytest.raises(PermissionDenied):  # a volunteer records but does not inspect
        svc.record_inspection(
            world.grid1, actor=world.users.volunteer, target_type="other", target_name="x"
        )


def test_owner_worker_fills_name_and_phone_and_must_be_of_the_area(world):
    user = inspector(world)
    inspection = inspect_checkpoint(world, user, findings=[])
    worker = owner(world)
    f = svc.add_finding(inspection, actor=user, description="台账缺页", owner_worker=worker)
    assert (f.owner_name, f.owner_phone) == ("孙值守", "13611112222")
    from wangge.workforce.models import Worker

    far = Worker.objects.create(name="远方", phone="13600000000", kind="grid", area=world.grid2)
    with pytest.raises(ValidationError) as exc:
        svc.add_finding(inspection, actor=user, description="x", owner_worker=far)
    assert exc.value.message_dict["owner_worker"] == ["整改责任人不是该区域的在册工作人员"]


def test_double_tap_adds_one_finding(world):
    user = inspector(world)
    inspection = inspect_checkpoint(world, user, findings=[])
    a = svc.add_finding(inspection, actor=user, description="消杀记录缺失", owner_name="王")
    b = svc.add_finding(inspection, actor=user, description="消杀记录缺失", owner_name="王")
    assert a.pk == b.pk and inspection.findings.count() == 1


def test_deadline_must_be_in_the_future(world):
    user = inspector(world)
    inspection = inspect_checkpoint(world, user, findings=[])
    with pytest.raises(ValidationError) as exc:
        svc.add_finding(
            inspection,
            actor=user,
            description="x",
            owner_name="王",
            deadline=timezone.now() - dt.timedelta(hours=1),
        )
    assert exc.value.message_dict["deadline"] == ["整改时限应晚于当前时间"]


def test_loop_rectify_verify_and_return(world):
    user = inspector(world)
    inspection = inspect_checkpoint(world, user)
    f = inspection.findings.get()
    leader = world.users.grid_leader  # RECORD on grid 1
    with pytest.raises(PermissionDenied):
        svc.rectify(f, actor=user, note="x")  # an inspector does not rectify
    with pytest.raises(ValidationError) as exc:
        svc.rectify(f, actor=leader, note=" ")
    assert exc.value.message_dict["note"] == ["请填写整改情况"]
    with pytest.raises(ValidationError):
        svc.verify(f, actor=user, passed=True)  # not rectified yet
    svc.rectify(f, actor=leader, note="已配发口罩", photo=png())
    f.refresh_from_db()
    assert f.status == Finding.Status.RECTIFIED and f.rectification_photo.name.endswith(".png")
    with pytest.raises(PermissionDenied):
        svc.verify(f, actor=leader, passed=True)  # a grid leader does not inspect
    with pytest.raises(ValidationError) as exc:
        svc.verify(f, actor=user, passed=False)
    assert exc.value.message_dict == {
        "note": ["请填写退回原因"],
        "deadline": ["请填写新的整改时限"],
    }
    new_deadline = timezone.now() + dt.timedelta(hours=12)
    svc.verify(f, actor=user, passed=False, note="仍有人未戴", deadline=new_deadline)
    f.refresh_from_db()
    assert (f.status, f.reopened, f.deadline) == (Finding.Status.OPEN, 1, new_deadline)
    svc.rectify(f, actor=leader, note="再次整改")
    svc.verify(f, actor=user, passed=True, note="合格")
    f.refresh_from_db()
    assert f.status == Finding.Status.VERIFIED and f.verified_by == user
    with pytest.raises(ValidationError) as exc:
        svc.rectify(f, actor=leader, note="x")
    assert "不能登记整改" in exc.value.messages[0]


def test_owner_worker_user_may_rectify(world):
    from wangge.accounts.models import User

    me = User.objects.create_user("owner_user", password="x-Secret-2022")
    user = inspector(world)
    inspection = inspect_checkpoint(world, user, findings=[])
    f = svc.add_finding(inspection, actor=user, description="x", owner_worker=owner(world, user=me))
    assert svc.may_rectify(me, f)
    svc.rectify(f, actor=me, note="好了")
    assert Finding.objects.get(pk=f.pk).status == Finding.Status.RECTIFIED


def test_overdue_by_the_clock_and_the_querysets(world):
    user = inspector(world)
    with patch("django.utils.timezone.now", return_value=T0):
        inspection = inspect_checkpoint(world, user, inspected_at=T0)
        f = inspection.findings.get()
        assert not svc.is_overdue(f)
        assert svc.inspections_on(T0.date()).count() == 1
    later = T0 + dt.timedelta(hours=25)
    assert svc.is_overdue(f, later)
    assert list(svc.overdue_findings(later)) == [f]
    assert not svc.overdue_findings(T0).exists()
    assert list(svc.open_findings()) == [f]
    assert not svc.awaiting_verification().exists()
    assert svc.inspections_on(T0.date() + dt.timedelta(days=1)).count() == 0


def test_summary_sentence(world):
    user = inspector(world)
    assert svc.summary_sentence(
        svc.summary_counts(Inspection.objects.all(), Finding.objects.all())
    ) == ("督查 0 次，未发现问题")
    inspection = inspect_checkpoint(world, user)
    svc.add_finding(inspection, actor=user, description="第二个", owner_name="王")
    svc.rectify(inspection.findings.first(), actor=world.users.commander, note="好")
    counts = svc.summary_counts(Inspection.objects.all(), Finding.objects.all())
    assert svc.summary_sentence(counts) == "督查 1 次，发现问题 2 个，已整改 1 个，整改率 50%"


def test_checklist_settings_service(world):
    # The checklists are shared by every street: kept by inspectors at district level.
    with pytest.raises(PermissionDenied):
        checklists.save_item(None, {"target_type": "venue", "text": "x"}, actor=world.users.nobody)
    with pytest.raises(PermissionDenied):
        checklists.save_item(None, {"target_type": "venue", "text": "x"}, actor=inspector(world))
    user = User.objects.create_user("inspector_d", password="x-Secret-2022")
    RoleAssignment.objects.create(user=user, role=Role.INSPECTOR, area=world.district)
    new = checklists.save_item(
        None, {"target_type": "venue", "text": "  夜间巡查有记录 "}, actor=user
    )
    assert new.text == "夜间巡查有记录" and new.order == 3
    with pytest.raises(ValidationError) as exc:
        checklists.save_item(None, {"target_type": "venue", "text": "夜间巡查有记录"}, actor=user)
    assert exc.value.message_dict["text"] == ["该对象类型已有相同的检查内容"]
    checklists.move_item(new, -1, actor=user)
    texts = list(checklists.items_of("venue").values_list("text", flat=True))
    assert texts[2] == "夜间巡查有记录"
    checklists.save_item(new, {"text": "夜间巡查有记录", "active": False}, actor=user)
    assert not ChecklistItem.objects.get(pk=new.pk).active
    assert new not in svc.checklist("venue")
