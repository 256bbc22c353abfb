"""Registry services: workers and organisations, sign-ups, approval, linking accounts."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wangge.accounts.models import RoleAssignment, User
from wangge.core.models import ChangeLog
from wangge.core.scope import RECORD, covers
from wangge.workforce import services, services_recruitment
from wangge.workforce.models import SignUp, Worker

from .fixtures_registry import join_url, recruitment  # noqa: F401

pytestmark = pytest.mark.django_db


def _sign(rec, **kw):
    data = {"name": "赵志愿", "phone": "139 0000 8888", "healthy": True, "skills": ["sampling"]}
    data.update(kw)
    return services_recruitment.sign_up(rec, **data)


def test_create_worker_normalises_and_refuses_duplicates(world):
    w = services.create_worker(
        actor=world.users.commander,
        area=world.grid1,
        name=" 王 小 明 ",
        phone="１３９ 0000 1234",
        id_number=world.zhang.id_number.lower(),
        kind=Worker.Kind.VOLUNTEER,
        skills=["sampling", "driver"],
    )
    assert (w.name, w.phone) == ("王小明", "13900001234")
    assert ChangeLog.objects.filter(model="workforce.worker", object_id=str(w.pk)).exists()
    with pytest.raises(ValidationError) as e:
        services.create_worker(
            actor=world.users.commander,
            area=world.grid1,
            name="另一人",
            phone="13900001234",
            kind=Worker.Kind.STAFF,
        )
    assert "phone" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        services.create_worker(
            actor=world.users.commander,
            area=world.grid1,
            name="x",
            phone="123",
            id_number="220204198001011234",
            kind="volunteer",
            skills=["flying"],
        )
    assert {"phone"} <= set(e.value.message_dict)


def test_create_worker_outside_scope_is_refused(world):
    with pytest.raises(PermissionDenied):
        services.create_worker(
            actor=world.users.outsider,
            area=world.grid1,
            name="x",
            phone="13900001234",
            kind="volunteer",
        )


def test_sign_up_validates(recruitment):  # noqa: F811
    with pytest.raises(ValidationError) as e:
        _sign(recruitment, name="", phone="12", healthy=False, skills=["nope"])
    assert {"name", "phone", "healthy", "skills"} <= set(e.value.message_dict)
    assert not SignUp.objects.exists()


def test_sign_up_is_idempotent_per_phone_and_uuid(recruitment):  # noqa: F811
    key = uuid.uuid4()
    first, created = _sign(recruitment, client_uuid=key)
    assert created and first.phone == "13900008888"
    again, created = _sign(recruitment, client_uuid=key)
    assert (again.pk, created) == (first.pk, False)
    same_phone, created = _sign(recruitment, name="别人", phone="13900008888")
    assert (same_phone.pk, created) == (first.pk, False)
    assert SignUp.objects.count() == 1


def test_sign_up_refused_when_closed_or_ended(world, recruitment):  # noqa: F811
    services_recruitment.close_recruitment(recruitment, actor=world.users.commander)
    with pytest.raises(ValidationError):
        _sign(recruitment)
    services_recruitment.close_recruitment(recruitment, actor=world.users.commander, open=True)
    later = timezone.now() + dt.timedelta(hours=9)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(timezone, "now", lambda: later)
        with pytest.raises(ValidationError):
            _sign(recruitment)


def test_approve_creates_one_worker_and_twice_is_refused(world, recruitment):  # noqa: F811
    signup, _ = _sign(recruitment)
    worker = services_recruitment.approve(signup, actor=world.users.commander)
    assert worker.kind == Worker.Kind.VOLUNTEER
    assert worker.area == world.community and worker.status == Worker.Status.ACTIVE
    assert worker.skills == ["sampling"]
    signup.refresh_from_db()
    assert signup.status == SignUp.Status.APPROVED and signup.worker == worker
    assert signup.decided_by == world.users.commander
    with pytest.raises(ValidationError):
        services_recruitment.approve(signup, actor=world.users.commander)
    with pytest.raises(ValidationError):
        services_recruitment.decline(signup, actor=world.users.commander, reason="重复")
    assert Worker.objects.count() == 1
    assert services_recruitment.still_needed(recruitment) == 2


def test_approve_links_an_existing_worker(world, recruitment):  # noqa: F811
    existing = services.create_worker(
        actor=world.users.commander,
        area=world.grid1,
        name="赵志愿",
        phone="13900008888",
        kind=Worker.Kind.STAFF,
        status=Worker.Status.INACTIVE,
        skills=["driver"],
    )
    signup, _ = _sign(recruitment)
    worker = services_recruitment.approve(signup, actor=world.users.commander)
    assert worker.pk == existing.pk
    worker.refresh_from_db()
    assert worker.status == Worker.Status.ACTIVE and set(worker.skills) == {"driver", "sampling"}
    assert Worker.objects.count() == 1


def test_decide_needs_scope_and_a_reason(world, recruitment):  # noqa: F811
    signup, _ = _sign(recruitment)
    with pytest.raises(PermissionDenied):
        services_recruitment.approve(signup, actor=world.users.outsider)
    with pytest.raises(PermissionDenied):  # a grid leader's scope is below the community
        services_recruitment.approve(signup, actor=world.users.grid_leader)
    with pytest.raises(ValidationError) as e:
        services_recruitment.decline(signup, actor=world.users.commander, reason=" ")
    assert "reason" in e.value.message_dict
    services_recruitment.decline(signup, actor=world.users.commander, reason="年龄不符合要求")
    signup.refresh_from_db()
    assert signup.status == SignUp.Status.DECLINED and signup.decline_reason
    assert not Worker.objects.exists()


def _worker(world):
    return services.create_worker(
        actor=world.users.commander,
        area=world.grid1,
        name="钱干部",
        phone="13900005555",
        kind=Worker.Kind.VOLUNTEER,
    )


def test_link_new_account_with_role(world):
    worker = _worker(world)
    user, assignment = services.link_account(
        worker,
        actor=world.users.admin,
        role="volunteer",
        username="qian",
        password="Volunteer-2022-x",
    )
    worker.refresh_from_db()
    assert worker.user == user and user.phone == "13900005555"
    assert assignment.scope_path == world.grid1.path
    assert covers(user, worker.scope_path, RECORD)


def test_link_refused_without_manage(world):
    worker = _worker(world)
    for actor in (world.users.commander, world.users.grid_leader, world.users.outsider):
        with pytest.raises(PermissionDenied):
            services.link_account(
                worker, actor=actor, role="volunteer", username="q2", password="Volunteer-2022-x"
            )
    assert not User.objects.filter(username="q2").exists()


def test_link_existing_account(world):
    worker = _worker(world)
    target = world.users.volunteer  # has a role in grid1, inside the admin's scope
    user, assignment = services.link_account(
        worker, actor=world.users.admin, role="volunteer", user=target
    )
    assert user == target and assignment is None  # already a volunteer in grid1
    other = services.create_worker(
        actor=world.users.commander,
        area=world.grid1,
        name="孙",
        phone="13900006666",
        kind="volunteer",
    )
    with pytest.raises(ValidationError):  # one account, one worker
        services.link_account(other, actor=world.users.admin, role="volunteer", user=target)
    with pytest.raises(ValidationError):  # an account the admin cannot manage
        services.link_account(
            other, actor=world.users.admin, role="volunteer", user=world.users.outsider
        )
    assert RoleAssignment.objects.filter(user=world.users.outsider).count() == 1
