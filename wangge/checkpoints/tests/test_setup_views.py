"""Setting up gates and passes, the pages: checkpoints listed, created and edited within scope,
the detail page's links, the pass policy form, the pass list (masked phones, search, status),
bulk issue and its result, revoking one pass and the sealed households' passes, who may do
what, and the printed PDF (its cards read back; every print logged). Two PDFs are drawn."""

from __future__ import annotations

import datetime as dt
import io
import re

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone

from wangge.checkpoints import passes_print
from wangge.checkpoints.models import Checkpoint, Pass, PassPolicy
from wangge.control.models import DesignationLevel
from wangge.control.services import designate
from wangge.core.models import AccessLog
from wangge.places.models import Household

pytestmark = pytest.mark.django_db


def texts(pdf: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [re.sub(r"\s+", "", page.extract_text()) for page in reader.pages]


def test_checkpoint_pages(world, gate, client_for):
    c = client_for(world.users.commander)
    r = c.get(reverse("checkpoints:checkpoint_list"))
    assert r.status_code == 200 and "阳光小区东门" in r.content.decode()
    r = c.post(
        reverse("checkpoints:checkpoint_create"),
        {
            "name": "阳光小区西门",
            "kind": "estate_gate",
            "area": world.community.pk,
            "estates": [world.estate.pk],
            "opens_at": "06:00",
            "closes_at": "22:00",
            "residents_only": "on",
            "records_temperature": "on",
            "active": "on",
        },
    )
    cp = Checkpoint.objects.get(name="阳光小区西门")
    assert r.status_code == 302 and r.url == reverse("checkpoints:checkpoint_detail", args=[cp.pk])
    assert not cp.records_health_code and cp.opens_at == dt.time(6)
    page = c.get(r.url).content.decode()
    assert (
        "每户每天1人" in page and reverse("checkpoints:policy_edit", args=[world.estate.pk]) in page
    )
    # Half the hours: an error on the form, nothing saved.
    r = c.post(
        reverse("checkpoints:checkpoint_edit", args=[cp.pk]),
        {"name": "西门", "kind": "estate_gate", "estates": [world.estate.pk], "opens_at": "06:00"},
    )
    assert r.status_code == 200 and "同时填写" in r.content.decode()
    r = c.post(
        reverse("checkpoints:checkpoint_edit", args=[cp.pk]),
        {"name": "西门", "kind": "road", "active": "on"},
    )
    assert r.status_code == 302
    cp.refresh_from_db()
    assert cp.name == "西门" and cp.area == world.community and not cp.estates.exists()
    # A volunteer sees the list, may not create or edit; an outsider sees nothing.
    v = client_for(world.users.volunteer)
    assert v.get(reverse("checkpoints:checkpoint_create")).status_code == 403
    assert v.get(reverse("checkpoints:checkpoint_edit", args=[cp.pk])).status_code == 404
    o = client_for(world.users.outsider)
    assert "阳光" not in o.get(reverse("checkpoints:checkpoint_list")).content.decode()
    assert o.get(reverse("checkpoints:checkpoint_detail", args=[cp.pk])).status_code == 404


def test_policy_form(world, client_for):
    c = client_for(world.users.commander)
    url = reverse("checkpoints:policy_edit", args=[world.estate.pk])
    assert c.get(url).status_code == 200
    r = c.post(url, {"persons": "0", "period_days": "9", "hours_out": "30"})
    assert r.status_code == 200 and not PassPolicy.objects.exists()
    assert len(r.context["form"].errors) == 3
    r = c.post(url, {"persons": "1", "period_days": "2", "hours_out": "2"})
    assert r.status_code == 302
    policy = PassPolicy.objects.get(estate=world.estate)
    assert (policy.persons, policy.period_days, policy.hours_out) == (1, 2, 2)
    assert client_for(world.users.grid_leader).get(url).status_code == 404
    assert client_for(world.users.outsider).post(url, {"persons": "3"}).status_code == 404


def test_issue_list_revoke_and_who_may(world, gate, client_for):
    c = client_for(world.users.commander)
    world.h102.vacant = True
    world.h102.save()
    url = reverse("checkpoints:pass_issue", args=[world.estate.pk])
    assert c.get(url).status_code == 200
    until = (timezone.localdate() + dt.timedelta(days=14)).isoformat()
    r = c.post(url, {"valid_until": until})
    assert r.status_code == 200
    result = r.context["result"]
    assert len(result.issued) == 3 and dict(result.reasons()) == {"空置": 1}
    body = r.content.decode()
    assert "已发放 3 张，跳过 1 户" in body and reverse("checkpoints:pass_print") in body
    r = c.post(url, {"valid_until": until})
    assert dict(r.context["result"].reasons()) == {"已有有效出入证": 3, "空置": 1}
    # The list: masked phones, search, status.
    lst = reverse("checkpoints:pass_list")
    body = c.get(lst, {"estate": world.estate.pk}).content.decode()
    assert "139****0101" in body and "13900000101" not in body and "每户每天1人" in body
    r = c.get(lst, {"estate": world.estate.pk, "q": "李娜"})
    assert [p.household_id for p in r.context["page"].object_list] == [world.h201.pk]
    # A volunteer of grid 1 may not revoke its passes.
    mine = Pass.objects.get(household=world.h201)
    vol = client_for(world.users.volunteer)
    assert (
        vol.post(reverse("checkpoints:pass_revoke", args=[mine.pk]), {"reason": "x"}).status_code
        == 403
    )
    # Revoke one: the reason is required.
    card = Pass.objects.get(household=world.h201)
    rv = reverse("checkpoints:pass_revoke", args=[card.pk])
    assert c.post(rv, {"reason": " "}).status_code == 200
    assert c.post(rv, {"reason": "遗失"}).status_code == 302
    card.refresh_from_db()
    assert card.revoke_reason == "遗失"
    r = c.get(lst, {"estate": world.estate.pk, "status": "revoked"})
    assert [p.pk for p in r.context["page"].object_list] == [card.pk]
    # Revoke the sealed households' passes.
    designate(
        world.u11,
        DesignationLevel.objects.get(code="sealed"),
        actor=world.users.commander,
        reason="x",
    )
    sealed = reverse("checkpoints:pass_revoke_sealed")
    assert c.get(sealed).status_code == 302
    r = c.post(sealed, {"estate": world.estate.pk}, follow=True)
    assert "已作废封控住户的出入证 1 张" in r.content.decode()
    assert Pass.objects.get(household=world.h101).revoke_reason == "住户封控"
    # A volunteer sees the list but may not issue or revoke; an outsider gets 404 / nothing.
    v = client_for(world.users.volunteer)
    assert v.get(lst, {"estate": world.estate.pk}).status_code == 200
    assert v.post(url, {"valid_until": until}).status_code == 403
    assert v.post(sealed).status_code == 403
    valid = Pass.objects.get(household=world.h2_101)
    o = client_for(world.users.outsider)
    assert o.post(url, {"valid_until": until}).status_code == 404
    assert o.get(lst, {"estate": world.estate.pk}).status_code == 404
    assert not o.get(lst).context["page"].object_list
    assert (
        o.post(reverse("checkpoints:pass_revoke", args=[valid.pk]), {"reason": "x"}).status_code
        == 404
    )
    valid.refresh_from_db()
    assert valid.revoked_at is None


def test_pdf_cards(world, gate):
    """Ten passes: two pages of cards with the numbers, rooms and the rule."""
    unit = world.u12
    for i in range(6):
        Household.objects.create(building=unit.building, unit=unit, floor=3, room=f"30{i}")
    from wangge.checkpoints import services_setup as svc

    result = svc.issue_for_estate(
        world.estate,
        actor=world.users.commander,
        valid_until=timezone.localdate() + dt.timedelta(days=7),
    )
    cards = list(Pass.objects.select_related(*passes_print.RELATED).order_by("number"))
    assert len(cards) == len(result.issued) == 10
    pages = texts(passes_print.render_pdf(cards))
    assert len(pages) == 2
    text = "".join(pages)
    for card in cards:
        assert card.number in text
    assert "1号楼1单元101室" in text and "2号楼1单元101室" in text and "1号楼2单元305室" in text
    assert pages[0].count("每户每天1人") == 8 and "阳光小区" in pages[1]


def test_print_view_logged_and_scoped(world, gate, cards, client_for):
    c = client_for(world.users.commander)
    url = reverse("checkpoints:pass_print")
    one = cards[world.h101.pk]
    r = c.post(url, {"pass": [str(one.pk), "x", str(one.pk)]})
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert len(texts(r.content)) == 1 and one.number in texts(r.content)[0]
    log = AccessLog.objects.get(kind="print")
    assert log.actor == world.users.commander and log.rows == 1 and log.object_id == str(one.pk)
    # Nothing chosen, or nothing valid: a message, no PDF, nothing logged.
    assert c.get(url).status_code == 302
    o = client_for(world.users.outsider)
    assert o.get(url, {"pass": one.pk}).status_code == 404
    assert o.get(url, {"estate": world.estate.pk}).status_code == 404
    assert AccessLog.objects.filter(kind="print").count() == 1
