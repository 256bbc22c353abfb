"""管控设置: levels, measures with their days and daily follow-up rules, kept by users who may
change a district (or a city); everyone else gets 404. Changes apply from then on."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from wangge.accounts.models import RoleAssignment, User
from wangge.accounts.roles import Role
from wangge.control.models import DesignationLevel, FollowUpRule, OrderType
from wangge.control.services import place_order
from wangge.core.models import ChangeLog

pytestmark = pytest.mark.django_db

URL = reverse("control:settings")
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def district_admin(world):
    user = User.objects.create_user("district_admin", display_name="区管理员")
    RoleAssignment.objects.create(user=user, role=Role.ADMIN, area=world.district)
    return user


def body(r):
    return r.content.decode()


def quarantine(world, person, order_type):
    return place_order(
        person, order_type, actor=world.users.commander, source="manual", reason="密接"
    )


def test_only_district_or_city_users_keep_the_settings(world, client_for, district_admin):
    for user in (world.users.admin, world.users.commander, world.users.outsider):
        assert client_for(user).get(URL).status_code == 404
        assert client_for(user).post(URL, {"what": "type"}).status_code == 404
    page = client_for(district_admin).get(URL)
    assert page.status_code == 200
    html = body(page)
    assert "封控区" in html and "居家隔离" in html and "上午体温" in html
    designations = reverse("control:designation_list")
    assert URL in body(client_for(district_admin).get(designations))
    assert URL not in body(client_for(world.users.commander).get(designations))


def test_21_days_of_home_quarantine_from_now_on(world, client_for, district_admin):
    home = OrderType.objects.get(code="home_quarantine")
    before = quarantine(world, world.zhang, home)
    r = client_for(district_admin).post(
        URL,
        {
            "what": "type",
            "pk": home.pk,
            f"type{home.pk}-name": "居家隔离",
            f"type{home.pk}-days": "21",
            # A code or a kind posted for an existing measure is ignored.
            f"type{home.pk}-code": "changed",
            f"type{home.pk}-kind": "central_quarantine",
        },
    )
    assert r.status_code == 302
    home.refresh_from_db()
    assert (home.days, home.code, home.kind) == (21, "home_quarantine", "home_quarantine")
    log = ChangeLog.objects.filter(model="control.ordertype").latest("at")
    assert log.before["days"] == 14 and log.after["days"] == 21
    before.refresh_from_db()
    assert (before.ends_on - before.starts_on).days == 13  # placed before: unchanged
    after = quarantine(world, world.li, home)
    assert (after.ends_on - after.starts_on).days == 20


def test_bad_values_are_refused_with_a_message(world, client_for, district_admin):
    home = OrderType.objects.get(code="home_quarantine")
    sealed = DesignationLevel.objects.get(code="sealed")
    c = client_for(district_admin)
    cases = [
        (
            {"what": "type", "pk": home.pk, f"type{home.pk}-name": "居家隔离",
             f"type{home.pk}-days": "0"},
            "期限应为 1～60 天",
        ),
        (
            {"what": "level", "pk": sealed.pk, f"level{sealed.pk}-name": "封控区",
             f"level{sealed.pk}-rank": "3", f"level{sealed.pk}-colour": "red"},
            "#RRGGBB",
        ),
        (
            {"what": "rule", "rule-order_type": home.pk, "rule-kind": "temperature",
             "rule-label": "夜间体温", "rule-due_time": "25:99"},
            "时间格式不正确",
        ),
    ]  # fmt: skip
    for data, message in cases:
        r = c.post(URL, data)
        assert r.status_code == 400 and message in body(r)
    home.refresh_from_db()
    sealed.refresh_from_db()
    assert home.days == 14 and sealed.colour == "#f1aeb5"
    assert not FollowUpRule.objects.filter(label="夜间体温").exists()
    assert c.post(URL, {"what": "nonsense"}).status_code == 404


def test_a_new_level_and_an_evening_round(world, client_for, district_admin):
    c = client_for(district_admin)
    new_level = {
        "what": "level",
        "level-code": "temporary",
        "level-name": "临时管控区",
        "level-rank": "2",
        "level-colour": "#cfe2ff",
    }
    assert c.post(URL, new_level).status_code == 302
    assert DesignationLevel.objects.get(code="temporary").name == "临时管控区"
    home = OrderType.objects.get(code="home_quarantine")
    evening = {
        "what": "rule",
        "rule-order_type": home.pk,
        "rule-kind": "temperature",
        "rule-label": "夜间体温",
        "rule-due_time": "21:00",
    }
    assert c.post(URL, evening).status_code == 302
    order = quarantine(world, world.zhang, home)
    scheduled = order.followups.filter(label="夜间体温")
    assert scheduled.exists()
    assert scheduled.first().due_at.astimezone(SHANGHAI).hour == 21
    # Deleting the rule stops it for new orders; the scheduled ones stay.
    rule = FollowUpRule.objects.get(label="夜间体温")
    assert c.post(URL, {"what": "rule_delete", "pk": rule.pk}).status_code == 302
    assert not FollowUpRule.objects.filter(label="夜间体温").exists()
    assert scheduled.exists()
