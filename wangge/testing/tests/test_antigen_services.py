"""Antigen services: deliveries idempotent by client UUID, one result per person and day, the
household batch, the public channel of self-reports, and the database rate limiter."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from wangge.core import ratelimit
from wangge.core.models import ChangeLog, RateCounter
from wangge.testing.models import AntigenDelivery, AntigenResult, Round
from wangge.testing.services_antigen import (
    CREATED,
    UNCHANGED,
    UPDATED,
    living_residents,
    record_delivery,
    record_household_results,
    record_result,
    self_report,
)

TODAY = dt.date(2022, 4, 12)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


def test_delivery_retried_with_the_same_uuid_is_recorded_once(world):
    key = uuid.uuid4()
    args = {"count": 3, "date": TODAY, "delivered_by": "志愿者小王", "client_uuid": key}
    first, created = record_delivery(world.h101, actor=world.users.grid_leader, **args)
    again, created_again = record_delivery(world.h101, actor=world.users.grid_leader, **args)
    assert created and not created_again
    assert first.pk == again.pk
    assert AntigenDelivery.objects.filter(household=world.h101).count() == 1
    assert first.scope_path == world.h101.scope_path
    log = ChangeLog.objects.filter(model="testing.antigendelivery")
    assert log.count() == 1
    assert log.get().actor == world.users.grid_leader


def test_delivery_without_uuid_adds_a_second_delivery(world):
    record_delivery(world.h101, count=2, date=TODAY, actor=world.users.grid_leader)
    record_delivery(world.h101, count=1, date=TODAY, actor=world.users.grid_leader)
    assert AntigenDelivery.objects.filter(household=world.h101).count() == 2


def test_delivery_refuses_bad_input(world):
    actor = world.users.grid_leader
    with pytest.raises(ValidationError) as err:
        record_delivery(world.h101, count=0, date=TODAY, actor=actor)
    assert "count" in err.value.message_dict
    with pytest.raises(ValidationError):
        record_delivery(world.h101, count=2, date=TODAY + dt.timedelta(days=1), actor=actor)
    grid2_round = Round.objects.create(number=5, area=world.grid2, date=TODAY)
    with pytest.raises(ValidationError, match="不在本轮检测区域内"):
        record_delivery(world.h101, count=2, date=TODAY, rnd=grid2_round, actor=actor)
    key = uuid.uuid4()
    record_delivery(world.h101, count=1, date=TODAY, client_uuid=key, actor=actor)
    with pytest.raises(ValidationError, match="另一户"):
        record_delivery(world.h102, count=1, date=TODAY, client_uuid=key, actor=actor)
    assert AntigenDelivery.objects.count() == 1


def test_one_result_per_person_and_day(world):
    actor = world.users.grid_leader
    row, status = record_result(world.zhang, date=TODAY, result="negative", actor=actor)
    assert status == CREATED
    same, status = record_result(world.zhang, date=TODAY, result="negative", actor=actor)
    assert status == UNCHANGED and same.pk == row.pk
    changed, status = record_result(world.zhang, date=TODAY, result="positive", actor=actor)
    assert status == UPDATED and changed.pk == row.pk
    assert AntigenResult.objects.get(person=world.zhang, date=TODAY).result == "positive"
    record_result(world.zhang, date=TODAY - dt.timedelta(days=1), result="negative", actor=actor)
    assert AntigenResult.objects.filter(person=world.zhang).count() == 2
    actions = list(
        ChangeLog.objects.filter(model="testing.antigenresult")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "update", "create"]


def test_result_refuses_an_unknown_value_and_a_future_day(world):
    with pytest.raises(ValidationError):
        record_result(world.zhang, date=TODAY, result="maybe", actor=None)
    with pytest.raises(ValidationError):
        record_result(world.zhang, date=TODAY + dt.timedelta(days=1), result="negative", actor=None)
    assert not AntigenResult.objects.exists()


def test_household_results_only_for_its_living_residents(world):
    assert [p.name for p in living_residents(world.h101)] == ["张伟", "陈静"]
    with pytest.raises(ValidationError, match="本户现住人员"):
        record_household_results(
            world.h101, {world.li.pk: "negative"}, date=TODAY, actor=world.users.grid_leader
        )
    outcome = record_household_results(
        world.h101,
        {world.zhang.pk: "negative", world.zhang_wife.pk: ""},
        date=TODAY,
        actor=world.users.grid_leader,
    )
    assert outcome == {CREATED: 1}
    assert list(AntigenResult.objects.values_list("person__name", flat=True)) == ["张伟"]


def test_a_replayed_batch_does_not_undo_a_later_correction(world):
    actor = world.users.grid_leader
    first = uuid.uuid4()
    record_household_results(
        world.h101, {world.zhang.pk: "positive"}, date=TODAY, client_uuid=first, actor=actor
    )
    record_household_results(
        world.h101, {world.zhang.pk: "negative"}, date=TODAY, client_uuid=uuid.uuid4(), actor=actor
    )
    # The first request arrives again late (a phone retrying): it replays, changing nothing.
    outcome = record_household_results(
        world.h101, {world.zhang.pk: "positive"}, date=TODAY, client_uuid=first, actor=actor
    )
    assert outcome == {UNCHANGED: 1}
    assert AntigenResult.objects.get(person=world.zhang).result == "negative"


def test_self_report_is_audited_on_the_public_channel(world):
    outcome = self_report(world.h101, {world.zhang.pk: "negative", world.zhang_wife.pk: "invalid"})
    assert outcome == {CREATED: 2}
    rows = AntigenResult.objects.filter(date=TODAY)
    assert {r.source for r in rows} == {AntigenResult.Source.SELF}
    assert {r.recorded_by for r in rows} == {None}
    log = ChangeLog.objects.filter(model="testing.antigenresult")
    assert log.count() == 2
    assert set(log.values_list("channel", flat=True)) == {"public"}
    assert set(log.values_list("actor", flat=True)) == {None}


def test_rate_limit_counts_per_key_in_the_database(db):
    for _ in range(3):
        assert ratelimit.hit("ip:1.2.3.4", limit=3) is None
    retry_after = ratelimit.hit("ip:1.2.3.4", limit=3)
    assert retry_after is not None and 1 <= retry_after <= 3600
    assert ratelimit.hit("ip:5.6.7.8", limit=3) is None
    assert RateCounter.objects.get(key="ip:1.2.3.4").count == 4


def test_rate_limit_drops_old_windows(db):
    old = timezone.now() - dt.timedelta(days=3)
    RateCounter.objects.create(key="ip:old", window_start=old, count=99)
    ratelimit.hit("ip:new", limit=3)
    assert not RateCounter.objects.filter(key="ip:old").exists()
