"""Canvass API: campaigns, visits (idempotent on client_uuid), coverage, the households not
reached and flagged people; scoped like the web, with every error message given back."""

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wangge.accounts.models import ApiToken
from wangge.api.tests.helpers import ApiClient, ids
from wangge.canvass.models import Campaign, Flag, HouseholdStatus, Questionnaire, Visit
from wangge.canvass.services import record_visit
from wangge.core.models import AccessLog
from wangge.places.models import Household

from .conftest import make_campaign

pytestmark = pytest.mark.django_db
BASE = "/api/canvass"


def api(user) -> ApiClient:
    _, key = ApiToken.issue(user, "tests")
    return ApiClient(key)


def person(world, **answers):
    block = {"person": world.zhang.pk, "name": "张伟", "left_city": "no", "contact": "none"}
    block.update(answers)
    return {"people_count": 2, "persons": [block]}


def visit_body(world, **fields):
    body = {
        "household_id": world.h101.pk,
        "method": "visit",
        "outcome": "answered",
        "answers": person(world),
    }
    body.update(fields)
    return body


# --- campaigns -------------------------------------------------------------------------------


def test_campaign_list_and_detail_in_scope(world, campaign):
    body = api(world.users.commander).get(f"{BASE}/campaigns").json()
    assert body["count"] == 1 and body["items"][0]["area_name"] == "兴华社区"
    assert body["items"][0]["methods"] == ["visit", "phone", "wechat"]
    assert body["items"][0]["is_open"] is True
    detail = api(world.users.commander).get(f"{BASE}/campaigns/{campaign.pk}").json()
    keys = [q["key"] for q in detail["questions"]]
    assert keys[:3] == ["people_count", "left_city", "travel"]
    contact = next(q for q in detail["questions"] if q["key"] == "contact")
    assert {"value": "case", "label": "与确诊病例接触"} in contact["choices"]
    outsider = api(world.users.outsider)
    assert outsider.get(f"{BASE}/campaigns").json()["items"] == []
    assert outsider.get(f"{BASE}/campaigns/{campaign.pk}").status_code == 404


def test_campaign_filters(world, campaign):
    today = timezone.localdate()
    old = make_campaign(
        world,
        area=world.grid2,
        starts_on=today - dt.timedelta(days=20),
        ends_on=today - dt.timedelta(days=10),
    )
    c = api(world.users.commander)
    assert ids(c.get(f"{BASE}/campaigns", {"open": "true"})) == {campaign.pk}
    assert ids(c.get(f"{BASE}/campaigns", {"open": "false"})) == {old.pk}
    assert ids(c.get(f"{BASE}/campaigns", {"area": world.grid2.pk})) == {old.pk}
    assert ids(c.get(f"{BASE}/campaigns", {"area": world.other_street.pk})) == set()


def new_campaign(world, **fields):
    today = timezone.localdate()
    body = {
        "area_id": world.community.pk,
        "name": "返来人员排查 3月26日",
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=3)).isoformat(),
        "methods": ["visit", "phone"],
        "library": "returnee",
    }
    body.update(fields)
    return body


def test_create_campaign_from_the_library_and_from_a_questionnaire(world, campaign):
    c = api(world.users.commander)
    r = c.post(f"{BASE}/campaigns", new_campaign(world, close_time="21:30", lookback_days=7))
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["close_time"] == "21:30:00" and body["lookback_days"] == 7
    assert body["questions"][0]["key"] == "people_count"
    made = Campaign.objects.get(pk=body["id"])
    assert made.created_by == world.users.commander and made.questionnaire.library_key == "returnee"
    # An existing questionnaire is copied: the new campaign has its own.
    r = c.post(
        f"{BASE}/campaigns",
        new_campaign(
            world,
            library="",
            questionnaire_id=campaign.questionnaire_id,
            target="buildings",
            building_ids=[world.b1.pk],
        ),
    )
    assert r.status_code == 201, r.content
    copy = Campaign.objects.get(pk=r.json()["id"])
    assert copy.questionnaire_id != campaign.questionnaire_id
    assert r.json()["target_building_ids"] == [world.b1.pk]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"library": ""}, "library", "二选一"),
        ({"library": "nothing"}, "library", "问卷库中没有“nothing”"),
        ({"methods": []}, "methods", "至少选择一种排查方式"),
        ({"methods": ["fax"]}, "methods", "无效的选项"),
        ({"ends_on": "2000-01-01"}, "ends_on", "结束日期不能早于开始日期"),
        ({"target": "buildings"}, "target_buildings", "请选择要排查的楼栋"),
        ({"target": "buildings", "building_ids": [987654]}, "building_ids", "#987654"),
        ({"lookback_days": 0}, "lookback_days", "不能小于 1"),
        ({"colour": "red"}, "colour", "未知字段"),
    ],
)
def test_create_campaign_bad_input(world, fields, field, message):
    r = api(world.users.commander).post(f"{BASE}/campaigns", new_campaign(world, **fields))
    assert r.status_code == 422, r.content
    assert message in " ".join(r.json()["detail"][field])
    assert not Campaign.objects.exists() and not Questionnaire.objects.exists()


def test_create_campaign_refused_out_of_scope(world):
    b2_in_grid2 = new_campaign(
        world, area_id=world.grid1.pk, target="buildings", building_ids=[world.b2.pk]
    )
    r = api(world.users.commander).post(f"{BASE}/campaigns", b2_in_grid2)
    assert r.status_code == 422 and "不在排查区域内" in r.json()["detail"]["building_ids"][0]
    assert (
        api(world.users.outsider).post(f"{BASE}/campaigns", new_campaign(world)).status_code == 404
    )
    assert (
        api(world.users.volunteer).post(f"{BASE}/campaigns", new_campaign(world)).status_code == 403
    )
    assert not Campaign.objects.exists()


# --- visits ----------------------------------------------------------------------------------


def test_a_retried_visit_is_recorded_once(world, campaign):
    c = api(world.users.commander)
    key = str(uuid.uuid4())
    first = c.post(f"{BASE}/campaigns/{campaign.pk}/visits", visit_body(world, client_uuid=key))
    assert first.status_code == 201, first.content
    again = c.post(f"{BASE}/campaigns/{campaign.pk}/visits", visit_body(world, client_uuid=key))
    assert again.status_code == 200
    assert again.json() == first.json()
    assert first.json()["client_uuid"] == key and first.json()["source"] == "api"
    assert Visit.objects.count() == 1 and HouseholdStatus.objects.get().visits == 1


def test_bad_visits_give_every_message(world, campaign):
    c = api(world.users.commander)
    late = (timezone.now() + dt.timedelta(days=30)).isoformat()
    r = c.post(
        f"{BASE}/campaigns/{campaign.pk}/visits",
        visit_body(
            world,
            visited_at=late,
            answers={"persons": [{"name": "张伟", "left_city": "maybe", "contact": "none"}]},
        ),
    )
    assert r.status_code == 422
    text = " ".join(r.json()["detail"]["__all__"])
    assert "不在排查期内" in text and "几口人" in text and "不是可选的答案：maybe" in text
    r = c.post(f"{BASE}/campaigns/{campaign.pk}/visits", visit_body(world, method="fax"))
    assert r.status_code == 422 and "无效的选项" in r.json()["detail"]["method"][0]
    r = c.post(f"{BASE}/campaigns/{campaign.pk}/visits", {"method": "visit"})
    assert set(r.json()["detail"]) == {"household_id", "outcome"}
    # Not a household of the campaign, not a household the caller can see, not their campaign.
    grid2_only = make_campaign(world, area=world.grid2)
    r = c.post(f"{BASE}/campaigns/{grid2_only.pk}/visits", visit_body(world, outcome="absent"))
    assert r.status_code == 422 and "不在本次排查范围内" in r.json()["detail"]["__all__"][0]
    r = c.post(
        f"{BASE}/campaigns/{campaign.pk}/visits",
        visit_body(world, household_id=world.other_household.pk, outcome="absent"),
    )
    assert r.status_code == 404
    r = api(world.users.outsider).post(
        f"{BASE}/campaigns/{campaign.pk}/visits", visit_body(world, outcome="absent")
    )
    assert r.status_code == 404
    assert not Visit.objects.exists()


def test_visit_corrections_need_the_right_to_change_the_registry(world, campaign):
    body = visit_body(world, corrections={"people_count": 4})
    r = api(world.users.commander).post(f"{BASE}/campaigns/{campaign.pk}/visits", body)
    assert r.status_code == 201, r.content
    world.h101.refresh_from_db()
    assert world.h101.people_count == 4
    grid1 = make_campaign(world, area=world.grid1)
    body = visit_body(world, corrections={"people_count": 5})
    r = api(world.users.volunteer).post(f"{BASE}/campaigns/{grid1.pk}/visits", body)
    assert r.status_code == 403
    world.h101.refresh_from_db()
    assert world.h101.people_count == 4


def test_visit_list_and_filters(world, campaign):
    actor = world.users.commander
    record_visit(
        campaign, world.h101, actor=actor, method="visit", outcome="answered", answers=person(world)
    )
    record_visit(campaign, world.h102, actor=actor, method="phone", outcome="absent")
    c = api(actor)
    url = f"{BASE}/campaigns/{campaign.pk}/visits"
    body = c.get(url).json()
    assert body["count"] == 2
    assert {v["household"] for v in body["items"]} == {
        "阳光小区 1号楼1单元101室",
        "阳光小区 1号楼1单元102室",
    }
    assert [v["outcome"] for v in c.get(url, {"household": world.h102.pk}).json()["items"]] == [
        "absent"
    ]
    assert c.get(url, {"outcome": "answered"}).json()["count"] == 1
    assert c.get(url, {"date": timezone.localdate().isoformat()}).json()["count"] == 2
    assert c.get(url, {"date": "2000-01-01"}).json()["count"] == 0
    assert api(world.users.outsider).get(url).status_code == 404


# --- coverage and the households not reached ------------------------------------------------


def visited(world, campaign):
    actor = world.users.commander
    record_visit(
        campaign, world.h101, actor=actor, method="visit", outcome="answered", answers=person(world)
    )
    record_visit(campaign, world.h102, actor=actor, method="phone", outcome="absent")
    record_visit(campaign, world.h201, actor=actor, method="visit", outcome="refused")


def test_coverage_per_grid_with_leaders(world, campaign):
    visited(world, campaign)
    c = api(world.users.commander)
    body = c.get(f"{BASE}/campaigns/{campaign.pk}/coverage").json()
    assert body["total"]["targeted"] == 4 and body["total"]["not_reached"] == 3
    grid1 = next(g for g in body["grids"] if g["id"] == world.grid1.pk)
    assert (grid1["leader_name"], grid1["leader_phone"]) == ("赵网格", "13700000001")
    assert grid1["counts"]["reached"] == 1 and grid1["counts"]["revisit"] == 1
    b1 = grid1["children"][0]
    assert b1["id"] == world.b1.pk and b1["leader_name"] == "钱楼长" and b1["children"] == []
    with_units = c.get(f"{BASE}/campaigns/{campaign.pk}/coverage", {"units": "true"}).json()
    b1_units = with_units["grids"][0]["children"][0]["children"]
    assert [u["counts"]["targeted"] for u in b1_units] == [2, 1]
    # ?area= by id or by path prefix.
    by_id = c.get(f"{BASE}/campaigns/{campaign.pk}/coverage", {"area": world.grid2.pk}).json()
    assert [g["id"] for g in by_id["grids"]] == [world.grid2.pk]
    by_path = c.get(f"{BASE}/campaigns/{campaign.pk}/coverage", {"area": world.b1.scope_path})
    assert by_path.json()["total"]["targeted"] == 3
    bad = c.get(f"{BASE}/campaigns/{campaign.pk}/coverage", {"area": "grid one"})
    assert bad.status_code == 422 and "路径前缀" in bad.json()["detail"]["area"][0]
    hidden = c.get(f"{BASE}/campaigns/{campaign.pk}/coverage", {"area": world.other_grid.pk})
    assert hidden.status_code == 404
    outsider = api(world.users.outsider)
    assert outsider.get(f"{BASE}/campaigns/{campaign.pk}/coverage").status_code == 404


def test_a_grid_leader_sees_their_grid_of_a_community_campaign(world, campaign):
    visited(world, campaign)
    c = api(world.users.grid_leader)
    assert ids(c.get(f"{BASE}/campaigns")) == {campaign.pk}
    body = c.get(f"{BASE}/campaigns/{campaign.pk}/coverage").json()
    assert [g["id"] for g in body["grids"]] == [world.grid1.pk]
    assert body["total"]["targeted"] == 3
    rows = c.get(f"{BASE}/campaigns/{campaign.pk}/not-reached").json()["items"]
    assert [r["room"] for r in rows] == ["102", "201"]
    assert c.get(f"{BASE}/campaigns/{campaign.pk}/visits").json()["count"] == 3


def test_not_reached_list_is_masked_paged_and_logged(world, campaign):
    visited(world, campaign)
    c = api(world.users.commander)
    url = f"{BASE}/campaigns/{campaign.pk}/not-reached"
    body = c.get(url).json()
    assert body["count"] == 3
    rows = [(r["room"], r["state"], r["householder"], r["phone"]) for r in body["items"]]
    assert rows == [
        ("102", "revisit", "王*", "139****0102"),
        ("201", "refused", "李*", "139****0201"),
        ("101", "not_attempted", "刘*", "139****2101"),
    ]
    first = body["items"][0]
    assert (first["grid"], first["building"], first["unit"]) == ("第一网格", "阳光小区 1号楼", "1")
    assert (first["grid_leader"], first["grid_leader_phone"]) == ("赵网格", "13700000001")
    assert "王芳" not in str(body) and "13900000102" not in str(body)
    assert AccessLog.objects.filter(kind="api", rows=3, object_id=str(campaign.pk)).exists()
    page2 = c.get(url, {"page": 2, "page_size": 2}).json()
    assert page2["count"] == 3 and [r["room"] for r in page2["items"]] == ["101"]
    assert c.get(url, {"page": 3, "page_size": 2}).status_code == 404
    assert [r["room"] for r in c.get(url, {"state": "refused"}).json()["items"]] == ["201"]
    assert c.get(url, {"area": world.grid2.pk}).json()["count"] == 1
    assert c.get(url, {"state": "reached"}).status_code == 422
    assert api(world.users.outsider).get(url).status_code == 404


# --- flags -----------------------------------------------------------------------------------


def flagged(world, campaign):
    record_visit(
        campaign,
        world.h101,
        actor=world.users.commander,
        method="visit",
        outcome="answered",
        answers=person(world, contact="case"),
    )
    return Flag.objects.get()


def test_flag_list_filters_and_scope(world, campaign):
    flag = flagged(world, campaign)
    c = api(world.users.commander)
    body = c.get(f"{BASE}/flags").json()
    item = body["items"][0]
    assert (item["person_name"], item["code"], item["proposed"]) == (
        "张伟",
        "contact",
        "central_quarantine",
    )
    assert (item["grid_id"], item["grid"], item["decided"]) == (world.grid1.pk, "第一网格", False)
    assert ids(c.get(f"{BASE}/flags", {"campaign": campaign.pk})) == {flag.pk}
    assert ids(c.get(f"{BASE}/flags", {"code": "symptoms"})) == set()
    assert ids(c.get(f"{BASE}/flags", {"decided": "false"})) == {flag.pk}
    assert ids(c.get(f"{BASE}/flags", {"decided": "true"})) == set()
    assert ids(c.get(f"{BASE}/flags", {"area": world.grid2.pk})) == set()
    assert api(world.users.outsider).get(f"{BASE}/flags").json()["items"] == []


def test_flag_decision(world, campaign):
    flag = flagged(world, campaign)
    url = f"{BASE}/flags/{flag.pk}/decision"
    c = api(world.users.commander)
    r = c.post(url, {"measure": "home_quarantine"})
    assert r.status_code == 422 and "理由" in r.json()["detail"]["decision_note"][0]
    assert c.post(url, {"measure": "jail"}).status_code == 422
    r = c.post(url, {"measure": "home_quarantine", "note": "已接种加强针，居家条件具备"})
    assert r.status_code == 200, r.content
    assert r.json()["decided"] and r.json()["measure_label"] == "居家隔离"
    assert r.json()["decided_by"] == "commander_a"
    assert api(world.users.outsider).post(url, {"measure": "none"}).status_code == 404


def test_a_volunteer_records_visits_but_does_not_decide(world):
    campaign = make_campaign(world, area=world.grid1)
    c = api(world.users.volunteer)
    r = c.post(
        f"{BASE}/campaigns/{campaign.pk}/visits",
        visit_body(world, answers=person(world, contact="case")),
    )
    assert r.status_code == 201, r.content
    flag = Flag.objects.get()
    assert c.get(f"{BASE}/flags").json()["count"] == 1
    r = c.post(f"{BASE}/flags/{flag.pk}/decision", {"measure": "central_quarantine"})
    assert r.status_code == 403
    assert not Flag.objects.get().decided


# --- query counts ----------------------------------------------------------------------------


def queries(client, url, params=None) -> int:
    client.get(url, params)  # the token is looked up once, then cached for a few seconds
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


LISTS = ("campaigns", "campaigns/{pk}/visits", "flags", "campaigns/{pk}/not-reached")


def test_list_queries_do_not_grow_with_rows(world, campaign):
    actor = world.users.commander
    c = api(actor)
    record_visit(
        campaign,
        world.h101,
        actor=actor,
        method="visit",
        outcome="answered",
        answers=person(world, contact="case"),
    )
    urls = [f"{BASE}/{name.format(pk=campaign.pk)}" for name in LISTS]
    one = [queries(c, url) for url in urls]
    for area in (world.grid1, world.grid2):
        make_campaign(world, area=area)
    for room in range(301, 311):
        Household.objects.create(
            building=world.b1, unit=world.u12, floor=3, room=str(room), householder_name="某某"
        )
    contact = {"name": "某人", "left_city": "no", "contact": "close"}
    for hh in (world.h102, world.h201, world.h2_101):
        record_visit(
            campaign,
            hh,
            actor=actor,
            method="visit",
            outcome="refused" if hh == world.h201 else "answered",
            answers={"people_count": 1, "persons": [contact]},
        )
    assert Flag.objects.count() == 3 and Campaign.objects.count() == 3
    assert Visit.objects.count() == 4
    many = [queries(c, url) for url in urls]
    assert many == one
    assert queries(c, f"{BASE}/campaigns/{campaign.pk}/coverage") <= 12
