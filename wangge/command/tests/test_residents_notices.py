"""Notices: writing one, its print — one A4 page per building (pypdf), the grid's WeChat
group and leaders' phones, QR codes that decode to the public forms — scope and the log."""

from __future__ import annotations

import io

from django.urls import reverse

from wangge.command.models import Notice
from wangge.core.models import AccessLog
from wangge.core.qr import unit_token
from wangge.workforce.services_recruitment import recruitment_token

from .fixtures_residents import decode_qr_svgs, make_notice, make_recruitment


def test_commander_publishes_a_notice(world, client_for):
    c = client_for(world.users.commander)
    url = reverse("command:notice_create")
    bad = c.post(url, {"area": world.street.pk, "title": " ", "body": ""})
    assert "请填写标题" in bad.content.decode() and "请填写正文" in bad.content.decode()
    r = c.post(
        url, {"area": world.grid1.pk, "title": "停水通知", "body": "明日停水。", "signed": "物业"}
    )
    notice = Notice.objects.get()
    assert r.status_code == 302 and notice.scope_path == world.grid1.path
    listing = c.get(reverse("command:notice_list"), {"q": "停水"}).content.decode()
    assert "停水通知" in listing


def test_volunteer_cannot_publish(world, client_for):
    r = client_for(world.users.volunteer).post(
        reverse("command:notice_create"), {"area": world.grid1.pk, "title": "x", "body": "y"}
    )
    assert r.status_code == 200 and not Notice.objects.exists()
    assert "请选择您负责范围内的区域" in r.content.decode()


def test_print_pdf_has_one_page_per_building(world, client_for):
    from pypdf import PdfReader

    notice = make_notice(world)
    c = client_for(world.users.commander)
    r = c.get(reverse("command:notice_print", args=[notice.pk]), {"format": "pdf"})
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert len(PdfReader(io.BytesIO(r.content)).pages) == 2  # b1 and b2
    one = c.get(
        reverse("command:notice_print", args=[notice.pk]),
        {"format": "pdf", "building": world.b1.pk},
    )
    assert len(PdfReader(io.BytesIO(one.content)).pages) == 1
    log = AccessLog.objects.filter(kind="print", model="command.notice")
    assert log.count() == 2 and log.first().rows in (1, 2)


def test_grid_leader_prints_street_notice_for_his_buildings_only(world, client_for):
    notice = make_notice(world)
    c = client_for(world.users.grid_leader)
    html = c.get(reverse("command:notice_print", args=[notice.pk])).content.decode()
    assert html.count('class="sheet"') == 1 and f'data-building="{world.b1.pk}"' in html
    other = c.get(reverse("command:notice_print", args=[notice.pk]), {"building": world.b2.pk})
    assert other.status_code == 404


def test_page_has_wechat_group_leaders_and_codes_to_public_forms(world, client_for):
    world.grid1.wechat_group = "阳光小区1号楼防疫群"
    world.grid1.save()
    rec = make_recruitment(world)
    make_recruitment(world, area=world.other_street, title="别处")
    notice = make_notice(world)
    c = client_for(world.users.commander)
    r = c.get(reverse("command:notice_print", args=[notice.pk]), {"building": world.b1.pk})
    html = r.content.decode()
    assert "阳光小区1号楼防疫群" in html
    assert "赵网格 13700000001" in html and "钱楼长 13700000002" in html
    expected = [
        "http://testserver" + reverse("canvass:arrival_public", args=[unit_token(u)])
        for u in (world.u11, world.u12)
    ] + ["http://testserver" + reverse("workforce:public_signup", args=[recruitment_token(rec)])]
    assert decode_qr_svgs(html) == expected
    # The unit codes open the public form.
    assert (
        client_for(world.users.nobody).get(expected[0][len("http://testserver") :]).status_code
        == 200
    )


def test_closed_recruitment_is_not_printed(world, client_for):
    make_recruitment(world, open=False)
    notice = make_notice(world)
    html = (
        client_for(world.users.commander)
        .get(reverse("command:notice_print", args=[notice.pk]), {"building": world.b2.pk})
        .content.decode()
    )
    assert "/join/" not in html and html.count("<svg") == 1  # u21's arrival code


def test_outsider_gets_404(world, client_for):
    notice = make_notice(world)
    c = client_for(world.users.outsider)
    for name in ("command:notice_detail", "command:notice_print"):
        assert c.get(reverse(name, args=[notice.pk])).status_code == 404
    assert notice.title not in c.get(reverse("command:notice_list")).content.decode()


def test_api_lists_notices(world):
    from wangge.accounts.models import ApiToken
    from wangge.api.tests.helpers import ApiClient

    make_notice(world)
    _, key = ApiToken.issue(world.users.grid_leader, "t")
    body = ApiClient(key).get("/api/command/notices").json()
    assert body["items"][0]["title"].startswith("关于开展")
