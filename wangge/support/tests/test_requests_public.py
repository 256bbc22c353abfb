"""Support requests, the household's public page (no login, reached by its signed token): it
files a request and confirms a delivery of its own, shows only its own requests, and can neither
see nor touch another household (forged token, another household's request id: 404); it is
rate-limited per household and per IP address (429 with Retry-After)."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from wangge.core.models import ChangeLog
from wangge.core.qr import household_token, person_token
from wangge.support.models import SupportRequest
from wangge.support.services import deliver
from wangge.support.views_public import PER_HOUSEHOLD, PER_IP

from .fixtures_requests import groceries, kind

pytestmark = pytest.mark.django_db


def page(household) -> str:
    return reverse("support:public_household", args=[household_token(household)])


def ask(client: Client, household, **data):
    body = {"kind": kind("groceries").pk, "urgency": "normal", "text": "大米一袋"}
    body.update(data)
    return client.post(page(household), body)


def test_household_files_a_request_and_sees_its_own(world):
    theirs = groceries(world.h201, world.users.grid_leader)  # another household's
    c = Client()
    r = c.get(page(world.h102))
    body = r.content.decode()
    assert r.status_code == 200 and "1单元102室" in body and "还没有提交过诉求" in body
    assert "王芳" not in body and "阳光小区" not in body
    key = str(uuid.uuid4())
    r = ask(c, world.h102, client_uuid=key)
    assert r.status_code == 302
    req = SupportRequest.objects.get(household=world.h102)
    assert req.source == "household" and req.priority and req.priority_reasons == ["elderly_alone"]
    assert req.created_by is None
    log = ChangeLog.objects.get(model="support.supportrequest", object_id=str(req.pk))
    assert log.channel == "public" and log.actor is None
    assert ask(c, world.h102, client_uuid=key).status_code == 302  # a retry
    assert SupportRequest.objects.filter(household=world.h102).count() == 1
    body = c.get(page(world.h102)).content.decode()
    assert f'data-request="{req.pk}"' in body and f'data-request="{theirs.pk}"' not in body


def test_medicine_needs_a_name_on_the_public_page(world):
    r = ask(Client(), world.h101, kind=kind("medicine").pk, text="")
    assert r.status_code == 200 and "药品类诉求请填写药品名称" in r.content.decode()
    r = ask(Client(), world.h101, kind=kind("medicine").pk, medicine_name="布洛芬")
    assert r.status_code == 302
    assert SupportRequest.objects.get().medicine_name == "布洛芬"


def test_forged_and_other_tokens_are_404(world):
    c = Client()
    good = household_token(world.h101)
    forged = good.replace(f":{world.h101.pk}:", f":{world.h102.pk}:")
    for token in (forged, "WGH:1:AAAAAAAAAAAA", "nonsense", person_token(world.zhang)):
        url = reverse("support:public_household", args=[token])
        assert c.get(url).status_code == 404, token
        assert ask(c, world.h102).status_code in (302,)  # the real page still works
        assert c.post(url, {"kind": kind("groceries").pk}).status_code == 404
    world.h201.vacant = True
    world.h201.save()
    assert c.get(page(world.h201)).status_code == 404
    assert not SupportRequest.objects.exclude(household=world.h102).exists()


def test_household_confirms_only_its_own_delivery(world):
    leader = world.users.grid_leader
    mine = groceries(world.h101, leader)
    theirs = groceries(world.h201, leader)
    deliver(mine, actor=leader)
    deliver(theirs, actor=leader)
    c = Client()
    token = household_token(world.h101)
    other = reverse("support:public_confirm", args=[token, theirs.pk])
    assert c.post(other).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "delivered"
    forged = reverse("support:public_confirm", args=[household_token(world.h201) + "X", theirs.pk])
    assert c.post(forged).status_code == 404
    body = c.get(page(world.h101)).content.decode()
    url = reverse("support:public_confirm", args=[token, mine.pk])
    assert url in body
    assert c.get(url).status_code == 405
    assert c.post(url).status_code == 302
    mine.refresh_from_db()
    assert mine.status == "confirmed" and mine.confirmed_at
    assert c.post(url).status_code == 302  # again: nothing changes
    mine.refresh_from_db()
    assert mine.status == "confirmed"


def test_rate_limited_per_household(world):
    c = Client()
    for _i in range(PER_HOUSEHOLD):
        assert ask(c, world.h101, text="").status_code in (200, 302)
    r = ask(c, world.h101)
    assert r.status_code == 429 and int(r["Retry-After"]) > 0
    assert "提交过于频繁" in r.content.decode()
    # Another household from another address is not held back.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert ask(other, world.h201).status_code == 302


def test_rate_limited_per_ip(world):
    c = Client(REMOTE_ADDR="10.0.0.7")
    households = [world.h101, world.h102, world.h201, world.h2_101]
    codes = [ask(c, households[i % 4], text="").status_code for i in range(PER_IP + 1)]
    assert codes[-1] == 429 and 429 not in codes[:-1]


def test_page_views_are_rate_limited_per_ip(world, monkeypatch):
    monkeypatch.setattr("wangge.support.views_public.VIEWS_PER_IP", 2)
    c = Client(REMOTE_ADDR="10.0.0.8")
    assert [c.get(page(world.h101)).status_code for _i in range(3)] == [200, 200, 429]
