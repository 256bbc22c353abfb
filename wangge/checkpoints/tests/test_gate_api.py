"""The gate API: a passage posted twice with one client UUID is recorded once (201, then 200
with the same body); forged and altered passes are refused; a revoked pass is refused and
appears in the revocation list pulled with its `since`; the green channel lets a sealed
household through; a turn-back is logged; an outsider gets 404 and a volunteer not posted at
the gate is refused."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from wangge.accounts.models import ApiToken
from wangge.api.tests.helpers import ApiClient
from wangge.checkpoints import passes, signing
from wangge.checkpoints.models import Passage
from wangge.checkpoints.tests.roster import gate_shift, worker_of
from wangge.control.models import DesignationLevel
from wangge.control.services import designate

pytestmark = pytest.mark.django_db
TZ = timezone.get_current_timezone()


def at(hour: int) -> dt.datetime:
    return dt.datetime.combine(timezone.localdate(), dt.time(hour), tzinfo=TZ)


@pytest.fixture(autouse=True)
def _noon(monkeypatch):
    noon = at(12)
    monkeypatch.setattr(timezone, "now", lambda: noon)


def api_for(user) -> ApiClient:
    _, key = ApiToken.issue(user, "gate")
    return ApiClient(key)


def url(gate, tail: str) -> str:
    return f"/api/checkpoints/{gate.pk}/{tail}"


def test_passage_post_is_idempotent(world, gate, cards):
    api = api_for(world.users.commander)
    key = str(uuid.uuid4())
    body = {"direction": "out", "token": passes.token(cards[world.h101.pk]), "client_uuid": key}
    first = api.post(url(gate, "passages"), body)
    assert first.status_code == 201, first.content
    data = first.json()
    assert data["outcome"] == "allowed" and data["created"] is True
    assert data["household_id"] == world.h101.pk and data["who"] == ""
    again = api.post(url(gate, "passages"), body)
    assert again.status_code == 200
    assert again.json() == {**data, "created": False}
    assert Passage.objects.count() == 1
    # The second person of the household the same day: refused with the reason.
    second = api.post(url(gate, "passages"), {**body, "client_uuid": str(uuid.uuid4())})
    assert second.status_code == 201 and second.json()["code"] == "quota"
    # The page asks who it was: address and masked name.
    described = api.post(
        url(gate, "passages"),
        {"direction": "in", "id_number": world.zhang.id_number, "describe": True},
    ).json()
    assert described["outcome"] == "allowed"
    assert "101" in described["who"] and "张*" in described["who"]
    assert "张伟" not in described["who"]


def test_bad_input(world, gate):
    api = api_for(world.users.commander)
    assert api.post(url(gate, "passages"), {"direction": "up"}).status_code == 422
    bad_uuid = {"direction": "out", "client_uuid": "nope"}
    assert api.post(url(gate, "passages"), bad_uuid).status_code == 422
    r = api.post(url(gate, "passages"), {"direction": "out", "temperature": "hot"})
    assert r.status_code == 422 and "temperature" in r.json()["detail"]


def test_forged_and_altered_passes_refused(world, gate, cards):
    api = api_for(world.users.commander)
    genuine = passes.token(cards[world.h101.pk])
    body, _, sig = genuine.rpartition(".")
    altered = body.replace(f".{world.h101.pk}.", f".{world.h102.pk}.") + "." + sig
    other_private, _ = signing._keys("another-secret")
    forged = f"{body}.{signing._b64(other_private.sign(body.encode()))}"
    for token in (altered, forged, body[:-8] + "20991231." + sig):
        r = api.get(url(gate, "verify"), {"token": token})
        assert r.status_code == 200 and r.json()["allowed"] is False
        assert r.json()["code"] == "forged"
        posted = api.post(url(gate, "passages"), {"direction": "out", "token": token})
        assert posted.json()["outcome"] == "refused"
    ok = api.get(url(gate, "verify"), {"token": genuine, "direction": "out"}).json()
    assert ok["allowed"] is True and ok["household_id"] == world.h101.pk
    assert not Passage.objects.filter(outcome="allowed").exists()  # verify records nothing


def test_revoked_pass_pulled_and_refused(world, gate, cards):
    api = api_for(world.users.commander)
    key = api.get("/api/checkpoints/public-key").json()
    assert key == {"key": signing.public_key_b64(), "format": "WG1"}
    first = api.get(url(gate, "revocations")).json()
    assert first["revoked"] == []
    card = cards[world.h102.pk]
    passes.revoke(card, actor=world.users.commander, reason="遗失")
    pulled = api.get(url(gate, "revocations"), {"since": first["now"]}).json()
    assert pulled["revoked"] == []  # revoked at the same (patched) instant as `now`
    pulled = api.get(url(gate, "revocations"), {"since": at(11).isoformat()}).json()
    assert pulled["revoked"] == [card.pk]
    assert api.get(url(gate, "revocations")).json()["revoked"] == [card.pk]
    r = api.post(url(gate, "passages"), {"direction": "out", "token": passes.token(card)})
    assert r.json()["code"] == "revoked" and "遗失" in r.json()["reason"]


def test_green_channel_lets_a_sealed_household_through(world, gate, cards):
    commander = world.users.commander
    designate(
        world.u11, DesignationLevel.objects.get(code="sealed"), actor=commander, reason="阳性"
    )
    api = api_for(commander)
    token = passes.token(cards[world.h101.pk])
    refused = api.post(url(gate, "passages"), {"direction": "out", "token": token}).json()
    assert refused["code"] == "sealed"
    key = str(uuid.uuid4())
    body = {
        "green": "dialysis",
        "reason": "市医院透析",
        "escort": "张伟（家属）",
        "token": token,
        "client_uuid": key,
        "describe": True,
    }
    r = api.post(url(gate, "green"), body)
    assert r.status_code == 201, r.content
    assert r.json()["outcome"] == "green" and "血液透析" in r.json()["reason"]
    assert api.post(url(gate, "green"), body).status_code == 200
    passage = Passage.objects.get(client_uuid=key)
    assert passage.green == "dialysis" and passage.escort == "张伟（家属）"
    assert passage.household == world.h101 and passage.recorded_by == commander
    r = api.post(url(gate, "green"), {"green": "other"})
    assert r.status_code == 422 and "reason" in r.json()["detail"]


def test_turn_back_logged(world, gate):
    api = api_for(world.users.commander)
    r = api.post(
        url(gate, "turn-back"),
        {"reason": "外地车辆", "plate": "吉b 12345", "id_number": world.other_person.id_number},
    )
    assert r.status_code == 201
    passage = Passage.objects.get(pk=r.json()["id"])
    assert passage.outcome == "turned_back" and "外地车辆" in passage.reason
    assert passage.person == world.other_person and passage.plate == "吉B 12345"
    assert api.post(url(gate, "turn-back"), {"reason": ""}).status_code == 422


def test_scope(world, gate, cards):
    token = passes.token(cards[world.h101.pk])
    body = {"direction": "out", "token": token}
    outsider = api_for(world.users.outsider)
    for r in (
        outsider.post(url(gate, "passages"), body),
        outsider.get(url(gate, "verify"), {"token": token}),
        outsider.get(url(gate, "revocations")),
        outsider.post(url(gate, "green"), {"green": "labour"}),
        outsider.post(url(gate, "turn-back"), {"reason": "x"}),
    ):
        assert r.status_code == 404
    volunteer = api_for(world.users.volunteer)
    assert volunteer.post(url(gate, "passages"), body).status_code in (403, 404)
    gate_shift(gate, at(6), at(18), workers=[worker_of(world.users.volunteer, world.grid1)])
    assert volunteer.post(url(gate, "passages"), body).status_code == 201
    assert Passage.objects.count() == 1
