"""The gate page: shown to whoever may record there, with the rules' inputs only when the
checkpoint asks; the no-script form shows the decision; gate_data holds what the page decides
with offline; the green channel page lets a sealed household through."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from wangge.checkpoints import gate as g
from wangge.checkpoints import passes, signing
from wangge.checkpoints.models import Passage
from wangge.checkpoints.tests.roster import gate_shift, worker_of
from wangge.control.models import DesignationLevel
from wangge.control.services import designate

pytestmark = pytest.mark.django_db
TZ = timezone.get_current_timezone()


def at(hour: int) -> dt.datetime:
    return dt.datetime.combine(timezone.localdate(), dt.time(hour), tzinfo=TZ)


@pytest.fixture(autouse=True)
def _noon(monkeypatch):
    noon = at(12)
    monkeypatch.setattr(timezone, "now", lambda: noon)


def test_gate_page_and_plain_form(world, gate, cards, client_for):
    c = client_for(world.users.commander)
    page = c.get(reverse("checkpoints:gate", args=[gate.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="gate-temp"' in body and 'name="health_code"' in body
    assert "vendor/%40noble/ed25519/index.js" in body and 'type="module"' in body
    gate.records_temperature = gate.records_health_code = False
    gate.save()
    g.forget_rules(gate.pk)  # an edit through the ORM, not the setup service
    body = c.get(reverse("checkpoints:gate", args=[gate.pk])).content.decode()
    assert 'id="gate-temp"' not in body and 'name="health_code"' not in body
    token = passes.token(cards[world.h101.pk])
    form = {"direction": "out", "code": token, "client_uuid": str(uuid.uuid4())}
    shown = c.post(reverse("checkpoints:gate", args=[gate.pk]), form).content.decode()
    assert "wg-allowed" in shown and "1号楼1单元101室" in shown and "张*" in shown
    again = {**form, "client_uuid": str(uuid.uuid4())}
    refused = c.post(reverse("checkpoints:gate", args=[gate.pk]), again).content.decode()
    assert "wg-refused" in refused and "不予放行" in refused and "每户每天1人" in refused
    assert Passage.objects.count() == 2


def test_gate_data(world, gate, cards, client_for):
    c = client_for(world.users.commander)
    commander = world.users.commander
    assert (
        c.post(
            reverse("checkpoints:gate", args=[gate.pk]),
            {"direction": "out", "code": passes.token(cards[world.h102.pk])},
        ).status_code
        == 200
    )
    passes.revoke(cards[world.h201.pk], actor=commander, reason="遗失")
    designate(world.u11, DesignationLevel.objects.get(code="sealed"), actor=commander, reason="x")
    data = c.get(reverse("checkpoints:gate_data", args=[gate.pk])).json()
    assert data["key"] == signing.public_key_b64() and data["format"] == "WG1"
    assert data["revoked"] == [cards[world.h201.pk].pk]
    assert data["rule"]["persons"] == 1 and data["rule"]["period_days"] == 1
    assert data["used"] == {str(world.h102.pk): 1}
    assert set(data["sealed"]) == {world.h101.pk, world.h102.pk}
    assert data["estates"] == [world.estate.pk]
    assert data["checkpoint"]["records_temperature"] is True


def test_green_channel_page(world, gate, cards, client_for):
    commander = world.users.commander
    designate(world.u11, DesignationLevel.objects.get(code="sealed"), actor=commander, reason="x")
    c = client_for(commander)
    green_url = reverse("checkpoints:green_channel", args=[gate.pk])
    assert "血液透析" in c.get(green_url).content.decode()
    missing = c.post(green_url, {"escort": "家属"})
    assert missing.status_code == 200 and "请选择绿色通道事由" in missing.content.decode()
    form = {
        "green": "dialysis",
        "escort": "家属陈静",
        "direction": "out",
        "code": passes.token(cards[world.h101.pk]),
        "client_uuid": str(uuid.uuid4()),
    }
    r = c.post(green_url, form, follow=True)
    assert r.redirect_chain[-1][0] == reverse("checkpoints:gate", args=[gate.pk])
    assert "绿色通道已放行" in r.content.decode()
    c.post(green_url, form)  # submitted twice: recorded once
    passage = Passage.objects.get()
    assert passage.outcome == "green" and passage.household == world.h101
    assert passage.escort == "家属陈静"


def test_who_sees_the_gate(world, gate, client_for):
    urls = [
        reverse(name, args=[gate.pk])
        for name in ("checkpoints:gate", "checkpoints:gate_data", "checkpoints:green_channel")
    ]
    for user in (world.users.outsider, world.users.volunteer):
        c = client_for(user)
        for u in urls:
            assert c.get(u).status_code == 404, (user, u)
    # Posted on one of the gate's shifts today, the volunteer works it.
    gate_shift(gate, at(6), at(18), workers=[worker_of(world.users.volunteer, world.grid1)])
    c = client_for(world.users.volunteer)
    assert all(c.get(u).status_code == 200 for u in urls)
