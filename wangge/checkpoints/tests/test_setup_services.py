"""Setting up gates and passes, the services: checkpoints within the actor's scope, the pass
policy's ranges, issuing for an estate (vacant, sealed and already-holding households skipped;
an expired pass replaced), the QR payload verifying, revoking the passes of sealed households."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wangge.checkpoints import passes, passes_print, signing
from wangge.checkpoints import services_setup as svc
from wangge.checkpoints.models import Checkpoint, Pass, PassPolicy
from wangge.control.models import DesignationLevel
from wangge.control.services import designate
from wangge.core.models import ChangeLog

pytestmark = pytest.mark.django_db


def week() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=7)


def test_checkpoint_created_and_edited_in_scope(world):
    commander = world.users.commander
    cp = svc.save_checkpoint(
        {
            "name": "阳光小区南门",
            "kind": Checkpoint.Kind.ESTATE_GATE,
            "area": world.community,
            "opens_at": dt.time(6),
            "closes_at": dt.time(22),
        },
        actor=commander,
        estates=[world.estate],
    )
    assert list(cp.estates.all()) == [world.estate]
    assert cp.scope_path == world.community.path
    svc.save_checkpoint({"name": "阳光小区南门（临时）"}, actor=commander, checkpoint=cp)
    cp.refresh_from_db()
    assert cp.name == "阳光小区南门（临时）" and cp.opens_at == dt.time(6)
    assert ChangeLog.objects.filter(object_id=str(cp.pk)).count() == 2
    # Another street's estate, half the hours, a gate serving nothing: clear errors.
    with pytest.raises(ValidationError) as err:
        svc.save_checkpoint(
            {
                "name": "x",
                "kind": Checkpoint.Kind.ESTATE_GATE,
                "area": world.community,
                "opens_at": dt.time(6),
            },
            actor=commander,
            estates=[world.other_estate],
        )
    assert set(err.value.message_dict) == {"estates", "closes_at"}
    with pytest.raises(ValidationError) as err:
        svc.save_checkpoint(
            {"name": "x", "kind": Checkpoint.Kind.ROAD, "area": world.other_street},
            actor=commander,
        )
    assert "area" in err.value.message_dict
    with pytest.raises(PermissionDenied):
        svc.save_checkpoint({"name": "y"}, actor=world.users.outsider, checkpoint=cp)


def test_policy_validation_and_description(world):
    commander = world.users.commander
    policy = svc.save_policy(world.estate, actor=commander, persons=1, period_days=1)
    assert policy.starts_on == timezone.localdate()
    assert svc.describe_policy(policy) == "每户每天1人"
    policy = svc.save_policy(world.estate, actor=commander, persons=1, period_days=2, hours_out=2)
    assert PassPolicy.objects.get(estate=world.estate).period_days == 2
    assert svc.describe_policy(policy) == "每户每2天1人，每次限时2小时"
    for bad, field in (
        ({"persons": 0, "period_days": 1}, "persons"),
        ({"persons": 1, "period_days": 0}, "period_days"),
        ({"persons": 1, "period_days": 8}, "period_days"),
        ({"persons": 1, "period_days": 1, "hours_out": 0}, "hours_out"),
        ({"persons": 1, "period_days": 1, "hours_out": 25}, "hours_out"),
    ):
        with pytest.raises(ValidationError) as err:
            svc.save_policy(world.estate, actor=commander, **bad)
        assert list(err.value.message_dict) == [field], bad
    with pytest.raises(PermissionDenied):  # a grid leader: not over the whole estate
        svc.save_policy(world.estate, actor=world.users.grid_leader, persons=2, period_days=1)


def test_issue_for_estate_skips_vacant_sealed_and_holding(world):
    commander = world.users.commander
    world.h102.vacant = True
    world.h102.save()
    first = svc.issue_for_estate(world.estate, actor=commander, valid_until=week())
    assert {c.household_id for c in first.issued} == {world.h101.pk, world.h201.pk, world.h2_101.pk}
    assert [(h.pk, why) for h, why in first.skipped] == [(world.h102.pk, "空置")]
    again = svc.issue_for_estate(world.estate, actor=commander, valid_until=week())
    assert again.issued == []
    assert dict(again.reasons()) == {"已有有效出入证": 3, "空置": 1}
    # Sealed: skipped with the reason (after its pass was revoked).
    designate(world.u11, DesignationLevel.objects.get(code="sealed"), actor=commander, reason="x")
    svc.revoke_sealed(actor=commander)
    third = svc.issue_for_estate(world.estate, actor=commander, valid_until=week())
    assert third.issued == []
    assert dict(third.reasons())["住户封控中"] == 2  # 101 and the vacant 102 of unit 1-1


def test_issue_replaces_an_expired_pass_and_grid_leader_issues_own_grid(world):
    commander = world.users.commander
    (old,), _ = passes.issue([world.h201], actor=commander, valid_until=week())
    Pass.objects.filter(pk=old.pk).update(valid_until=timezone.localdate() - dt.timedelta(days=1))
    result = svc.issue_for_estate(world.estate, actor=world.users.grid_leader, valid_until=week())
    # Grid 1 only (building 1): 101, 102, and 201 whose pass had expired.
    assert {c.household_id for c in result.issued} == {world.h101.pk, world.h102.pk, world.h201.pk}
    old.refresh_from_db()
    assert old.revoked_at is not None and old.revoke_reason
    with pytest.raises(PermissionDenied):
        svc.issue_for_estate(world.estate, actor=world.users.outsider, valid_until=week())
    with pytest.raises(ValidationError):
        svc.issue_for_estate(
            world.estate, actor=commander, valid_until=timezone.localdate() - dt.timedelta(days=1)
        )


def test_qr_payload_verifies(world, cards):
    card = cards[world.h101.pk]
    payload = passes_print.qr_payload(card)
    claim = signing.verify(payload)
    assert claim is not None
    assert (claim.pass_id, claim.household_id, claim.valid_until) == (
        card.pk,
        world.h101.pk,
        card.valid_until,
    )
    assert signing.verify(payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB")) is None


def test_revoke_sealed_and_status(world, cards):
    commander = world.users.commander
    designate(world.u11, DesignationLevel.objects.get(code="sealed"), actor=commander, reason="x")
    # An outsider revokes nothing of the street.
    assert svc.revoke_sealed(actor=world.users.outsider) == []
    revoked = svc.revoke_sealed(actor=commander)
    assert {c.household_id for c in revoked} == {world.h101.pk, world.h102.pk}
    assert svc.revoke_sealed(actor=commander) == []
    card = Pass.objects.get(pk=cards[world.h101.pk].pk)
    assert svc.pass_status(card) == "revoked" and card.revoke_reason == "住户封控"
    assert svc.pass_status(cards[world.h201.pk]) == "valid"
    assert passes.revoked_since([world.estate.pk]).count() == 2
    later = timezone.localdate() + dt.timedelta(days=30)
    assert svc.pass_status(cards[world.h201.pk], later) == "expired"
    assert svc.filter_status(Pass.objects.all(), "valid").count() == 2
