"""The table page (with its no-script form), the door team's page, QR codes and QR sheets."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from django.test import override_settings
from django.urls import reverse

from wangge.core.models import AccessLog
from wangge.core.qr import (
    HOUSEHOLD,
    PERSON,
    BadQrCode,
    QrRef,
    household_token,
    make_token,
    parse_token,
    person_token,
    qr_svg,
)
from wangge.testing.models import Tube


def config_of(response) -> dict:
    match = re.search(
        r'<script id="wg-table-config" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(match.group(1))


def test_the_table_page_carries_what_the_script_needs(world, round_, client_for):
    r = client_for(world.users.commander).get(reverse("testing:table", args=[round_.table.pk]))
    assert r.status_code == 200
    body = r.content.decode()
    assert "1号采样点 1号台" in body and "testing/table.js" in body
    assert 'name="client_uuid"' in body  # the no-script form
    assert f'href="{reverse("testing:round_detail", args=[round_.round.pk])}"' in body
    cfg = config_of(r)
    assert cfg["round_id"] == round_.round.pk and cfg["pool_size"] == 10
    assert cfg["table_id"] == round_.table.pk and cfg["team_id"] is None
    assert cfg["area_id"] == world.grid1.pk
    assert cfg["urls"]["tubes"] == f"/api/testing/rounds/{round_.round.pk}/tubes"
    assert cfg["urls"]["lookup"] == f"/api/testing/rounds/{round_.round.pk}/lookup"
    assert cfg["urls"]["scanner"].endswith("vendor/html5-qrcode/html5-qrcode.min.js")
    assert cfg["messages"]["queued"] == "待上传 %(n)s 管"
    assert str(world.users.commander.pk) in cfg["storage_queue"]


def test_the_scanner_library_is_served(client_for, world):
    from django.contrib.staticfiles import finders

    assert finders.find("vendor/html5-qrcode/html5-qrcode.min.js")
    for name in ("table.js", "table-queue.js", "table-camera.js"):
        assert finders.find(f"testing/{name}")


def test_a_door_team_uses_the_same_page(world, round_, client_for):
    r = client_for(world.users.grid_leader).get(
        reverse("testing:team_table", args=[round_.team.pk])
    )
    assert r.status_code == 200
    cfg = config_of(r)
    assert cfg["team_id"] == round_.team.pk and cfg["table_id"] is None
    # The grid leader has no view of the street-wide round's page: no link to it.
    round_link = f'href="{reverse("testing:round_detail", args=[round_.round.pk])}"'
    assert round_link not in r.content.decode()


def test_an_inspector_is_told_they_cannot_register(world, round_, client_for, inspector):
    r = client_for(inspector).get(reverse("testing:table", args=[round_.table.pk]))
    assert r.status_code == 200
    assert "只有查看权限" in r.content.decode()


@pytest.mark.parametrize("name", ["testing:table", "testing:team_table"])
def test_outsiders_get_404(world, round_, client_for, name):
    obj = round_.table if name == "testing:table" else round_.team
    c = client_for(world.users.outsider)
    assert c.get(reverse(name, args=[obj.pk])).status_code == 404
    assert c.post(reverse(name, args=[obj.pk]), {"barcode": "X"}).status_code == 404


def test_the_no_script_form_registers_a_tube_once(world, round_, client_for):
    c = client_for(world.users.commander)
    page = reverse("testing:table", args=[round_.table.pk])
    key = str(uuid.uuid4())
    form = {
        "barcode": "N001",
        "people": f"{world.zhang.id_number}\n\n{person_token(world.wang)}\n",
        "client_uuid": key,
    }
    r = c.post(page, form, follow=True)
    assert r.redirect_chain[-1][0] == page
    assert "已封管：N001，2 人" in r.content.decode()
    assert c.post(page, form).status_code == 302  # the same form sent again
    tube = Tube.objects.get()
    assert list(tube.samples.values_list("person_id", flat=True)) == [world.zhang.pk, world.wang.pk]
    r = c.post(page, {**form, "client_uuid": str(uuid.uuid4())})
    assert r.status_code == 200
    assert "该试管条码本轮已使用：N001" in r.content.decode()
    assert Tube.objects.count() == 1


def test_qr_tokens_verify_and_reveal_no_id_number(world):
    token = person_token(world.zhang)
    assert world.zhang.id_number not in token
    assert token.startswith(f"WGP:{world.zhang.pk}:")
    assert parse_token(token) == QrRef(PERSON, world.zhang.pk)
    assert parse_token(f" {token.lower()} ") == QrRef(PERSON, world.zhang.pk)  # case-blind
    assert parse_token(household_token(world.h101)) == QrRef(HOUSEHOLD, world.h101.pk)
    assert parse_token(world.zhang.id_number) is None
    kind, pk, sig = token.split(":")
    for forged in (
        f"{kind}:{int(pk) + 1}:{sig}",  # another person's id
        f"{HOUSEHOLD}:{pk}:{sig}",  # a person's signature on a household
        f"{kind}:{pk}:{sig[:-1]}",
        f"{kind}:{pk}",
        f"{kind}:x:{sig}",
    ):
        with pytest.raises(BadQrCode):
            parse_token(forged)


def test_codes_survive_a_key_rotation(settings, world):
    old = make_token(PERSON, 7)
    with override_settings(
        SECRET_KEY="a-new-key-" + "x" * 50, SECRET_KEY_FALLBACKS=[settings.SECRET_KEY]
    ):
        assert parse_token(old) == QrRef(PERSON, 7)
    with override_settings(SECRET_KEY="a-new-key-" + "x" * 50, SECRET_KEY_FALLBACKS=[]):
        with pytest.raises(BadQrCode):
            parse_token(old)


def test_qr_svg_is_drawn_in_alphanumeric_mode():
    import segno

    token = make_token(HOUSEHOLD, 123456)
    assert segno.make(token, error="m").mode == "alphanumeric"
    svg = qr_svg(token)
    assert svg.startswith("<svg") and "viewBox" in svg


def test_household_sheet_masks_names_and_logs_the_print(world, client_for):
    c = client_for(world.users.commander)
    r = c.get(reverse("testing:qr_sheet"), {"area": world.grid1.pk, "kind": "household"})
    assert r.status_code == 200
    body = r.content.decode()
    assert body.count('class="wg-qr-card"') == 3  # h101, h102, h201 in grid 1
    assert "张*" in body and "张伟" not in body
    assert "1号楼1单元101室" in body
    assert world.zhang.id_number not in body
    log = AccessLog.objects.get(kind="print")
    assert log.actor == world.users.commander and log.rows == 3
    assert log.scope_path == world.grid1.path


def test_person_sheet_has_one_code_per_resident(world, client_for):
    c = client_for(world.users.commander)
    r = c.get(reverse("testing:qr_sheet"), {"area": world.street.pk, "kind": "person"})
    body = r.content.decode()
    assert body.count('class="wg-qr-card"') == 5
    assert "陈*" in body and "陈静" not in body and "2号楼1单元101室" in body


def test_a_grid_leader_prints_only_their_grid(world, client_for):
    c = client_for(world.users.grid_leader)
    r = c.get(reverse("testing:qr_sheet"), {"area": world.grid1.pk, "kind": "person"})
    assert r.content.decode().count('class="wg-qr-card"') == 4
    assert c.get(reverse("testing:qr_sheet"), {"area": world.street.pk}).status_code == 404
    r = c.get(reverse("testing:qr_sheet"))
    assert r.status_code == 200 and "第一网格" in r.content.decode()


def test_sheets_are_paginated(world, client_for, monkeypatch):
    from wangge.testing import views_table

    monkeypatch.setattr(views_table, "PAGE_SIZE", 2)
    monkeypatch.setattr(views_table, "SHEET_SIZE", 1)
    c = client_for(world.users.commander)
    first = c.get(reverse("testing:qr_sheet"), {"area": world.grid1.pk})
    assert first.content.decode().count('class="wg-qr-sheet"') == 2
    last = c.get(reverse("testing:qr_sheet"), {"area": world.grid1.pk, "page": 2})
    assert last.content.decode().count('class="wg-qr-card"') == 1


def test_outsiders_cannot_print_the_street(world, client_for):
    c = client_for(world.users.outsider)
    for area in (world.street, world.grid1):
        assert c.get(reverse("testing:qr_sheet"), {"area": area.pk}).status_code == 404
    assert c.get(reverse("testing:qr_sheet"), {"area": "abc"}).status_code == 404
    body = c.get(reverse("testing:qr_sheet")).content.decode()
    assert "第一网格" not in body and "远方网格" in body


def test_a_household_code_is_its_self_report_address_and_scans_at_the_table(world):
    from django.test import RequestFactory

    from wangge.core.qr import HOUSEHOLD, household_token, parse_token
    from wangge.testing.views_table import _qr_card

    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1")
    card = _qr_card(request, world.h101, "household")
    url = "http://127.0.0.1" + reverse(
        "testing:household_self_report", args=[household_token(world.h101)]
    )
    assert card["svg"].startswith("<svg")
    ref = parse_token(url)
    assert ref.kind == HOUSEHOLD and ref.pk == world.h101.pk
