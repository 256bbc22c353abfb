"""The gate's answers: a genuine pass goes out once per household per day; the second person
of the household, a sealed household, someone under quarantine, a forged, altered, revoked or
expired pass, a fever, a red code and a stranger are refused with the reason; retries and an
offline queue synced twice record once."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from wangge.checkpoints import gate as g
from wangge.checkpoints import passes, signing
from wangge.checkpoints.models import Passage, PassPolicy
from wangge.checkpoints.tests.roster import gate_shift, worker_of
from wangge.control.models import DesignationLevel, OrderType
from wangge.control.services import designate, place_order
from wangge.core.qr import person_token

pytestmark = pytest.mark.django_db
TZ = timezone.get_current_timezone()


def at(hour: int, day: dt.date | None = None) -> dt.datetime:
    return dt.datetime.combine(day or timezone.localdate(), dt.time(hour), tzinfo=TZ)


@pytest.fixture(autouse=True)
def _noon(monkeypatch):
    """The gate's day runs at noon local time, whatever the real hour."""
    noon = at(12)
    monkeypatch.setattr(timezone, "now", lambda: noon)


def out(world, gate, token="", **kw):
    kw.setdefault("at", at(9))
    return g.record(gate, actor=world.users.commander, direction="out", token=token, **kw)


def test_one_person_per_household_per_day(world, gate, cards):
    t101 = passes.token(cards[world.h101.pk])
    first, created = out(world, gate, t101)
    assert created and first.outcome == "allowed" and first.household == world.h101
    second, _ = out(world, gate, t101, at=at(10))
    assert second.outcome == "refused" and second.code == "quota"
    assert "每户每天1人" in second.reason
    # Another household is not affected; the next day the quota is back.
    assert out(world, gate, passes.token(cards[world.h102.pk]))[0].outcome == "allowed"
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(timezone, "now", lambda: at(8, tomorrow))
        assert out(world, gate, t101, at=at(8, tomorrow))[0].outcome == "allowed"
    # Coming back in is always allowed for a resident.
    back = g.record(gate, actor=world.users.commander, direction="in", token=t101, at=at(11))
    assert back[0].outcome == "allowed"


def test_one_person_every_two_days(world, gate, cards):
    PassPolicy.objects.filter(estate=world.estate).update(period_days=2)
    t101 = passes.token(cards[world.h101.pk])
    assert out(world, gate, t101)[0].outcome == "allowed"
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(timezone, "now", lambda: at(9, tomorrow))
        refused = out(world, gate, t101, at=at(9, tomorrow))[0]
    assert refused.code == "quota" and "每2天1人" in refused.reason


def test_forged_and_altered_passes_fail(world, gate, cards):
    genuine = passes.token(cards[world.h101.pk])
    body, _, sig = genuine.rpartition(".")
    altered = body.replace(f".{world.h101.pk}.", f".{world.h102.pk}.") + "." + sig
    assert signing.verify(altered) is None
    assert out(world, gate, altered)[0].code == "forged"
    later = body[:-8] + "20991231." + sig  # validity stretched
    assert out(world, gate, later)[0].code == "forged"
    # Signed with another key (another server's SECRET_KEY): refused.
    other_private, _ = signing._keys("another-secret")
    forged = f"{body}.{signing._b64(other_private.sign(body.encode()))}"
    assert out(world, gate, forged)[0].code == "forged"
    assert out(world, gate, "WG1.garbage")[0].code == "forged"


def test_revoked_and_expired_passes(world, gate, cards):
    card = cards[world.h101.pk]
    t101 = passes.token(card)
    passes.revoke(card, actor=world.users.commander, reason="遗失")
    refused = out(world, gate, t101)[0]
    assert refused.code == "revoked" and "遗失" in refused.reason
    assert card.pk in set(passes.revoked_since([world.estate.pk]).values_list("pk", flat=True))
    later = timezone.localdate() + dt.timedelta(days=8)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(timezone, "now", lambda: at(9, later))
        expired = out(world, gate, passes.token(cards[world.h102.pk]), at=at(9, later))[0]
    assert expired.code == "expired"


def test_sealed_household_and_quarantine_refused(world, gate, cards):
    commander = world.users.commander
    designate(
        world.u11, DesignationLevel.objects.get(code="sealed"), actor=commander, reason="阳性"
    )
    sealed = out(world, gate, passes.token(cards[world.h101.pk]), at=at(12))[0]
    assert sealed.code == "sealed"
    place_order(
        world.li,
        OrderType.objects.get(code="home_quarantine"),
        actor=commander,
        source="manual",
        reason="密接",
    )
    quarantined = out(world, gate, passes.token(cards[world.h201.pk]))[0]
    assert quarantined.code == "quarantine" and "李*" in quarantined.reason
    by_code = out(world, gate, person_token(world.li))[0]
    assert by_code.code == "quarantine" and by_code.person == world.li


def test_fever_red_code_strangers_and_hours(world, gate, cards):
    t = passes.token(cards[world.h101.pk])
    assert out(world, gate, t, temperature="37.6")[0].code == "fever"
    assert out(world, gate, t, health_code="red")[0].code == "health_code"
    assert out(world, gate, id_number=world.other_person.id_number)[0].code == "not_resident"
    assert out(world, gate, id_number="110101199003078888")[0].code in ("unknown", "bad_id")
    gate.opens_at, gate.closes_at = dt.time(6), dt.time(11)
    gate.save()
    assert out(world, gate, t, at=at(12))[0].code == "closed"
    assert out(world, gate, id_number=world.zhang.id_number)[0].outcome == "allowed"  # at 9


def test_retries_and_offline_sync_record_once(world, gate, cards):
    key = uuid.uuid4()
    t = passes.token(cards[world.h101.pk])
    first, created = out(world, gate, t, client_uuid=key)
    again, created_again = out(world, gate, t, client_uuid=str(key))
    assert created and not created_again and again.pk == first.pk
    assert Passage.objects.count() == 1
    # A second person let out while the gate was offline: recorded as it happened, with the
    # server's objection kept.
    offline, _ = out(world, gate, t, client_uuid=uuid.uuid4(), offline_outcome="allowed")
    assert offline.outcome == "allowed" and offline.offline and offline.code == "offline_quota"
    assert "离线放行" in offline.reason


def test_who_records_at_the_gate(world, gate, cards):
    t = passes.token(cards[world.h101.pk])
    with pytest.raises(PermissionDenied):
        g.record(gate, actor=world.users.outsider, direction="out", token=t)
    # A grid volunteer records at the community's gate once on the roster of one of its posts
    # (a published shift covering today); a draft shift does not count.
    with pytest.raises(PermissionDenied):
        g.record(gate, actor=world.users.volunteer, direction="out", token=t)
    volunteer = worker_of(world.users.volunteer, world.grid1)
    draft = gate_shift(gate, at(6), at(18), workers=[volunteer], published=False)
    with pytest.raises(PermissionDenied):
        g.record(gate, actor=world.users.volunteer, direction="out", token=t)
    draft.published_at = at(5)
    draft.save()
    passage, _ = g.record(gate, actor=world.users.volunteer, direction="out", token=t, at=at(9))
    assert passage.outcome == "allowed" and passage.recorded_by == world.users.volunteer
