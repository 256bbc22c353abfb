"""The SQL hot path of a pass scan agrees with the gate's full decision: for every situation a
gate meets, either it answers exactly as gate.decide does (let through, or refused for the
quota), or it leaves the answer to gate.record's usual path."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import transaction
from django.utils import timezone

from wangge.checkpoints import gate as g
from wangge.checkpoints import gate_sql, passes, signing
from wangge.checkpoints.models import Checkpoint, Passage, PassPolicy
from wangge.control.models import DesignationLevel, OrderType
from wangge.control.services import designate, place_order
from wangge.places.models import Estate

pytestmark = pytest.mark.django_db
TZ = timezone.get_current_timezone()


@pytest.fixture(autouse=True)
def _noon(monkeypatch):
    noon = dt.datetime.combine(timezone.localdate(), dt.time(12), tzinfo=TZ)
    monkeypatch.setattr(timezone, "now", lambda: noon)


def both(world, gate, token, direction="out"):
    """(full decision's outcome and code, the hot path's or None), the hot path's write undone."""
    at = timezone.now()
    g.forget_rules()
    full = g.decide(gate, direction=direction, token=token, at=at)
    served, policies = g.gate_rules(gate)
    sid = transaction.savepoint()
    fast = gate_sql.record_pass(
        gate,
        signing.verify(token),
        actor=world.users.commander,
        direction=direction,
        at=at,
        key=uuid.uuid4(),
        served=served,
        policies=policies,
    )
    transaction.savepoint_rollback(sid)
    return (full.outcome, full.code), (fast[0].outcome, fast[0].code) if fast else None


def agrees(world, gate, token, direction="out", *, expect_fast: bool):
    full, fast = both(world, gate, token, direction)
    if expect_fast:
        assert fast == full
    else:
        assert fast is None
    return full


def test_allowed_and_quota_are_decided_alike(world, gate, cards):
    t = passes.token(cards[world.h101.pk])
    assert agrees(world, gate, t, expect_fast=True) == ("allowed", "")
    earlier = timezone.now() - dt.timedelta(minutes=10)
    g.record(gate, actor=world.users.commander, direction="out", token=t, at=earlier)
    assert agrees(world, gate, t, expect_fast=True) == ("refused", "quota")
    assert agrees(world, gate, t, "in", expect_fast=False) == ("allowed", "")  # in: usual path
    PassPolicy.objects.filter(estate=world.estate).update(persons=2)
    assert agrees(world, gate, t, expect_fast=True) == ("allowed", "")
    PassPolicy.objects.filter(estate=world.estate).update(persons=1, period_days=2)
    assert agrees(world, gate, t, expect_fast=True) == ("refused", "quota")


def test_everything_else_goes_the_usual_way(world, gate, cards):
    commander = world.users.commander
    t101, t201 = passes.token(cards[world.h101.pk]), passes.token(cards[world.h201.pk])
    designate(world.u11, DesignationLevel.objects.get(code="sealed"), actor=commander, reason="阳")
    assert agrees(world, gate, t101, expect_fast=False)[1] == "sealed"
    assert agrees(world, gate, t101, "in", expect_fast=False) == ("allowed", "")
    monitored = place_order(
        world.li, OrderType.objects.get(code="home_monitoring"), actor=commander,
        source="manual", reason="返来",
    )  # fmt: skip
    assert agrees(world, gate, t201, expect_fast=True) == ("allowed", "")  # monitoring: may go
    monitored.delete()
    place_order(
        world.li, OrderType.objects.get(code="home_quarantine"), actor=commander,
        source="manual", reason="密接",
    )  # fmt: skip
    assert agrees(world, gate, t201, expect_fast=False)[1] == "quarantine"
    t102 = passes.token(cards[world.h102.pk])
    passes.revoke(cards[world.h102.pk], actor=commander, reason="遗失")
    assert agrees(world, gate, t102, expect_fast=False)[1] == "revoked"
    t2 = passes.token(cards[world.h2_101.pk])
    gate.opens_at, gate.closes_at = dt.time(6), dt.time(11)
    gate.save()
    assert agrees(world, gate, t2, expect_fast=False)[1] == "closed"
    gate.opens_at = gate.closes_at = None
    gate.save()
    # A gate of another estate: not a resident there.
    other = Estate.objects.create(name="和平小区", area=world.community)
    side = Checkpoint.objects.create(name="和平小区门岗", kind="estate_gate", area=world.community)
    side.estates.add(other)
    PassPolicy.objects.create(
        estate=other, persons=1, period_days=1, starts_on=timezone.localdate()
    )
    assert agrees(world, side, t2, expect_fast=False)[1] == "not_resident"


def test_expired_and_unwindowed_policies_go_the_usual_way(world, gate, cards):
    t = passes.token(cards[world.h101.pk])
    PassPolicy.objects.filter(estate=world.estate).delete()
    assert agrees(world, gate, t, expect_fast=False) == ("allowed", "")  # no quota: usual path
    later = timezone.localdate() + dt.timedelta(days=30)
    card = cards[world.h101.pk]
    card.valid_until = timezone.localdate() - dt.timedelta(days=1)
    card.save()
    old = signing.sign(card.pk, card.household_id, card.valid_until)
    assert agrees(world, gate, old, expect_fast=False)[1] == "expired"
    assert later > card.valid_until


def test_a_retry_through_the_hot_path_records_once(world, gate, cards):
    t = passes.token(cards[world.h101.pk])
    key = uuid.uuid4()
    first, created = g.record(gate, actor=world.users.commander, direction="out", token=t,
                              client_uuid=key)  # fmt: skip
    again, created_again = g.record(gate, actor=world.users.commander, direction="out",
                                    token=t, client_uuid=key)  # fmt: skip
    assert created and not created_again and first.pk == again.pk
    assert Passage.objects.filter(client_uuid=key).count() == 1
    stored = Passage.objects.get(pk=first.pk)
    assert stored.scope_path == gate.scope_path and stored.pass_card == cards[world.h101.pk]
    assert stored.recorded_by == world.users.commander and stored.outcome == "allowed"


def test_on_postgresql_the_scan_is_prepared_once_per_connection(world, gate, cards):
    """Django turns psycopg's prepared statements off unless settings ask for them; without
    them every scan is planned again (most of the database's work per passage)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    for household in (world.h101, world.h102):
        g.record(gate, actor=world.users.commander, direction="out",
                 token=passes.token(cards[household.pk]), client_uuid=uuid.uuid4())  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            [f"INSERT INTO {Passage._meta.db_table} %"],
        )
        assert cursor.fetchone()[0] >= 1
