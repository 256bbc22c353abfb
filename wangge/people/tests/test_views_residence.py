"""Residence pages: a person moves out of a household, or is added to another one."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from wangge.core.models import ChangeLog
from wangge.people.models import Residence


def test_end_residence(world, client_for):
    res = Residence.objects.get(person=world.zhang_wife)
    client = client_for(world.users.grid_leader)
    url = reverse("people:residence_end", args=[res.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"until": "2022-04-01"})
    assert response.status_code == 302
    res.refresh_from_db()
    assert res.until == dt.date(2022, 4, 1)
    assert res.living is False
    assert ChangeLog.objects.filter(
        model="people.residence", object_id=str(res.pk), actor=world.users.grid_leader
    ).exists()
    html = client.get(reverse("people:person_detail", args=[world.zhang_wife.pk])).content.decode()
    assert "2022-04-01 迁出" in html


def test_end_residence_future_date_refused(world, client_for):
    res = Residence.objects.get(person=world.zhang_wife)
    future = timezone.localdate() + dt.timedelta(days=3)
    response = client_for(world.users.grid_leader).post(
        reverse("people:residence_end", args=[res.pk]), {"until": future.isoformat()}
    )
    assert response.status_code == 200
    assert "迁出日期不能晚于今天" in response.content.decode()
    res.refresh_from_db()
    assert res.until is None


def test_end_residence_scope(world, client_for):
    res = Residence.objects.get(person=world.zhang)
    url = reverse("people:residence_end", args=[res.pk])
    assert client_for(world.users.outsider).post(url, {"until": "2022-04-01"}).status_code == 404
    assert client_for(world.users.volunteer).post(url, {"until": "2022-04-01"}).status_code == 403
    res.refresh_from_db()
    assert res.until is None


def test_add_residence_search_and_save(world, client_for):
    client = client_for(world.users.commander)
    url = reverse("people:residence_add", args=[world.li.pk])
    html = client.get(url, {"q": "刘洋"}).content.decode()
    assert f'value="{world.h2_101.pk}"' in html
    response = client.post(
        url,
        {"household": world.h2_101.pk, "relation": "tenant", "living": "on", "since": "2022-03-20"},
    )
    assert response.status_code == 302
    res = Residence.objects.get(person=world.li, household=world.h2_101)
    assert res.relation == "tenant" and res.living and not res.registered
    assert res.since == dt.date(2022, 3, 20)
    # Registered in 201, living in 2-101: the detail page records both.
    html = client.get(reverse("people:person_detail", args=[world.li.pk])).content.decode()
    assert "租户" in html and "户籍在此" in html


def test_add_residence_household_outside_scope_refused(world, client_for):
    client = client_for(world.users.building_leader)  # b1 only
    url = reverse("people:residence_add", args=[world.li.pk])
    html = client.get(url, {"q": "刘洋"}).content.decode()
    assert f'value="{world.h2_101.pk}"' not in html
    response = client.post(
        url, {"household": world.h2_101.pk, "relation": "tenant", "living": "on"}
    )
    assert response.status_code == 200
    assert "请选择住户" in response.content.decode()
    assert not Residence.objects.filter(person=world.li, household=world.h2_101).exists()
    other = client.post(url, {"household": world.other_household.pk, "relation": "tenant"})
    assert other.status_code == 200
    assert not Residence.objects.filter(household=world.other_household, person=world.li).exists()


def test_add_residence_volunteer_forbidden(world, client_for):
    url = reverse("people:residence_add", args=[world.li.pk])
    assert client_for(world.users.volunteer).get(url).status_code == 403
