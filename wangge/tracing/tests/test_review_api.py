"""The review API: open pairs (masked, pending first), a decision (422 bad input, 403 without
CHANGE, 404 outside), the merged list (?day ?new ?area ?kind)."""

from __future__ import annotations

import pytest

from wangge.accounts.models import ApiToken
from wangge.api.tests.helpers import ApiClient
from wangge.core.models import AccessLog
from wangge.tracing.models import MatchPair

from .fixtures_review import SUN_ID, scenario

pytestmark = pytest.mark.django_db


def api_for(user) -> ApiClient:
    _, key = ApiToken.issue(user, "t")
    return ApiClient(key)


def test_review_queue(world):
    s = scenario(world)
    r = api_for(world.users.commander).get("/api/tracing/review")
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 3
    assert [p["id"] for p in body["items"]] == [s.p_sun.pk, s.p_zhao.pk, s.p_later.pk]
    first = body["items"][0]
    assert first["left"]["name"] == "孙七" and first["right"]["name"] == "孙7"
    assert first["left"]["id_number_masked"] == SUN_ID[:4] + "**********" + SUN_ID[-4:]
    assert SUN_ID not in r.content.decode()
    assert body["items"][1]["right"]["kind"] == "registry"
    assert api_for(world.users.outsider).get("/api/tracing/review").json()["count"] == 0


def test_decision_errors(world):
    s = scenario(world)
    url = f"/api/tracing/review/{s.p_sun.pk}"
    assert api_for(world.users.commander).post(url, {"decision": "maybe"}).status_code == 422
    assert api_for(world.users.volunteer).post(url, {"decision": "merged"}).status_code in (
        403,
        404,
    )
    assert api_for(world.users.outsider).post(url, {"decision": "merged"}).status_code == 404
    MatchPair.objects.filter(pk=s.p_sun.pk).update(status="distinct")
    r = api_for(world.users.commander).post(url, {"decision": "merged"})
    assert r.status_code == 422 and r.json()["detail"]["decision"] == ["该配对已核对"]


def test_decision(world):
    pytest.importorskip("wangge.tracing.services_decisions")
    s = scenario(world)
    api = api_for(world.users.commander)
    r = api.post(f"/api/tracing/review/{s.p_zhao.pk}", {"decision": "distinct"})
    assert r.status_code == 200 and r.json()["status"] == "distinct"
    r = api.post(f"/api/tracing/review/{s.p_sun.pk}", {"decision": "later"})
    assert r.json()["status"] == "later"
    ids = [p["id"] for p in api.get("/api/tracing/review").json()["items"]]
    assert ids == [s.p_later.pk, s.p_sun.pk]


def test_merged_list(world):
    s = scenario(world)
    api = api_for(world.users.commander)
    body = api.get("/api/tracing/merged", {"day": "2022-04-02"}).json()
    assert body["count"] == 5
    people = {p["name"]: p for p in body["items"]}
    assert people["孙七"]["new"] and not people["赵六"]["new"]
    assert people["李娜"]["under_measure"] and not people["孙七"]["under_measure"]
    assert people["张伟"]["household"] == "第一网格 › 阳光小区 1号楼 › 1单元 › 101室"
    assert [n["source"] for n in people["赵六"]["sources"]] == ["北京路派出所", "市疾控"]
    assert SUN_ID not in str(body)
    new = api.get("/api/tracing/merged", {"day": "2022-04-02", "new": "true"}).json()
    assert new["count"] == 4
    grid = api.get("/api/tracing/merged", {"area": world.grid1.pk}).json()
    assert {p["name"] for p in grid["items"]} == {"张伟", "李娜"}
    kind = api.get("/api/tracing/merged", {"kind": "secondary"}).json()
    assert {p["name"] for p in kind["items"]} == {"张伟", "孙7"}
    assert AccessLog.objects.filter(kind="api", object_repr="tracing.merged").exists()
    assert api_for(world.users.outsider).get("/api/tracing/merged").json()["count"] == 0
    assert s.sun.pk
