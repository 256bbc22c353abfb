"""Campaign pages: the list (status, households reached, search, bounded queries), creating a
campaign from the library or from an existing questionnaire, the hub page and editing, for the
commander, a grid leader, a volunteer and an outsider."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from wangge.canvass.models import Campaign, Question, Questionnaire
from wangge.canvass.services import record_visit
from wangge.places.models import Building, Estate

from .conftest import make_campaign

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"canvass:{name}", args=args)


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def answered(world):
    block = {"person": world.zhang.pk, "name": "张伟", "left_city": "no", "contact": "none"}
    return {"people_count": 2, "persons": [block]}


def form_data(world, **changes):
    today = timezone.localdate()
    data = {
        "area": world.grid1.pk,
        "name": "入延人员排查 3月26日",
        "target": "area",
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=3)).isoformat(),
        "methods": ["visit", "phone"],
        "close_time": "20:00",
        "lookback_days": "14",
        "library": "returnee",
    }
    data.update(changes)
    return data


def test_list_shows_status_methods_and_households_reached(world, campaign, client_for):
    record_visit(
        campaign,
        world.h101,
        actor=world.users.commander,
        method="visit",
        outcome="answered",
        answers=answered(world),
    )
    record_visit(
        campaign, world.h102, actor=world.users.commander, method="visit", outcome="absent"
    )
    today = timezone.localdate()
    make_campaign(
        world,
        name="下周排查",
        starts_on=today + dt.timedelta(days=3),
        ends_on=today + dt.timedelta(days=9),
    )
    make_campaign(
        world,
        name="上月排查",
        starts_on=today - dt.timedelta(days=40),
        ends_on=today - dt.timedelta(days=30),
    )
    page = html(client_for(world.users.commander).get(url("campaign_list")))
    assert url("campaign_detail", campaign.pk) in page and "兴华社区" in page
    assert "进行中" in page and "未开始" in page and "已结束" in page
    assert "入户、电话、微信" in page
    assert '<td class="text-end">1</td>' in page  # h101 reached; h102 absent is not
    assert url("campaign_create") in page
    # A grid leader sees the community's campaign (their own households' part of it).
    grid = html(client_for(world.users.grid_leader).get(url("campaign_list")))
    assert url("campaign_detail", campaign.pk) in grid and url("campaign_create") in grid
    volunteer = html(client_for(world.users.volunteer).get(url("campaign_list")))
    assert campaign.name in volunteer and url("campaign_create") not in volunteer
    outsider = html(client_for(world.users.outsider).get(url("campaign_list")))
    assert campaign.name not in outsider and "暂无排查任务" in outsider


def test_list_search_and_paging(world, campaign, client_for):
    c = client_for(world.users.commander)
    found = html(c.get(url("campaign_list"), {"q": "入延"}))
    assert url("campaign_detail", campaign.pk) in found
    none = html(c.get(url("campaign_list"), {"q": "没有这个任务"}))
    assert url("campaign_detail", campaign.pk) not in none and "没有找到" in none
    for n in range(21):
        make_campaign(world, name=f"排查{n}")
    first = html(c.get(url("campaign_list")))
    assert "共 22 条" in first and "1 / 2" in first


def test_list_query_count_does_not_grow_with_rows(
    world, campaign, client_for, django_assert_max_num_queries
):
    c = client_for(world.users.commander)
    record_visit(
        campaign, world.h102, actor=world.users.commander, method="visit", outcome="absent"
    )
    with django_assert_max_num_queries(12) as few:
        html(c.get(url("campaign_list")))
    for n in range(8):
        other = make_campaign(world, name=f"排查{n}", area=world.grid1)
        record_visit(
            other, world.h101, actor=world.users.commander, method="visit", outcome="absent"
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        html(c.get(url("campaign_list")))


def test_create_from_the_library(world, client_for):
    c = client_for(world.users.grid_leader)
    page = html(c.get(url("campaign_create"), {"library": "kits"}))
    assert 'value="kits" id="library_kits" checked' in page
    assert "返来人员排查" in page and "7 道题" in page
    assert "第一网格" in page and "第二网格" not in page  # only areas the leader may change
    r = c.post(url("campaign_create"), form_data(world))
    campaign = Campaign.objects.get()
    assert r.status_code == 302 and r["Location"] == url("campaign_detail", campaign.pk)
    assert campaign.area == world.grid1 and campaign.methods == ["visit", "phone"]
    assert campaign.created_by == world.users.grid_leader
    assert campaign.close_time == dt.time(20, 0) and campaign.lookback_days == 14
    # The ready questionnaire is made for this campaign, not copied a second time.
    assert Questionnaire.objects.get() == campaign.questionnaire
    assert campaign.questionnaire.library_key == "returnee"
    assert campaign.questionnaire.questions.count() == 7


def test_create_with_an_existing_questionnaire_asks_a_copy(world, client_for):
    source = Questionnaire.objects.create(name="核查问卷", area=world.community)
    Question.objects.create(questionnaire=source, key="ok", kind="yes_no", label="是否在家")
    c = client_for(world.users.commander)
    data = form_data(
        world,
        area=world.community.pk,
        library="",
        questionnaire=source.pk,
        target="estates",
        target_estates=[world.estate.pk],
    )
    r = c.post(url("campaign_create"), data)
    assert r.status_code == 302, r.content.decode()[:2000]
    campaign = Campaign.objects.get()
    assert campaign.questionnaire != source and campaign.questionnaire.name == "核查问卷"
    assert list(campaign.questionnaire.questions.values_list("key", flat=True)) == ["ok"]
    assert list(campaign.target_estates.all()) == [world.estate]


def test_create_refuses_bad_input_and_creates_nothing(world, client_for):
    c = client_for(world.users.commander)
    today = timezone.localdate()
    early = (today - dt.timedelta(days=1)).isoformat()
    page = html(c.post(url("campaign_create"), form_data(world, ends_on=early)))
    assert "结束日期不能早于开始日期" in page
    page = html(c.post(url("campaign_create"), form_data(world, methods=[])))
    assert "至少选择一种排查方式" in page
    page = html(c.post(url("campaign_create"), form_data(world, target="estates")))
    assert "请选择要排查的小区" in page
    page = html(c.post(url("campaign_create"), form_data(world, target="buildings")))
    assert "请选择要排查的楼栋" in page
    page = html(c.post(url("campaign_create"), form_data(world, target="special_group")))
    assert "请选择特殊人群类别" in page
    page = html(c.post(url("campaign_create"), form_data(world, library="")))
    assert "请选择问卷库中的问卷，或选择一份已有问卷" in page
    empty = Questionnaire.objects.create(name="空问卷", area=world.community)
    page = html(
        c.post(url("campaign_create"), form_data(world, library="", questionnaire=empty.pk))
    )
    assert "该问卷还没有题目" in page
    # Estates and buildings outside the chosen area.
    far = Estate.objects.create(name="明月小区", area=world.community)
    Building.objects.create(area=world.grid2, estate=far, number="8")
    data = form_data(world, target="estates", target_estates=[far.pk])
    page = html(c.post(url("campaign_create"), data))
    assert "这些小区不在排查区域内：明月小区" in page
    data = form_data(world, target="buildings", target_buildings=[world.b2.pk])
    page = html(c.post(url("campaign_create"), data))
    assert "这些楼栋不在排查区域内" in page
    # What was typed is kept.
    assert 'value="入延人员排查 3月26日"' in page
    assert Campaign.objects.count() == 0 and Questionnaire.objects.count() == 1


def test_create_is_not_for_volunteers_nor_outside_scope(world, client_for):
    assert client_for(world.users.volunteer).get(url("campaign_create")).status_code == 404
    assert client_for(world.users.nobody).get(url("campaign_create")).status_code == 404
    outsider = client_for(world.users.outsider)
    page = html(outsider.get(url("campaign_create")))
    assert "另一街道" in page and "北京路街道" not in page and "阳光小区" not in page
    page = html(outsider.post(url("campaign_create"), form_data(world)))
    assert "选择一个有效的选项" in page or "valid choice" in page
    assert Campaign.objects.count() == 0


def test_detail_hub_with_totals_links_and_questions(world, campaign, client_for):
    record_visit(
        campaign,
        world.h101,
        actor=world.users.commander,
        method="visit",
        outcome="answered",
        answers=answered(world),
    )
    record_visit(
        campaign, world.h201, actor=world.users.commander, method="phone", outcome="refused"
    )
    page = html(client_for(world.users.commander).get(url("campaign_detail", campaign.pk)))
    assert campaign.name in page and "兴华社区" in page and "区域内全部住户" in page
    assert '<div class="fs-4 fw-bold">4</div>' in page  # targeted
    assert '<div class="fs-4 fw-bold text-success">1</div>' in page  # reached
    assert '<div class="fs-4 fw-bold">25.0%</div>' in page  # 3 of 4 not reached
    assert "近14天是否离开过本市？" in page and "每人" in page and "必答" in page
    assert url("questionnaire_detail", campaign.questionnaire_id) in page
    assert url("campaign_edit", campaign.pk) in page
    # The grid leader sees grid1's part and cannot edit the community's campaign.
    grid = html(client_for(world.users.grid_leader).get(url("campaign_detail", campaign.pk)))
    assert '<div class="fs-4 fw-bold">3</div>' in grid
    assert url("campaign_edit", campaign.pk) not in grid
    assert (
        client_for(world.users.outsider).get(url("campaign_detail", campaign.pk)).status_code == 404
    )


def test_detail_shows_target_estates(world, client_for):
    campaign = make_campaign(world, target="estates", estates=[world.estate])
    page = html(client_for(world.users.commander).get(url("campaign_detail", campaign.pk)))
    assert "指定小区：阳光小区" in page


def test_edit_changes_dates_methods_and_close_time(world, campaign, client_for):
    c = client_for(world.users.commander)
    page = html(c.get(url("campaign_edit", campaign.pk)))
    assert 'value="入延人员排查"' in page and "library" not in page
    data = {
        "name": "入延人员排查（延长）",
        "starts_on": campaign.starts_on.isoformat(),
        "ends_on": (campaign.ends_on + dt.timedelta(days=7)).isoformat(),
        "methods": ["visit"],
        "close_time": "21:30",
        "lookback_days": "7",
    }
    assert c.post(url("campaign_edit", campaign.pk), data).status_code == 302
    campaign.refresh_from_db()
    assert campaign.name == "入延人员排查（延长）" and campaign.methods == ["visit"]
    assert campaign.close_time == dt.time(21, 30) and campaign.lookback_days == 7
    bad = {**data, "ends_on": (campaign.starts_on - dt.timedelta(days=1)).isoformat()}
    assert "结束日期不能早于开始日期" in html(c.post(url("campaign_edit", campaign.pk), bad))
    page = html(c.post(url("campaign_edit", campaign.pk), {**data, "methods": []}))
    assert "至少选择一种排查方式" in page
    campaign.refresh_from_db()
    assert campaign.methods == ["visit"]


def test_edit_needs_change_on_the_campaigns_area(world, campaign, client_for):
    for user in (world.users.grid_leader, world.users.volunteer, world.users.outsider):
        assert client_for(user).get(url("campaign_edit", campaign.pk)).status_code == 404
    own = make_campaign(world, area=world.grid1, name="网格排查")
    assert client_for(world.users.grid_leader).get(url("campaign_edit", own.pk)).status_code == 200
