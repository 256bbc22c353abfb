"""Recording the paperwork: one order's documents (served once, the first time standing; the
door sign and the seal taken off; bad times refused), a selection served at once, release
taking the door sign and the seal off, the pending list per grid with its export, and scope
(an outsider gets 404, a user who may only view cannot record)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from wangge.accounts.models import RoleAssignment, User
from wangge.accounts.roles import Role
from wangge.control.models import ControlOrder, OrderDocument, OrderType
from wangge.control.services import place_order, release
from wangge.control.services_documents import serve
from wangge.core.models import AccessLog

pytestmark = pytest.mark.django_db

SERVE = reverse("control:documents_serve")
PENDING = reverse("control:documents_pending")


def url(order):
    return reverse("control:order_documents", args=[order.pk])


def body(response) -> str:
    return response.content.decode()


def doc(order, kind):
    return OrderDocument.objects.filter(order=order, kind=kind).first()


def local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def inspector(world):
    user = User.objects.create_user("inspector_a", password="x-Secret-2022")
    RoleAssignment.objects.create(user=user, role=Role.INSPECTOR, area=world.street)
    return user


def test_one_orders_documents_served_once_and_taken_off(world, orders, client_for):
    zhang, _liu, _other = orders
    c = client_for(world.users.volunteer)
    page = c.get(url(zhang))
    assert page.status_code == 200
    html = body(page)
    for label in ("告知书", "承诺书", "隔离牌", "封条", "登记送达", "登记张贴", "登记贴封条"):
        assert label in html
    assert f"{reverse('control:documents_pdf')}?order={zhang.pk}&amp;kind=door_sign" in html
    assert AccessLog.objects.filter(kind="view", object_id=str(zhang.pk)).exists()

    r = c.post(url(zhang), {"action": "serve", "kind": "notice"})
    assert r.status_code == 302 and r.url == url(zhang)
    first = doc(zhang, "notice")
    assert first.served_by == world.users.volunteer and first.scope_path == zhang.scope_path
    # A second tap (or a second worker) changes nothing: the first record stands.
    r = client_for(world.users.commander).post(url(zhang), {"action": "serve", "kind": "notice"})
    assert r.status_code == 302
    assert OrderDocument.objects.filter(order=zhang, kind="notice").count() == 1
    again = doc(zhang, "notice")
    assert (again.served_at, again.served_by) == (first.served_at, world.users.volunteer)
    followed = c.post(url(zhang), {"action": "serve", "kind": "notice"}, follow=True)
    assert "保留首次记录" in body(followed)

    # The door sign put up this morning, with a note; taken off later.
    morning = timezone.now() - dt.timedelta(hours=3)
    r = c.post(
        url(zhang), {"action": "serve", "kind": "door_sign", "at": local(morning), "note": "门口"}
    )
    assert r.status_code == 302
    sign = doc(zhang, "door_sign")
    assert sign.served_at == morning.replace(second=0, microsecond=0) and sign.note == "门口"
    assert "登记撤牌" in body(c.get(url(zhang)))
    r = c.post(url(zhang), {"action": "remove", "kind": "door_sign"})
    assert r.status_code == 302
    sign.refresh_from_db()
    assert sign.removed_at is not None and sign.removed_by == world.users.volunteer
    removed_at = sign.removed_at
    c.post(url(zhang), {"action": "remove", "kind": "door_sign"})
    sign.refresh_from_db()
    assert sign.removed_at == removed_at


def test_bad_records_are_refused_with_a_reason(world, orders, client_for):
    zhang, _liu, _other = orders
    c = client_for(world.users.commander)
    before = timezone.localtime() - dt.timedelta(days=5)
    cases = [
        ({"action": "remove", "kind": "notice"}, "只有隔离牌和封条需要登记撤除"),
        ({"action": "remove", "kind": "seal"}, "封条尚未登记张贴，无需撤除"),
        ({"action": "serve", "kind": "poster"}, "文书"),
        ({"action": "burn", "kind": "notice"}, "操作"),
        ({"action": "serve", "kind": "notice", "at": "昨天"}, "时间格式不正确"),
        (
            {"action": "serve", "kind": "notice", "at": local(timezone.now() + dt.timedelta(1))},
            "时间不能晚于现在",
        ),
        ({"action": "serve", "kind": "notice", "at": local(before)}, "时间不能早于措施开始日期"),
    ]
    for data, message in cases:
        r = c.post(url(zhang), data)
        assert r.status_code == 200, data
        assert message in body(r), data
    assert not OrderDocument.objects.exists()
    # Taking a sign off before it went up.
    c.post(url(zhang), {"action": "serve", "kind": "seal"})
    seal = doc(zhang, "seal")
    earlier = timezone.now() - dt.timedelta(hours=1)
    r = c.post(url(zhang), {"action": "remove", "kind": "seal", "at": local(earlier)})
    assert r.status_code == 200 and "撤除时间不能早于张贴时间" in body(r)
    seal.refresh_from_db()
    assert seal.removed_at is None


def test_release_takes_the_door_sign_and_seal_off(world, orders, client_for):
    zhang, _liu, _other = orders
    actor = world.users.commander
    for kind in ("notice", "door_sign", "seal"):
        assert serve([zhang], kind, actor=actor) == 1
    release(zhang, actor=actor, note="指挥部决定提前解除", early=True)
    assert doc(zhang, "door_sign").removed_at is not None
    assert doc(zhang, "seal").removed_at is not None
    assert doc(zhang, "seal").removed_by == actor
    assert doc(zhang, "notice").removed_at is None
    # Nothing more is served on a released order.
    c = client_for(actor)
    html = body(c.get(url(zhang)))
    assert "已撤除" in html and "登记送达" not in html and "登记张贴" not in html
    r = c.post(url(zhang), {"action": "serve", "kind": "commitment"})
    assert r.status_code == 200 and "该措施已不在管控中" in body(r)
    assert doc(zhang, "commitment") is None


def test_scope_of_one_orders_documents(world, orders, client_for, inspector):
    zhang, liu, other = orders
    # Outside scope: 404 for reading and writing alike.
    for user, order in (
        (world.users.outsider, zhang),
        (world.users.grid_leader, liu),
        (world.users.volunteer, liu),
        (world.users.commander, other),
        (world.users.nobody, zhang),
    ):
        c = client_for(user)
        assert c.get(url(order)).status_code == 404, (user, order)
        assert c.post(url(order), {"action": "serve", "kind": "notice"}).status_code == 404
    assert c.get(reverse("control:order_documents", args=[987654])).status_code == 404
    # An inspector may look, not record.
    c = client_for(inspector)
    page = c.get(url(zhang))
    assert page.status_code == 200 and "登记送达" not in body(page)
    assert c.post(url(zhang), {"action": "serve", "kind": "notice"}).status_code == 403
    assert not OrderDocument.objects.exists()


def test_a_selection_served_at_once(world, orders, client_for, inspector):
    zhang, liu, other = orders
    c = client_for(world.users.commander)
    data = {"order": [zhang.pk, liu.pk, other.pk, "abc"], "kind": ["notice", "commitment"]}
    r = c.post(SERVE, data, follow=True)
    assert r.redirect_chain[0] == (PENDING, 302)
    html = body(r)
    assert "告知书新登记 2 人，此前已登记 0 人" in html and "承诺书新登记 2 人" in html
    assert OrderDocument.objects.filter(kind="notice").count() == 2
    assert doc(other, "notice") is None
    first = doc(zhang, "notice").served_at
    # Again: nothing new, the first time stands.
    r = c.post(SERVE, {**data, "kind": "notice", "next": url(zhang)}, follow=True)
    assert r.redirect_chain[0][0] == url(zhang)
    assert "告知书新登记 0 人，此前已登记 2 人" in body(r)
    assert doc(zhang, "notice").served_at == first
    # A volunteer of grid 1 records 张伟 only (刘洋 is not theirs: left out).
    v = client_for(world.users.volunteer)
    r = v.post(SERVE, {"order": [zhang.pk, liu.pk], "kind": "door_sign"}, follow=True)
    assert "隔离牌新登记 1 人" in body(r)
    assert doc(zhang, "door_sign").served_by == world.users.volunteer
    assert doc(liu, "door_sign") is None
    # Bad input: a message, nothing recorded.
    for bad, message in (
        ({"order": [zhang.pk]}, "请选择要登记的文书"),
        ({"order": [zhang.pk], "kind": "poster"}, "文书类别不正确"),
        ({"kind": "seal"}, "请先选择要登记的管控人员"),
        ({"order": [other.pk], "kind": "seal"}, "请先选择要登记的管控人员"),
    ):
        r = c.post(SERVE, bad, follow=True)
        assert message in body(r), bad
    assert not OrderDocument.objects.filter(kind="seal").exists()
    # Released orders are not recorded; a viewer may not record; GET goes to the list.
    release(liu, actor=world.users.commander, note="转院", early=True)
    r = c.post(SERVE, {"order": [zhang.pk, liu.pk], "kind": "seal"}, follow=True)
    assert "1 人已不在管控中" in body(r) and doc(liu, "seal") is None
    assert (
        client_for(inspector).post(SERVE, {"order": [zhang.pk], "kind": "notice"}).status_code
        == 403
    )
    assert c.get(SERVE).url == PENDING


def rows(response) -> list[str]:
    return [row.order.person.name for row in response.context["rows"]]


def test_pending_list_per_grid(world, orders, client_for):
    zhang, liu, _other = orders
    c = client_for(world.users.commander)
    r = c.get(PENDING)
    assert r.status_code == 200 and rows(r) == ["张伟", "刘洋"]
    html = body(r)
    assert "张*" in html and "刘*" in html and "张伟" not in html and "刘洋" not in html
    assert "马社工" in html and "13611112222" in html and "赵网格" in html
    assert [(a.name, n) for a, n, _leader in r.context["grids"]] == [
        ("第一网格", 1),
        ("第二网格", 1),
    ]
    assert f"{reverse('control:documents_pdf')}?pending=1" in html
    assert rows(c.get(PENDING, {"grid": world.grid2.pk})) == ["刘洋"]
    # Served: 张伟 needs the notice and the door sign, 刘洋 (central) the notice only.
    serve([zhang], "notice", actor=world.users.commander)
    assert rows(c.get(PENDING)) == ["张伟", "刘洋"]
    serve([zhang], "door_sign", actor=world.users.commander)
    serve([liu], "notice", actor=world.users.commander)
    r = c.get(PENDING)
    assert rows(r) == [] and "没有文书未送达" in body(r)
    # Scope: a grid leader sees their grid; a grid not theirs is 404; the outsider sees theirs.
    ControlOrder.objects.filter(pk=zhang.pk).update(status="cancelled")
    place_order(
        world.li,
        OrderType.objects.get(code="home_monitoring"),
        actor=world.users.commander,
        source="manual",
        reason="x",
    )
    gl = client_for(world.users.grid_leader)
    assert rows(gl.get(PENDING)) == ["李娜"]
    assert gl.get(PENDING, {"grid": world.grid2.pk}).status_code == 404
    assert gl.get(PENDING, {"grid": "x"}).status_code == 404
    assert rows(client_for(world.users.outsider).get(PENDING)) == ["吴敏"]


def test_pending_export(world, orders, client_for):
    zhang, _liu, _other = orders
    serve([zhang], "notice", actor=world.users.commander)
    c = client_for(world.users.commander)
    r = c.get(PENDING, {"export": "xlsx"})
    assert r.status_code == 200
    assert "spreadsheetml" in r["Content-Type"]
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(r.streaming_content)))
    sheet = book.get_sheet_by_index(0).to_python()
    assert sheet[1][:4] == ["网格", "住址", "姓名", "措施"]
    lines = {line[2]: line for line in sheet[2:]}
    assert set(lines) == {"张*", "刘*"}
    zhang_line = lines["张*"]
    assert zhang_line[0] == "第一网格" and zhang_line[3] == "居家隔离"
    assert zhang_line[7] != "未送达" and zhang_line[9] == "未送达"
    assert zhang_line[11] == "马社工 13611112222"
    log = AccessLog.objects.get(kind="export")
    assert log.rows == 2 and log.actor == world.users.commander
    # Grid 2 only; a volunteer may not export.
    r = c.get(PENDING, {"export": "xlsx", "grid": world.grid2.pk})
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(r.streaming_content)))
    assert [line[2] for line in book.get_sheet_by_index(0).to_python()[2:]] == ["刘*"]
    assert client_for(world.users.volunteer).get(PENDING, {"export": "xlsx"}).status_code == 403
