"""Order pages: the list (masked, searched, filtered, scoped, with the selection sent to the
paperwork), the export (masked, logged), one order (revealed on request, logged), extending,
releasing on time and early (a note required), cancelling, the release list of a day, and
what a volunteer and an outsider get."""

from __future__ import annotations

import datetime as dt
import io
from unittest import mock

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from wangge.control import services_documents
from wangge.control.models import ControlOrder, FollowUp, OrderDocument
from wangge.core.models import AccessLog

from .orders_data import order_for

pytestmark = pytest.mark.django_db
LIST = reverse("control:order_list")
RELEASE_LIST = reverse("control:release_list")


def body(response) -> str:
    return response.content.decode()


def url(name: str, order) -> str:
    return reverse(f"control:{name}", args=[order.pk])


def listed(response) -> list[str]:
    return [row.order.person.name for row in response.context["rows"]]


@pytest.fixture
def orders(world):
    today = timezone.localdate()
    due = order_for(world, world.zhang, starts_on=today - dt.timedelta(days=13))
    fresh = order_for(world, world.liu, "home_monitoring", source="contact_list")
    return due, fresh


def test_the_list_masks_and_scopes(world, orders, client_for):
    due, fresh = orders
    r = client_for(world.users.commander).get(LIST)
    assert r.status_code == 200
    assert listed(r) == ["张伟", "刘洋"]
    html = body(r)
    assert world.zhang.id_number not in html and world.zhang.phone not in html
    assert world.zhang.id_number[-4:] in html and "138****0001" in html
    assert "居家隔离" in html and "居家健康监测" in html and "第一网格" in html and "赵网格" in html
    assert "grid1_leader" in html  # the responsible worker
    assert "可解除" in html  # 张伟's order ends today
    assert "未送达：告知书、承诺书、隔离牌" in html
    assert url("order_detail", due) in html
    assert listed(client_for(world.users.grid_leader).get(LIST)) == ["张伟"]
    assert listed(client_for(world.users.volunteer).get(LIST)) == ["张伟"]
    assert listed(client_for(world.users.outsider).get(LIST)) == []
    r = client_for(world.users.outsider).get(LIST, {"grid": world.grid1.pk})
    assert listed(r) == [] and "所选网格不存在" in body(r)


def test_the_list_filters_and_search(world, orders, client_for):
    due, fresh = orders
    c = client_for(world.users.commander)
    assert listed(c.get(LIST, {"q": "刘"})) == ["刘洋"]
    assert listed(c.get(LIST, {"q": world.zhang.id_number[-4:]})) == ["张伟"]
    assert listed(c.get(LIST, {"q": world.liu.phone[-4:]})) == ["刘洋"]
    assert listed(c.get(LIST, {"grid": world.grid2.pk})) == ["刘洋"]
    assert listed(c.get(LIST, {"type": "home_monitoring"})) == ["刘洋"]
    assert listed(c.get(LIST, {"source": "contact_list"})) == ["刘洋"]
    assert listed(c.get(LIST, {"due": "today"})) == ["张伟"]
    for kind in ("notice", "commitment", "door_sign"):
        services_documents.serve([fresh], kind, actor=world.users.commander)
    assert listed(c.get(LIST, {"docs": "unserved"})) == ["张伟"]
    c.post(url("order_cancel", fresh), {"reason": "误录"})
    assert listed(c.get(LIST)) == ["张伟"]
    assert listed(c.get(LIST, {"status": "cancelled"})) == ["刘洋"]
    assert listed(c.get(LIST, {"status": "all"})) == ["张伟", "刘洋"]
    r = c.get(LIST, {"status": "bogus"})
    assert listed(r) == [] and "查询条件不正确" in body(r)


def test_the_list_sends_a_selection_to_the_paperwork(world, orders, client_for):
    due, fresh = orders
    c = client_for(world.users.commander)
    html = body(c.get(LIST))
    assert f'name="order" value="{due.pk}"' in html
    try:
        pdf, serve = reverse("control:documents_pdf"), reverse("control:documents_serve")
    except NoReverseMatch:  # the documents part is not there
        pytest.skip("no documents pages")
    assert f'formaction="{pdf}"' in html and f'formaction="{serve}"' in html
    assert 'name="kind" value="door_sign" id="kind-door_sign" checked' in html
    assert 'name="kind" value="seal" id="kind-seal">' in html
    # What the selection form sends: the orders, the kinds checked, and the way back.
    sent = {"order": [due.pk, fresh.pk], "kind": ["notice", "door_sign"], "next": LIST}
    r = c.post(pdf, sent)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    r = c.post(serve, sent)
    assert r.status_code == 302 and r.url == LIST
    served = OrderDocument.objects.filter(order__in=[due, fresh])
    assert sorted(served.values_list("kind", flat=True)) == ["door_sign"] * 2 + ["notice"] * 2
    assert "未送达：承诺书" in body(c.get(LIST))


def test_export_is_masked_and_logged(world, orders, client_for):
    c = client_for(world.users.commander)
    r = c.get(reverse("control:order_export"), {"grid": world.grid1.pk})
    assert r.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(r.streaming_content)))
    rows = book.get_sheet_by_index(0).to_python()
    text = "\n".join(" ".join(str(v) for v in row) for row in rows)
    assert "张伟" in text and "刘洋" not in text
    assert world.zhang.id_number not in text and world.zhang.phone not in text
    assert "138****0001" in text and "居家隔离" in text and "grid1_leader" in text
    log = AccessLog.objects.get(kind="export")
    assert log.actor == world.users.commander and log.rows == 1
    assert log.scope_path == world.grid1.path
    # Without EXPORT (a volunteer): refused; an outsider's export is empty.
    assert client_for(world.users.volunteer).get(reverse("control:order_export")).status_code == 403
    r = client_for(world.users.outsider).get(reverse("control:order_export"))
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(r.streaming_content)))
    assert "张伟" not in str(book.get_sheet_by_index(0).to_python())


def test_detail_reveals_on_request_and_logs_it(world, orders, client_for):
    due, fresh = orders
    c = client_for(world.users.grid_leader)
    r = c.get(url("order_detail", due))
    html = body(r)
    assert r.status_code == 200
    assert world.zhang.id_number not in html and "阳光小区 1号楼1单元101室" in html
    assert "可解除" in html or "已到期" in html
    assert not AccessLog.objects.filter(kind="view").exists()
    r = c.post(url("order_detail", due), {"reveal": "1"})
    assert world.zhang.id_number in body(r) and world.zhang.phone in body(r)
    log = AccessLog.objects.get(kind="view")
    assert log.actor == world.users.grid_leader and log.object_id == str(world.zhang.pk)
    r = c.post(url("order_detail", due), {"reveal": "1"}, HTTP_HX_REQUEST="true")
    assert r.templates[0].name == "control/orders/_identity.html"
    # Grid 2's order is not the grid leader's: 404, as for an outsider.
    assert c.get(url("order_detail", fresh)).status_code == 404
    assert client_for(world.users.outsider).get(url("order_detail", due)).status_code == 404
    assert client_for(world.users.outsider).post(url("order_detail", due)).status_code == 404


def test_extend(world, orders, client_for):
    due, fresh = orders
    c = client_for(world.users.commander)
    r = c.post(url("order_extend", fresh), {"days": "0", "reason": ""})
    assert "延长天数至少 1 天" in body(r) and "请填写延长原因" in body(r)
    r = c.post(url("order_extend", fresh), {"days": "7", "reason": "同住人员阳性"})
    assert r.status_code == 302 and r.url == url("order_detail", fresh)
    fresh.refresh_from_db()
    assert fresh.extended_days == 7
    assert fresh.ends_on == timezone.localdate() + dt.timedelta(days=13)
    assert FollowUp.objects.filter(order=fresh).count() == 14 * 3
    html = body(c.get(url("order_detail", fresh)))
    assert "延长记录" in html and "延长7天：同住人员阳性" in html


def test_release_on_the_end_date_records_the_door_sign_removed(world, orders, client_for):
    due, fresh = orders
    services_documents.serve([due], OrderDocument.Kind.DOOR_SIGN, actor=world.users.commander)
    services_documents.serve([due], OrderDocument.Kind.SEAL, actor=world.users.commander)
    c = client_for(world.users.grid_leader)
    page = body(c.get(url("order_release", due)))
    assert "提前解除" not in page and "隔离牌、封条" in page
    r = c.post(url("order_release", due), {"note": ""})
    assert r.status_code == 302 and r.url == url("order_detail", due)
    due.refresh_from_db()
    assert due.status == ControlOrder.Status.RELEASED
    docs = OrderDocument.objects.filter(order=due)
    assert all(d.removed_at is not None for d in docs)
    html = body(c.get(url("order_detail", due), follow=True))
    assert "已撤除" in html and "已解除" in html
    r = c.post(url("order_release", due), {"note": ""})
    assert "该措施已不在管控中" in body(r)


def test_early_release_needs_a_note(world, orders, client_for):
    due, fresh = orders
    c = client_for(world.users.commander)
    assert "提前解除" in body(c.get(url("order_release", fresh)))
    r = c.post(url("order_release", fresh), {"note": " "})
    assert r.status_code == 200 and "提前解除须注明依据" in body(r)
    fresh.refresh_from_db()
    assert fresh.status == ControlOrder.Status.ACTIVE
    r = c.post(
        url("order_release", fresh),
        {"note": "指挥部决定解除", "next": RELEASE_LIST},
    )
    assert r.status_code == 302 and r.url == RELEASE_LIST
    fresh.refresh_from_db()
    assert fresh.status == "released" and fresh.release_note == "指挥部决定解除"
    assert not FollowUp.objects.filter(order=fresh, due_at__gt=timezone.now()).exists()


def test_release_later_with_time_moved_forward(world, client_for):
    order = order_for(world, world.wang)
    later = timezone.now() + dt.timedelta(days=14)
    with mock.patch("django.utils.timezone.now", return_value=later):
        c = client_for(world.users.commander)
        assert "王芳" in body(c.get(RELEASE_LIST))
        r = c.post(url("order_release", order), {"note": ""})
        assert r.status_code == 302
    order.refresh_from_db()
    assert order.status == "released"


def test_cancel(world, orders, client_for):
    due, fresh = orders
    c = client_for(world.users.commander)
    r = c.post(url("order_cancel", fresh), {"reason": ""})
    assert "请填写撤销原因" in body(r)
    r = c.post(url("order_cancel", fresh), {"reason": "误录"})
    assert r.status_code == 302
    fresh.refresh_from_db()
    assert fresh.status == "cancelled" and fresh.release_note == "误录"
    assert "该措施已不在管控中，不能撤销" in body(c.get(url("order_cancel", fresh)))
    assert "不能延长" in body(c.get(url("order_extend", fresh)))


def test_a_volunteer_sees_but_cannot_change_and_an_outsider_gets_404(world, orders, client_for):
    due, fresh = orders
    volunteer = client_for(world.users.volunteer)
    assert volunteer.get(url("order_detail", due)).status_code == 200
    assert "order_release" not in body(volunteer.get(url("order_detail", due)))
    for name in ("order_extend", "order_release", "order_cancel"):
        assert volunteer.get(url(name, due)).status_code == 403
        assert volunteer.post(url(name, due), {"reason": "x", "days": 1}).status_code == 403
        outsider = client_for(world.users.outsider)
        assert outsider.get(url(name, due)).status_code == 404
        assert outsider.post(url(name, due), {"reason": "x", "days": 1}).status_code == 404
    due.refresh_from_db()
    assert due.status == "active" and due.extended_days == 0
    assert volunteer.post(RELEASE_LIST, {"order": [due.pk]}).status_code == 403


def test_the_release_list_per_grid_and_releasing_a_selection(world, client_for):
    today = timezone.localdate()
    zhang = order_for(world, world.zhang, starts_on=today - dt.timedelta(days=13))
    wang = order_for(world, world.wang, starts_on=today - dt.timedelta(days=20))
    liu = order_for(world, world.liu, starts_on=today - dt.timedelta(days=13))
    li = order_for(world, world.li)
    c = client_for(world.users.commander)
    r = c.get(RELEASE_LIST)
    assert listed(r) == ["王芳", "张伟", "刘洋"]  # by grid, then the earliest end
    html = body(r)
    assert "第一网格" in html and "第二网格" in html and "grid1_leader" in html
    assert "已过期 7 天" in html
    assert listed(c.get(RELEASE_LIST, {"grid": world.grid2.pk})) == ["刘洋"]
    ahead = (today + dt.timedelta(days=13)).isoformat()
    r = c.get(RELEASE_LIST, {"day": ahead})
    assert "李娜" in listed(r) and "未到期" in body(r)
    assert c.get(RELEASE_LIST, {"day": "not-a-date"}).status_code == 404
    assert listed(client_for(world.users.grid_leader).get(RELEASE_LIST)) == ["王芳", "张伟"]
    assert listed(client_for(world.users.outsider).get(RELEASE_LIST)) == []
    assert (
        client_for(world.users.outsider).get(RELEASE_LIST, {"grid": world.grid1.pk}).status_code
        == 404
    )

    # Release one with its own button, then a selection including one not yet due.
    r = c.post(RELEASE_LIST, {"one": liu.pk, "order": [zhang.pk]}, follow=True)
    liu.refresh_from_db()
    zhang.refresh_from_db()
    assert liu.status == "released" and zhang.status == "active"
    r = c.post(RELEASE_LIST, {"order": [zhang.pk, wang.pk, li.pk], "note": "期满"}, follow=True)
    html = body(r)
    assert "已解除 2 人的管控" in html and "李娜" in html and "期满后才能解除" in html
    zhang.refresh_from_db()
    li.refresh_from_db()
    assert zhang.status == "released" and zhang.release_note == "期满" and li.status == "active"
    assert listed(c.get(RELEASE_LIST)) == []
    r = c.post(RELEASE_LIST, {}, follow=True)
    assert "请先勾选要解除的人员" in body(r)
    # Someone else's order named in the selection is not released, and not revealed.
    other = order_for(world, world.other_person, actor=world.users.outsider, worker=None)
    r = c.post(RELEASE_LIST, {"order": [other.pk]}, follow=True)
    other.refresh_from_db()
    assert other.status == "active" and "吴敏" not in body(r)


def test_the_lists_do_not_query_per_row(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(world.users.commander)
    today = timezone.localdate()

    def count(name):
        c.get(reverse(name))  # warm the session and the user's scope
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(reverse(name)).status_code == 200
        return len(ctx.captured_queries)

    order_for(world, world.zhang, starts_on=today - dt.timedelta(days=13))
    one = {name: count(name) for name in ("control:order_list", "control:release_list")}
    for person in (world.wang, world.li, world.liu):
        order_for(world, person, starts_on=today - dt.timedelta(days=13))
    assert {name: count(name) for name in one} == one
