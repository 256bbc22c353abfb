"""Setting up gates and passes, the API: checkpoints listed and shown with their estates' rules,
an estate's passes with their status, revoking one (reason required; 403 for a volunteer, 404
outside scope)."""

from __future__ import annotations

import pytest

from wangge.accounts.models import ApiToken
from wangge.api.tests.helpers import ApiClient, ids
from wangge.checkpoints.models import Pass

pytestmark = pytest.mark.django_db


def client(user) -> ApiClient:
    _token, key = ApiToken.issue(user, "t")
    return ApiClient(key)


def test_checkpoints_and_passes(world, gate, cards):
    api = client(world.users.commander)
    assert ids(api.get("/api/checkpoints/")) == {gate.pk}
    detail = api.get(f"/api/checkpoints/{gate.pk}").json()
    assert detail["estate_ids"] == [world.estate.pk]
    assert detail["estates"][0]["rule"] == "每户每天1人"
    r = api.get("/api/checkpoints/passes", {"estate": world.estate.pk, "status": "valid"})
    assert ids(r) == {c.pk for c in cards.values()}
    item = next(i for i in r.json()["items"] if i["household_id"] == world.h101.pk)
    assert item["room"] == "1号楼1单元101室" and item["status"] == "valid"
    # Outsiders: 404 and empty.
    o = client(world.users.outsider)
    assert o.get(f"/api/checkpoints/{gate.pk}").status_code == 404
    assert ids(o.get("/api/checkpoints/passes", {"estate": world.estate.pk})) == set()


def test_revoke(world, gate, cards):
    card = cards[world.h201.pk]
    url = f"/api/checkpoints/passes/{card.pk}/revoke"
    api = client(world.users.commander)
    assert api.post(url, {}).status_code == 422
    assert api.post(url, {"reason": " "}).status_code == 422
    assert client(world.users.volunteer).post(url, {"reason": "遗失"}).status_code == 403
    assert client(world.users.outsider).post(url, {"reason": "遗失"}).status_code == 404
    r = api.post(url, {"reason": "遗失"})
    assert r.status_code == 200 and r.json()["status"] == "revoked"
    assert Pass.objects.get(pk=card.pk).revoke_reason == "遗失"
    assert api.post(url, {"reason": "遗失"}).status_code == 422
