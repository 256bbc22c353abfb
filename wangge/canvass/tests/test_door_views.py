"""Door-to-door pages: my campaigns, buildings and households for a grid leader, a volunteer and
an outsider; the visit form with each outcome, a retried submit, registry corrections and bad
input; the visit's detail (logged); the building page's bounded queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from wangge.canvass.models import Flag, HouseholdStatus, Visit
from wangge.canvass.services import record_visit
from wangge.core.models import AccessLog, ChangeLog
from wangge.people.models import Person, Residence
from wangge.places.models import Household

from .conftest import make_campaign

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"canvass:{name}", args=args)


def visit_url(campaign, household):
    return url("visit_create", campaign.pk, household.pk)


def form_fields(html: str) -> dict[str, str]:
    """The hidden fields of the rendered form (the client UUID and each resident's id)."""
    fields = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and 'type="hidden"' in tag and name[1] != "csrfmiddlewaretoken":
            fields[name[1]] = value[1] if value else ""
    return fields


def answered_post(html: str, **extra) -> dict:
    """A filled form for h101 (张伟 and 陈静) of the returnee questionnaire: nobody travelled."""
    data = form_fields(html)
    data.update(
        {
            "method": "visit",
            "outcome": "answered",
            "note": "",
            "q-people_count": "2",
            "p0-left_city": "no",
            "p0-contact": "none",
            "p1-left_city": "no",
            "p1-contact": "none",
        }
    )
    data.update(extra)
    return data


@pytest.fixture
def leader(world, client_for):
    return client_for(world.users.grid_leader)


def test_grid_leader_walks_campaign_building_household(world, campaign, leader):
    home = leader.get(url("door_home")).content.decode()
    assert campaign.name in home and url("door_campaign", campaign.pk) in home
    page = leader.get(url("door_campaign", campaign.pk)).content.decode()
    # Their grid's building only, with its counts.
    assert url("door_building", campaign.pk, world.b1.pk) in page
    assert url("door_building", campaign.pk, world.b2.pk) not in page
    assert "未走访 3" in page
    building = leader.get(url("door_building", campaign.pk, world.b1.pk)).content.decode()
    for hh in (world.h101, world.h102, world.h201):
        assert visit_url(campaign, hh) in building
    assert "张*" in building and "张伟" not in building
    assert leader.get(url("door_building", campaign.pk, world.b2.pk)).status_code == 404
    assert leader.get(visit_url(campaign, world.h2_101)).status_code == 404
    form = leader.get(visit_url(campaign, world.h101)).content.decode()
    assert "更正登记信息" in form and "已搬离" in form
    assert "张*" in form and "陈*" in form and "张伟" not in form
    assert 'name="client_uuid"' in form and 'name="p0-person"' in form


def test_volunteer_records_but_cannot_correct(world, campaign, client_for):
    c = client_for(world.users.volunteer)
    assert campaign.name in c.get(url("door_home")).content.decode()
    html = c.get(visit_url(campaign, world.h102)).content.decode()
    assert "更正登记信息" not in html and 'name="moved_out"' not in html
    wang = Residence.objects.get(person=world.wang)
    data = form_fields(html)
    data.update({"method": "phone", "outcome": "absent", "moved_out": [str(wang.pk)]})
    r = c.post(visit_url(campaign, world.h102), data)
    assert r.status_code == 302
    visit = Visit.objects.get()
    assert (visit.outcome, visit.method, visit.worker) == ("absent", "phone", world.users.volunteer)
    wang.refresh_from_db()
    assert wang.until is None  # the box was not the volunteer's to tick: ignored


def test_outsider_sees_nothing(world, campaign, client_for):
    visit, _ = record_visit(
        campaign, world.h101, actor=world.users.commander, method="visit", outcome="absent"
    )
    c = client_for(world.users.outsider)
    assert campaign.name not in c.get(url("door_home")).content.decode()
    for path in (
        url("door_campaign", campaign.pk),
        url("door_building", campaign.pk, world.b1.pk),
        visit_url(campaign, world.h101),
        url("visit_detail", visit.pk),
    ):
        assert c.get(path).status_code == 404, path
    assert c.post(visit_url(campaign, world.h101), {"outcome": "absent"}).status_code == 404
    assert Visit.objects.count() == 1


@pytest.mark.parametrize(
    ("outcome", "state"),
    [
        ("answered", "reached"),
        ("absent", "revisit"),
        ("refused", "refused"),
        ("vacant", "vacant"),
        ("moved", "moved"),
    ],
)
def test_each_outcome_colours_the_household(world, campaign, leader, outcome, state):
    page = leader.get(visit_url(campaign, world.h101)).content.decode()
    data = answered_post(page) if outcome == "answered" else form_fields(page)
    data.update({"method": "visit", "outcome": outcome, "note": "三楼东户"})
    r = leader.post(visit_url(campaign, world.h101), data)
    building = url("door_building", campaign.pk, world.b1.pk)
    assert r.status_code == 302 and r["Location"] == f"{building}#h{world.h101.pk}"
    visit = Visit.objects.get()
    assert (visit.outcome, visit.note, visit.source) == (outcome, "三楼东户", "web")
    status = HouseholdStatus.objects.get(household=world.h101)
    assert (status.outcome, status.visits) == (outcome, 1)
    html = leader.get(building).content.decode()
    assert f'id="h{world.h101.pk}" data-state="{state}"' in html
    if outcome == "answered":
        block = visit.answers["persons"][0]
        assert block["person"] == world.zhang.pk and block["left_city"] == "no"
        assert visit.answers["people_count"] == 2


def test_success_message_after_saving(world, campaign, leader):
    page = leader.get(visit_url(campaign, world.h102)).content.decode()
    data = form_fields(page)
    data.update({"method": "visit", "outcome": "absent"})
    html = leader.post(visit_url(campaign, world.h102), data, follow=True).content.decode()
    assert "已保存" in html and "无人在家" in html


def test_a_double_submit_records_one_visit(world, campaign, leader):
    page = leader.get(visit_url(campaign, world.h101)).content.decode()
    data = answered_post(page)
    first = leader.post(visit_url(campaign, world.h101), data)
    second = leader.post(visit_url(campaign, world.h101), data, follow=True)
    assert first.status_code == 302 and second.status_code == 200
    assert "没有重复记录" in second.content.decode()
    assert Visit.objects.count() == 1
    assert HouseholdStatus.objects.get().visits == 1
    # A fresh form is a new attempt.
    again = form_fields(leader.get(visit_url(campaign, world.h101)).content.decode())
    assert again["client_uuid"] != data["client_uuid"]


def test_corrections_change_count_and_move_a_person_out(world, campaign, leader):
    wife = Residence.objects.get(person=world.zhang_wife)
    page = leader.get(visit_url(campaign, world.h101)).content.decode()
    data = answered_post(
        page,
        **{
            "q-people_count": "2",
            "moved_out": [str(wife.pk)],
            "new_name": "新租客",
            "new_phone": "139 0000 1234",
            "new_relation": "tenant",
        },
    )
    data["q-people_count"] = "2"
    # 陈静 moved out: her block is left blank and not required.
    del data["p1-left_city"], data["p1-contact"]
    world.h101.people_count = 5
    world.h101.save()
    r = leader.post(visit_url(campaign, world.h101), data)
    assert r.status_code == 302, r.content.decode()
    world.h101.refresh_from_db()
    wife.refresh_from_db()
    assert world.h101.people_count == 2 and wife.until == timezone.localdate()
    tenant = Person.objects.get(name="新租客")
    assert Residence.objects.get(person=tenant).household == world.h101
    logs = ChangeLog.objects.filter(actor=world.users.grid_leader)
    assert logs.filter(model="places.household", object_id=str(world.h101.pk)).exists()
    assert logs.filter(model="people.residence", object_id=str(wife.pk)).exists()
    visit = Visit.objects.get()
    assert [p["person"] for p in visit.answers["persons"]] == [world.zhang.pk]


def test_bad_input_is_shown_and_nothing_typed_is_lost(world, campaign, leader):
    page = leader.get(visit_url(campaign, world.h101)).content.decode()
    data = form_fields(page)
    data.update(
        {"method": "visit", "outcome": "answered", "note": "敲了三次门", "p0-contact": "case"}
    )
    r = leader.post(visit_url(campaign, world.h101), data)
    html = r.content.decode()
    assert r.status_code == 200 and not Visit.objects.exists()
    assert "必须回答" in html and "几口人" in html
    assert "张*：" in html and "张伟" not in html  # names in the messages are masked
    assert 'value="敲了三次门"' in html
    assert re.search(r'value="case"[^>]*checked', html)
    assert f'value="{data["client_uuid"]}"' in html
    # An outcome or a method the campaign does not have.
    data.update({"outcome": "maybe"})
    assert "不在可用的选项中" in leader.post(visit_url(campaign, world.h101), data).content.decode()
    phone_only = make_campaign(world, methods=["phone"])
    data = form_fields(leader.get(visit_url(phone_only, world.h102)).content.decode())
    data.update({"method": "visit", "outcome": "absent"})
    r = leader.post(visit_url(phone_only, world.h102), data)
    assert r.status_code == 200 and "不在可用的选项中" in r.content.decode()
    assert not Visit.objects.exists()


def test_a_person_not_on_the_list_needs_a_name(world, campaign, leader):
    page = leader.get(visit_url(campaign, world.h102)).content.decode()
    assert 'name="p1-name"' in page  # wang is p0; the extra block follows
    data = form_fields(page)
    data.update(
        {
            "method": "visit",
            "outcome": "answered",
            "q-people_count": "2",
            "p0-left_city": "no",
            "p0-contact": "none",
            "p1-left_city": "no",
            "p1-contact": "none",
        }
    )
    r = leader.post(visit_url(campaign, world.h102), data)
    assert r.status_code == 200 and "请填写此人的姓名" in r.content.decode()
    data["p1-name"] = "王小明"
    assert leader.post(visit_url(campaign, world.h102), data).status_code == 302
    persons = Visit.objects.get().answers["persons"]
    assert [(p["person"], p["name"]) for p in persons] == [
        (world.wang.pk, "王芳"),
        (None, "王小明"),
    ]


def test_travel_rows_flag_and_the_detail_is_logged(world, campaign, leader, risk_place):
    day = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    page = leader.get(visit_url(campaign, world.h101)).content.decode()
    assert 'name="p0-travel-0-place"' in page and 'name="p0-travel-1-place"' in page
    data = answered_post(
        page,
        **{
            "p0-left_city": "yes",
            "p0-travel-0-place": "上海市浦东新区张江镇",
            "p0-travel-0-from": day,
            "p0-travel-0-to": day,
            "p0-travel-1-place": "",
            "p0-travel-3-place": "苏州市",
            "p0-travel-3-from": day,
            "p0-symptoms": ["cough"],
        },
    )
    assert leader.post(visit_url(campaign, world.h101), data).status_code == 302
    visit = Visit.objects.get()
    trips = visit.answers["persons"][0]["travel"]
    assert [t["place"] for t in trips] == ["上海市浦东新区张江镇", "苏州市"]
    assert visit.answers["persons"][1]["symptoms"] == []  # answered, none ticked: no symptoms
    assert set(Flag.objects.values_list("code", flat=True)) == {"travel_risk", "symptoms"}
    r = leader.get(url("visit_detail", visit.pk))
    html = r.content.decode()
    assert "上海市浦东新区张江镇" in html and "咳嗽" in html and "到过风险地区" in html
    assert "张*" in html and "张伟" not in html and "grid1_leader" in html
    log = AccessLog.objects.get(model="canvass.visit")
    assert (log.actor, log.object_id, log.kind) == (world.users.grid_leader, str(visit.pk), "view")


def test_building_page_queries_do_not_grow_with_households(
    world, campaign, leader, django_assert_max_num_queries
):
    for i in range(30):
        hh = Household.objects.create(
            building=world.b1, unit=world.u12, floor=3 + i // 4, room=f"{301 + i}", people_count=1
        )
        if i % 2 or i % 4 == 0:
            outcome = "absent" if i % 2 else "vacant"
            record_visit(campaign, hh, actor=world.users.commander, method="phone", outcome=outcome)
    path = url("door_building", campaign.pk, world.b1.pk)
    with django_assert_max_num_queries(10):
        html = leader.get(path).content.decode()
    assert html.count('class="wg-door"') == 33
    pending = leader.get(path, {"show": "pending"}).content.decode()
    assert pending.count('class="wg-door"') == 25  # all but the 8 found vacant
    with django_assert_max_num_queries(10):
        leader.get(url("door_campaign", campaign.pk))
