"""The public arrival form behind a unit's stairwell QR code (no login): it cannot be used to read
anyone's data (the page shows the unit's room numbers only, the answer only what was typed,
masked, and the same whether or not the person is known), it refuses forged codes and floods,
and it records what the person reports, normalised, on the "public" audit channel."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import make_id
from wangge.canvass import views_arrival_public
from wangge.canvass.models import Arrival, Flag
from wangge.core.models import ChangeLog
from wangge.core.qr import UNIT, household_token, make_token, unit_token

pytestmark = pytest.mark.django_db


def url_for(unit) -> str:
    return reverse("canvass:arrival_public", args=[unit_token(unit)])


def typed(**extra) -> dict:
    data = {
        "room": "101",
        "address": "",
        "name": "赵六六",
        "id_number": "",
        "phone": "13600000066",
        "origin": "上海市浦东新区",
        "arrived_on": timezone.localdate().isoformat(),
        "transport": "car",
        "client_uuid": str(uuid.uuid4()),
    }
    data.update(extra)
    return data


def registry_secrets(world) -> list[str]:
    people = [world.zhang, world.zhang_wife, world.wang, world.li, world.liu]
    out = [p.name for p in people if p.name != "张伟"] + [p.phone for p in people]
    out += [p.id_number for p in people] + [h.phone for h in (world.h101, world.h102)]
    out += ["王*", "陈*", "阳光小区", "第一网格", "兴华社区", "北京路街道", "赵网格", "13700000001"]
    return out + ["吴敏", "远方小区", "people_count", "现居人数"]


def test_the_page_shows_the_unit_and_its_room_numbers_only(world):
    page = Client().get(url_for(world.u11))
    body = page.content.decode()
    assert page.status_code == 200
    assert "1号楼1单元" in body
    rooms = re.findall(r'<option value="([^"]*)"', body)
    assert rooms[:4] == ["", "101", "102", "other"]
    assert "不住本单元" in body and 'name="csrfmiddlewaretoken"' in body
    assert not [s for s in registry_secrets(world) + ["张伟", "张*"] if s in body]
    assert "no-cache" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]


def _without_tokens(body: str) -> str:
    body = re.sub(r'"X-CSRFToken": "[^"]*"', "", body)
    return re.sub(r'name="(csrfmiddlewaretoken|client_uuid)" value="[^"]*"', "", body)


def twin_of(id_number: str) -> str:
    """Another valid ID number that masks the same way (same first and last four)."""
    for days in range(1, 4000):
        birth = (dt.date(1980, 1, 1) + dt.timedelta(days=days)).strftime("%Y%m%d")
        other = make_id(1, birth=birth)
        if other[-4:] == id_number[-4:] and other != id_number:
            return other
    raise AssertionError("no twin found")


def test_submitting_a_known_residents_data_reveals_nothing(world):
    known = typed(name=world.zhang.name, id_number=world.zhang.id_number, phone="13600000066")
    answer = Client().post(url_for(world.u11), known)
    body = answer.content.decode()
    assert answer.status_code == 200 and "已提交" in body
    assert not [s for s in registry_secrets(world) if s in body]
    assert world.zhang.name not in body and world.zhang.phone not in body
    assert "张*" in body and "136****0066" in body and "1号楼1单元101室" in body
    # The same report by an unknown person gets the very same answer.
    unknown = dict(known, id_number=twin_of(world.zhang.id_number), client_uuid=str(uuid.uuid4()))
    other = Client().post(url_for(world.u11), unknown).content.decode()
    assert _without_tokens(other) == _without_tokens(body)
    linked, stranger = Arrival.objects.order_by("pk")
    assert (linked.person, stranger.person) == (world.zhang, None)
    assert linked.source == "self" and linked.household == world.h101
    assert linked.recorded_by is None


def test_forged_altered_or_foreign_codes_are_404(world):
    good = unit_token(world.u11)
    sig = good.rsplit(":", 1)[1]
    forged = [
        f"{UNIT}:{world.u12.pk}:{sig}",  # another unit with this one's signature
        good[:-1] + ("A" if good[-1] != "A" else "B"),
        f"{UNIT}:{world.u11.pk}",
        f"{UNIT}:{world.u11.pk}:AAAAAAAAAAAA",
        "WGU:abc:def",
        household_token(world.h101),  # a household's code is not a unit's
        make_token("WGH", world.u11.pk),
        unit_token(type(world.u11)(pk=987654)),  # signed, but no such unit
    ]
    client = Client()
    for token in forged:
        url = reverse("canvass:arrival_public", args=[token])
        assert client.get(url).status_code == 404, token
        assert client.post(url, typed()).status_code == 404, token
    assert not Arrival.objects.exists()
    # The code is read whatever the case a scanner gives it.
    assert client.get(reverse("canvass:arrival_public", args=[good.lower()])).status_code == 200


def test_a_unit_of_another_street_shows_only_its_own_rooms(world):
    body = Client().get(url_for(world.other_unit)).content.decode()
    rooms = re.findall(r'<option value="([^"]*)"', body)
    assert rooms[:3] == ["", "301", "other"] and "101" not in rooms
    assert not [
        s for s in ["吴敏", "远方小区", "远方网格", world.other_household.phone] if s in body
    ]
    assert not [s for s in registry_secrets(world) if s in body]


def test_the_report_is_normalised_classified_and_audited_as_public(world, risk_place):
    x_id = next(make_id(n) for n in range(1, 200) if make_id(n).endswith("X"))
    data = typed(
        name="趙 六六",
        id_number=x_id.lower().translate({ord("1"): ord("１")}),
        phone="１３６-0000-0066",
        origin="上海市浦東新區",
    )
    body = Client().post(url_for(world.u11), data).content.decode()
    arrival = Arrival.objects.get()
    assert (arrival.name, arrival.id_number, arrival.phone) == ("赵六六", x_id, "13600000066")
    assert arrival.origin == "上海市浦东新区" and arrival.origin_level == "high"
    assert Flag.objects.get(arrival=arrival).household == world.h101
    assert x_id not in body and "高风险" not in body  # what they typed, masked; no verdict
    channels = set(ChangeLog.objects.values_list("model", "channel"))
    assert channels == {("canvass.arrival", "public"), ("canvass.flag", "public")}


def test_someone_not_living_in_the_unit_gives_an_address(world):
    client = Client()
    page = client.post(url_for(world.u11), typed(room="other", address=""))
    assert "不住本单元时请填写居住地址" in page.content.decode()
    client.post(url_for(world.u11), typed(room="other", address="阳光路5号"))
    arrival = Arrival.objects.get()
    assert (arrival.household, arrival.area, arrival.address) == (None, world.grid1, "阳光路5号")


def test_bad_input_gets_clear_chinese_messages_and_keeps_what_was_typed(world):
    data = typed(
        room="301",  # a room of another unit
        id_number="220204198001010011",
        phone="12345",
        arrived_on=(timezone.localdate() + dt.timedelta(days=2)).isoformat(),
    )
    body = Client().post(url_for(world.u11), data).content.decode()
    assert "请按提示修改后重新提交" in body and not Arrival.objects.exists()
    assert 'value="赵六六"' in body and 'value="上海市浦东新区"' in body
    body = Client().post(url_for(world.u11), dict(data, room="101")).content.decode()
    assert "身份证号校验位错误" in body and "电话号码" in body
    body = Client().post(url_for(world.u11), typed(id_number="", phone="")).content.decode()
    assert "这个字段是必填项" in body or "必填" in body
    assert not Arrival.objects.exists()


def test_csrf_is_enforced(world):
    client = Client(enforce_csrf_checks=True)
    assert client.post(url_for(world.u11), typed()).status_code == 403
    token = client.get(url_for(world.u11)).cookies["csrftoken"].value
    answer = client.post(url_for(world.u11), dict(typed(), csrfmiddlewaretoken=token))
    assert answer.status_code == 200 and Arrival.objects.count() == 1


def test_a_resent_form_is_recorded_once(world):
    data = typed()
    Client().post(url_for(world.u11), data)
    again = Client().post(url_for(world.u11), data)
    assert "已提交" in again.content.decode() and Arrival.objects.count() == 1


def test_a_flood_on_one_unit_gets_429(world, monkeypatch):
    monkeypatch.setattr(views_arrival_public, "PER_UNIT", 3)
    for i in range(3):
        answer = Client(REMOTE_ADDR=f"10.0.0.{i}").post(url_for(world.u11), typed())
        assert answer.status_code == 200
    refused = Client(REMOTE_ADDR="10.0.0.9").post(url_for(world.u11), typed(name="第四人"))
    assert refused.status_code == 429 and "提交过于频繁" in refused.content.decode()
    assert 1 <= int(refused["Retry-After"]) <= 3600
    assert Arrival.objects.count() == 3 and not Arrival.objects.filter(name="第四人").exists()
    # Other units are not affected.
    assert Client().post(url_for(world.u12), typed(room="201")).status_code == 200


def test_a_flood_from_one_address_gets_429(world, monkeypatch):
    monkeypatch.setattr(views_arrival_public, "PER_IP", 2)
    client = Client(REMOTE_ADDR="10.1.2.3")
    assert client.post(url_for(world.u11), typed()).status_code == 200
    assert client.post(url_for(world.u12), typed(room="201")).status_code == 200
    refused = client.post(url_for(world.u21), typed())
    assert refused.status_code == 429 and "Retry-After" in refused
    assert not Arrival.objects.filter(household=world.h2_101).exists()
    other = Client(REMOTE_ADDR="10.9.9.9")
    assert other.post(url_for(world.u21), typed()).status_code == 200
