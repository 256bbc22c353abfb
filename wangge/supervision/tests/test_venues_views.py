"""Venues pages: registering, the list (masked phones, filters, search, pagination), the export
(logged), the detail (phone in full, logged; state history; sweeps with findings counts; the
巡查 button), changing the state, editing, the summary, and who may do what."""

from __future__ import annotations

import datetime as dt
import io
from unittest.mock import patch

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from wangge.core.models import AccessLog
from wangge.supervision import services_venues as svc
from wangge.supervision.models_venues import Venue

from .fixtures_venues import DAY, T0, gym, supermarket, sweep


@pytest.fixture
def clock():
    with patch("django.utils.timezone.now", return_value=T0):
        yield T0


def body(r) -> str:
    return (b"".join(r.streaming_content) if r.streaming else r.content).decode()


def test_create_venue(world, client_for, clock):
    c = client_for(world.users.commander)
    assert c.get(reverse("supervision:venue_create")).status_code == 200
    data = {
        "name": "欧亚超市",
        "kind": "supermarket",
        "area": world.grid1.pk,
        "address": "北京路12号",
        "owner_name": "孟店长",
        "owner_phone": "136 1234 5678",
        "state": "",
        "since": "",
    }
    r = c.post(reverse("supervision:venue_create"), data)
    v = Venue.objects.get()
    assert r.status_code == 302 and r.url == reverse("supervision:venue_detail", args=[v.pk])
    assert (v.owner_phone, v.state, v.state_since) == ("13612345678", "open_rules", DAY)
    # errors in Chinese, nothing written
    bad = dict(data, name="", owner_phone="123", since="2022-05-01")
    r = c.post(reverse("supervision:venue_create"), bad)
    text = body(r)
    assert r.status_code == 200 and "请填写场所名称" in text and "不能晚于今天" in text
    assert "电话号码格式不正确" in text
    assert Venue.objects.count() == 1
    r = c.post(reverse("supervision:venue_create"), dict(data, area=world.other_grid.pk))
    assert "不在您的管辖范围内" in body(r)


def test_create_refused_without_change(world, client_for):
    r = client_for(world.users.volunteer).get(reverse("supervision:venue_create"))
    assert r.status_code == 403


def test_list_masks_filters_and_searches(world, client_for, clock):
    boss = world.users.commander
    s = supermarket(world.grid1, boss)
    g = gym(world.grid2, boss)
    c = client_for(boss)
    url = reverse("supervision:venue_list")
    text = body(c.get(url))
    assert "欧亚超市" in text and "力健健身房" in text
    assert "136****5678" in text and "13612345678" not in text

    def names(query):
        return body(c.get(url, query))

    assert "力健健身房" not in names({"kind": "supply"})
    assert "欧亚超市" not in names({"kind": "gathering"})
    assert "欧亚超市" not in names({"state": "closed"})
    assert "力健健身房" not in names({"area": world.grid1.pk})
    assert "力健健身房" not in names({"q": "5678"}) and "欧亚超市" in names({"q": "5678"})
    assert "欧亚超市" not in names({"q": "韩经理"})
    svc.update_venue(g, {"active": False}, actor=boss)
    assert "力健健身房" not in names({})
    assert "力健健身房" in names({"state": "inactive"})
    assert "不在您的管辖范围内" in names({"area": world.other_grid.pk})
    assert s.pk


def test_list_paginates_and_empty_state(world, client_for, clock):
    c = client_for(world.users.commander)
    assert "还没有登记场所" in body(c.get(reverse("supervision:venue_list")))
    for i in range(55):
        supermarket(world.grid1, world.users.commander, name=f"超市{i:02d}")
    text = body(c.get(reverse("supervision:venue_list")))
    assert "共 55 条" in text and text.count("data-venue=") == 50
    assert body(c.get(reverse("supervision:venue_list"), {"page": 2})).count("data-venue=") == 5


def test_export_is_logged_and_unmasked(world, client_for, clock):
    boss = world.users.commander
    supermarket(world.grid1, boss)
    gym(world.grid2, boss)
    r = client_for(boss).get(reverse("supervision:venue_export"), {"kind": "supply"})
    assert r.status_code == 200
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(b"".join(r.streaming_content)))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert rows[1][1] == "场所名称"
    assert [row[1] for row in rows[2:]] == ["欧亚超市"]
    assert rows[2][6] == "13612345678"
    log = AccessLog.objects.filter(kind="export", actor=boss).latest("at")
    assert log.rows == 1
    assert (
        client_for(world.users.nobody).get(reverse("supervision:venue_export")).status_code == 404
    )


def test_detail_shows_phone_history_and_sweeps(world, client_for, clock):
    boss = world.users.commander
    v = supermarket(world.grid1, boss)
    svc.change_state(v, actor=boss, state="closed", since=DAY, note="发现阳性")
    sweep(v, findings=3, open_findings=2, note="入口未扫码")
    sweep(v, shift="night", at=T0 + dt.timedelta(hours=11))
    r = client_for(boss).get(reverse("supervision:venue_detail", args=[v.pk]))
    text = body(r)
    assert r.status_code == 200
    assert "13612345678" in text
    assert AccessLog.objects.filter(kind="view", object_id=str(v.pk)).exists()
    assert "发现阳性" in text and "限流开放" in text and "关停" in text
    assert text.count("data-sweep=") == 2
    assert "问题 3 个" in text and "待整改 2" in text and "入口未扫码" in text
    try:
        create = reverse("supervision:inspection_create")
    except Exception:  # the inspections part may not be there yet
        create = None
    if create:
        assert f"{create}?venue={v.pk}&amp;target_type=supermarket" in text
    # a user with VIEW only sees no state form
    r = client_for(world.users.volunteer).get(reverse("supervision:venue_detail", args=[v.pk]))
    assert r.status_code == 200 and 'id="state-form"' not in body(r)


def test_change_state_page(world, client_for, clock):
    boss = world.users.commander
    g = gym(world.grid1, boss, since=DAY - dt.timedelta(days=3))
    c = client_for(boss)
    url = reverse("supervision:venue_state", args=[g.pk])
    r = c.post(url, {"state": "reopened", "since": "2022-04-01", "note": ""})
    assert r.status_code == 422 and "不能早于上一状态" in body(r)
    r = c.post(url, {"state": "reopened", "since": "2022-04-10", "note": "解除"})
    assert r.status_code == 302
    g.refresh_from_db()
    assert g.state == "reopened"
    assert g.states.first().changed_by == boss
    assert c.get(url).status_code == 405
    # seen but not changeable: 403; not seen: 404
    assert client_for(world.users.volunteer).post(url, {"state": "closed"}).status_code == 403
    assert client_for(world.users.outsider).post(url, {"state": "closed"}).status_code == 404


def test_edit_page(world, client_for, clock):
    boss = world.users.commander
    v = supermarket(world.grid1, boss)
    c = client_for(boss)
    url = reverse("supervision:venue_edit", args=[v.pk])
    assert c.get(url).status_code == 200
    data = {
        "name": "欧亚超市（北京路店）",
        "kind": "supermarket",
        "area": world.grid2.pk,
        "address": "北京路12号",
        "owner_name": "孟店长",
        "owner_phone": "13612345678",
        "active": "on",
    }
    assert c.post(url, data).status_code == 302
    v.refresh_from_db()
    assert (v.name, v.area) == ("欧亚超市(北京路店)", world.grid2)  # normalised
    assert client_for(world.users.grid_leader).get(url).status_code == 404  # now in grid2


def test_summary_page(world, client_for, clock):
    boss = world.users.commander
    s = supermarket(world.grid1, boss)
    gym(world.grid1, boss)
    sweep(s, findings=2)
    sweep(s, shift="night")
    c = client_for(boss)
    text = body(c.get(reverse("supervision:venue_summary")))
    assert (
        "管理超市 1 家（限流开放 1 家），关停场所 1 家，恢复营业 0 家；"
        "日间巡查 1 次、夜间巡查 1 次，发现问题 2 个"
    ) in text
    text = body(c.get(reverse("supervision:venue_summary"), {"area": world.grid2.pk}))
    assert "管理超市 0 家" in text
    r = c.get(reverse("supervision:venue_summary"), {"since": "2022-04-11", "until": "2022-04-10"})
    assert "起始日期不能晚于截止日期" in body(r)
