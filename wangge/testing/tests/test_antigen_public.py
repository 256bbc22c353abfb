"""The household's public antigen page (no login, reached by its signed QR token): it shows
nothing but the flat and masked names, refuses forged tokens, records one result per person
and day, is CSRF-protected, audited on the "public" channel, and rate-limited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wangge.core.models import ChangeLog
from wangge.core.qr import HOUSEHOLD, household_token, make_token, person_token
from wangge.testing import views_antigen_public
from wangge.testing.models import AntigenResult

TODAY = dt.date(2022, 4, 12)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


def url_for(household) -> str:
    return reverse("testing:household_self_report", args=[household_token(household)])


def test_page_shows_the_flat_and_masked_names_only(world):
    page = Client().get(url_for(world.h101))
    assert page.status_code == 200
    body = page.content.decode()
    assert "1号楼1单元101室" in body
    assert "张*" in body and "陈*" in body
    secrets = [world.zhang.name, world.zhang_wife.name, world.zhang.id_number, world.zhang.phone]
    secrets += [world.h101.phone, world.zhang.id_number[-4:], "阳光小区", "第一网格", "北京路街道"]
    secrets += [world.wang.name, "王*", "赵网格", "13700000001"]  # neighbours, leaders
    assert not [s for s in secrets if s in body]
    assert 'name="csrfmiddlewaretoken"' in body


def test_forged_tampered_or_foreign_tokens_are_404(world):
    good = household_token(world.h101)
    sig = good.rsplit(":", 1)[1]
    forged = [
        f"{HOUSEHOLD}:{world.h102.pk}:{sig}",  # another household with this one's signature
        good[:-1] + ("A" if good[-1] != "A" else "B"),  # one character changed
        f"{HOUSEHOLD}:{world.h101.pk}",
        "WGH:abc:def",
        person_token(world.zhang),  # a person's code is not a household's
        make_token(HOUSEHOLD, 987654),  # signed, but no such household
        world.h101.phone,
    ]
    client = Client()
    for token in forged:
        url = reverse("testing:household_self_report", args=[token])
        assert client.get(url).status_code == 404, token
        assert client.post(url, {f"p{world.wang.pk}": "negative"}).status_code == 404, token
    assert not AntigenResult.objects.exists()


def test_vacant_household_is_404(world):
    world.h102.vacant = True
    world.h102.save()
    assert Client().get(url_for(world.h102)).status_code == 404


def test_submission_is_recorded_once_per_person_and_day(world):
    client = Client()
    url = url_for(world.h101)
    answer = client.post(url, {f"p{world.zhang.pk}": "negative", f"p{world.zhang_wife.pk}": ""})
    assert answer.status_code == 200 and "已提交" in answer.content.decode()
    client.post(url, {f"p{world.zhang.pk}": "positive", f"p{world.zhang_wife.pk}": "negative"})
    rows = AntigenResult.objects.filter(date=TODAY).order_by("person_id")
    assert [(r.person, r.result, r.source) for r in rows] == [
        (world.zhang, "positive", "self"),
        (world.zhang_wife, "negative", "self"),
    ]
    log = ChangeLog.objects.filter(model="testing.antigenresult")
    assert list(log.order_by("id").values_list("action", "channel")) == [
        ("create", "public"),
        ("update", "public"),
        ("create", "public"),
    ]
    # The page never shows the results back.
    body = client.get(url).content.decode()
    assert "阳性" not in body.split("<form", 1)[0]


def test_cannot_report_for_someone_outside_the_household(world):
    Client().post(url_for(world.h101), {f"p{world.wang.pk}": "positive"})
    Client().post(url_for(world.h101), {f"p{world.other_person.pk}": "positive"})
    assert not AntigenResult.objects.exists()


def test_nothing_chosen_is_a_clear_error(world):
    page = Client().post(url_for(world.h101), {})
    assert page.status_code == 200
    assert "请至少为一人选择检测结果" in page.content.decode()


def test_csrf_is_enforced(world):
    client = Client(enforce_csrf_checks=True)
    assert client.post(url_for(world.h101), {f"p{world.zhang.pk}": "negative"}).status_code == 403
    page = client.get(url_for(world.h101))
    token = page.cookies["csrftoken"].value
    data = {f"p{world.zhang.pk}": "negative", "csrfmiddlewaretoken": token}
    assert client.post(url_for(world.h101), data).status_code == 200
    assert AntigenResult.objects.count() == 1


def test_flood_from_one_household_gets_429(world):
    client = Client()
    url = url_for(world.h101)
    data = {f"p{world.zhang.pk}": "negative"}
    for _ in range(views_antigen_public.PER_HOUSEHOLD):
        assert client.post(url, data).status_code == 200
    refused = client.post(url, data, REMOTE_ADDR="10.0.0.9")  # another IP, same household
    assert refused.status_code == 429
    assert "提交过于频繁" in refused.content.decode()
    assert 1 <= int(refused["Retry-After"]) <= 3600
    # Other households are not affected; the result was recorded once.
    assert client.post(url_for(world.h102), {f"p{world.wang.pk}": "negative"}).status_code == 200
    assert AntigenResult.objects.filter(person=world.zhang).count() == 1


def test_flood_from_one_ip_gets_429(world, monkeypatch):
    monkeypatch.setattr(views_antigen_public, "PER_IP", 3)
    client = Client(REMOTE_ADDR="10.1.2.3")
    homes = [(world.h101, world.zhang), (world.h102, world.wang), (world.h201, world.li)]
    for household, person in homes:
        assert client.post(url_for(household), {f"p{person.pk}": "negative"}).status_code == 200
    refused = client.post(url_for(world.h2_101), {f"p{world.liu.pk}": "negative"})
    assert refused.status_code == 429
    assert not AntigenResult.objects.filter(person=world.liu).exists()
    other_ip = Client(REMOTE_ADDR="10.9.9.9")
    assert other_ip.post(url_for(world.h2_101), {f"p{world.liu.pk}": "negative"}).status_code == 200


def test_page_leads_to_the_households_own_support_page(world):
    body = Client().get(url_for(world.h101)).content.decode()
    own = reverse("support:public_household", args=[household_token(world.h101)])
    assert f'href="{own}"' in body
    assert Client().get(own).status_code == 200
