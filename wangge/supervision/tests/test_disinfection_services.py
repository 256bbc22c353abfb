"""Disinfection services: the schedule (expected_by at several times of day, in Python and in
SQL alike), behind() in one query and equal to the compliance count, idempotent logging, the
rules of a log and of a place, one place per unit."""

from __future__ import annotations

import datetime as dt
import uuid
from unittest.mock import patch

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wangge.core.models import ChangeLog
from wangge.supervision import services_disinfection as svc
from wangge.supervision.models_disinfection import DisinfectionLog, DisinfectionPlace
from wangge.supervision.views_compliance import compliance
from wangge.workforce.models import Worker

from .fixtures_disinfection import DAY, at, log, places

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("hour", "minute", "twice", "thrice"),
    [
        (0, 0, 0, 0),
        (7, 59, 0, 0),
        (8, 0, 0, 0),
        (10, 59, 0, 0),
        (11, 0, 0, 1),  # 3×/day over 8–17: due at 11, 14, 17
        (13, 59, 0, 1),
        (14, 0, 1, 2),  # 2×/day over 8–20: due at 14 and 20
        (16, 59, 1, 2),
        (17, 0, 1, 3),
        (19, 59, 1, 3),
        (20, 0, 2, 3),
        (23, 59, 2, 3),
    ],
)
def test_expected_by_through_the_day(world, hour, minute, twice, thrice):
    p = places(world)
    moment = at(hour, minute)
    assert svc.expected_by(p["unit1"], moment) == twice
    assert svc.expected_by(p["lift"], moment) == thrice
    with patch("django.utils.timezone.now", return_value=moment):
        got = dict(
            svc.with_progress(DisinfectionPlace.objects.all(), moment).values_list(
                "pk", "expected_now"
            )
        )
    assert got[p["unit1"].pk] == twice
    assert got[p["lift"].pk] == thrice
    assert got[p["garbage"].pk] == svc.expected_by(p["garbage"], moment)


def test_expected_by_uses_local_time(world):
    p = places(world)
    utc_14 = dt.datetime(2022, 4, 12, 6, 0, tzinfo=dt.UTC)  # 14:00 in Shanghai
    assert svc.expected_by(p["unit1"], utc_14) == 1


def test_behind_is_one_query_and_matches_the_compliance_count(world):
    p = places(world)
    leader = world.users.grid_leader
    log(p["unit1"], leader, at(9))
    log(p["unit1"], leader, at(15))
    log(p["lift"], world.users.commander, at(12))
    log(p["unit2"], leader, at(9) - dt.timedelta(days=1))  # yesterday: does not count
    moment = at(15, 30)
    with patch("django.utils.timezone.now", return_value=moment):
        with CaptureQueriesContext(connection) as ctx:
            late = set(svc.behind(moment).values_list("pk", flat=True))
        assert len(ctx.captured_queries) == 1
        # unit1 2/1 done; unit2 0/1 behind; lift 1/2 behind; garbage 0/0 (due at 18:00)
        assert late == {p["unit2"].pk, p["lift"].pk}
        c = compliance(world.users.commander, "")
        assert (c.total, c.met, c.behind) == (4, 1, 2)
        assert c.behind == svc.behind(moment).count()
        assert c.sentence == "应消杀 4 处，已达标 1 处，滞后 2 处"
    with patch("django.utils.timezone.now", return_value=at(18, 0)):
        assert svc.behind(at(18, 0)).filter(pk=p["garbage"].pk).exists()


def test_behind_skips_inactive_places(world):
    p = places(world)
    svc.update_place(p["lift"], {"active": False}, actor=world.users.commander)
    assert p["lift"].pk not in set(svc.behind(at(21)).values_list("pk", flat=True))
    assert svc.due_places(at(21)).count() == 3


def test_logs_on_a_local_day(world):
    p = places(world)
    log(p["unit1"], world.users.commander, at(0, 30))
    log(p["unit1"], world.users.commander, at(23, 50) - dt.timedelta(days=1))
    assert svc.logs_on(DAY).count() == 1


def test_logging_is_idempotent_and_audited(world):
    p = places(world)
    key = uuid.uuid4()
    with patch("django.utils.timezone.now", return_value=at(10)):
        first, created = svc.log_disinfection(
            p["unit1"], actor=world.users.volunteer, agent="84消毒液", client_uuid=key
        )
        again, created_again = svc.log_disinfection(
            p["unit1"], actor=world.users.volunteer, agent="别的", client_uuid=key
        )
        assert created and not created_again and again.pk == first.pk
        assert DisinfectionLog.objects.count() == 1
        assert first.done_at == at(10) and first.done_by == "volunteer_a"
        assert first.scope_path == world.grid1.path
        assert ChangeLog.objects.filter(model="supervision.disinfectionlog").count() == 1
        with pytest.raises(ValidationError) as exc:
            svc.log_disinfection(
                p["unit2"], actor=world.users.volunteer, agent="x", client_uuid=key
            )
        assert "client_uuid" in exc.value.message_dict


def test_log_defaults_to_the_linked_worker_and_remembers_the_agent(world):
    p = places(world)
    user = world.users.volunteer
    worker = Worker.objects.create(
        name="周消杀", phone="13600000001", kind="volunteer", area=world.grid1, user=user
    )
    assert svc.last_defaults(user) == {"agent": "含氯消毒剂", "concentration": "500mg/L"}
    assert svc.default_done_by(user) == "周消杀"
    entry, _ = svc.log_disinfection(p["unit1"], actor=user, agent="过氧乙酸", concentration="0.2%")
    assert entry.worker == worker and entry.done_by == "周消杀"
    assert svc.last_defaults(user) == {"agent": "过氧乙酸", "concentration": "0.2%"}
    other, _ = svc.log_disinfection(p["unit1"], actor=user, agent="x", done_by="钱楼长")
    assert other.worker is None and other.done_by == "钱楼长"


def test_log_rules(world):
    p = places(world)
    user = world.users.commander
    with patch("django.utils.timezone.now", return_value=at(10)):
        with pytest.raises(ValidationError) as exc:
            svc.log_disinfection(p["unit1"], actor=user, agent=" ", done_at=at(12))
        assert exc.value.message_dict["agent"] == ["请填写消毒剂"]
        assert exc.value.message_dict["done_at"] == ["消杀时间不能晚于现在"]
        with pytest.raises(ValidationError) as exc:
            svc.log_disinfection(
                p["unit1"], actor=user, agent="x", done_at=at(9, 0, DAY.replace(day=1))
            )
        assert "done_at" in exc.value.message_dict
        svc.update_place(p["unit1"], {"active": False}, actor=user)
        with pytest.raises(ValidationError) as exc:
            svc.log_disinfection(p["unit1"], actor=user, agent="x")
        assert exc.value.message_dict["place"] == ["该消杀点位已停用"]
    with pytest.raises(PermissionDenied):
        svc.log_disinfection(p["lift"], actor=world.users.outsider, agent="x")
    with pytest.raises(PermissionDenied):
        svc.log_disinfection(p["lift"], actor=world.users.volunteer, agent="x")  # grid 1 only


def test_place_rules_and_one_per_unit(world):
    actor = world.users.commander
    with pytest.raises(ValidationError) as exc:
        svc.create_place(
            world.grid1,
            actor=actor,
            name=" ",
            kind="lift",
            building=world.b2,
            times_per_day=0,
            day_starts=dt.time(18),
            day_ends=dt.time(8),
        )
    errors = exc.value.message_dict
    assert errors["name"] == ["请填写点位名称"]
    assert errors["building"] == ["楼栋不在所选区域内"]
    assert errors["times_per_day"] == ["每日消杀次数应为 1 到 24 次"]
    assert errors["day_ends"] == ["作业结束时间应晚于开始时间"]
    with pytest.raises(PermissionDenied):
        svc.create_place(world.grid1, actor=world.users.volunteer, name="x", kind="lift")
    made = svc.create_unit_places(world.b1, actor=actor)
    assert [m.name for m in made] == [
        "阳光小区 1号楼 1单元 单元门口",
        "阳光小区 1号楼 2单元 单元门口",
    ]
    assert {m.unit_id for m in made} == {world.u11.pk, world.u12.pk}
    assert all(m.area == world.grid1 for m in made)
    assert svc.create_unit_places(world.b1, actor=actor) == []
