"""The printed paperwork read back from the PDF: one page per order per kind, the names, dates
and days remaining on them, the door sign showing the name masked; the PDF view printing only
orders the user may see, refusing bad input with a message, and logging every PDF.

Drawing a PDF takes a while: these tests draw four in all."""

from __future__ import annotations

import datetime as dt
import io
import re
from urllib.parse import unquote

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone

from wangge.control.documents import RELATED, cn_date, render_pdf
from wangge.control.models import ControlOrder, OrderDocument
from wangge.core.models import AccessLog

pytestmark = pytest.mark.django_db

PDF = reverse("control:documents_pdf")
PENDING = reverse("control:documents_pending")


def pages(pdf: bytes) -> list[str]:
    """Each page's text with the white space taken out (line breaks fall anywhere)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [re.sub(r"\s+", "", page.extract_text()) for page in reader.pages]


def test_render_pdf_one_page_per_order_per_kind(world, orders):
    zhang, liu, _other = orders
    day = zhang.starts_on + dt.timedelta(days=3)
    qs = ControlOrder.objects.filter(pk__in=[zhang.pk, liu.pk]).select_related(*RELATED)
    pdf = render_pdf(
        sorted(qs, key=lambda o: o.pk), ["door_sign", "notice", "commitment"], at_day=day
    )
    assert pdf.startswith(b"%PDF")
    text = pages(pdf)
    assert len(text) == 2 * 3
    notice, commitment, sign = text[:3]
    start, end = cn_date(zhang.starts_on), cn_date(zhang.ends_on)
    # The notice: the person in full with the ID masked, the measure, the address, the dates,
    # the worker and the community, signed and dated.
    assert notice.startswith("居家隔离告知书")
    assert "张伟" in notice and world.zhang.id_number not in notice
    assert world.zhang.id_number[:4] + "**********" + world.zhang.id_number[-4:] in notice
    assert "阳光小区1号楼1单元101室" in notice
    assert start in notice and end in notice and "共14天" in notice
    assert "马社工" in notice and "13611112222" in notice
    assert "北京路街道兴华社区" in notice and cn_date(day) in notice
    assert "每日早晚各测量一次体温" in notice and "被告知人（签字）" in notice
    # The commitment form: the person commits for the period, signs and dates.
    assert commitment.startswith("居家隔离承诺书") and "张伟" in commitment
    assert start in commitment and end in commitment and "承诺人（签字）" in commitment
    # The door sign: name masked, measure, start, end, days remaining, the worker's phone.
    assert sign.startswith("居家隔离")
    assert "张*" in sign and "张伟" not in sign and world.zhang.id_number[-4:] not in sign
    assert start in sign and end in sign
    assert f"剩余{zhang.days_remaining(day)}天" in sign and zhang.days_remaining(day) == 11
    assert "13611112222" in sign and "兴华社区" in sign
    # Central quarantine: the notice's rules are the site's; no worker: the blanks stay.
    assert text[3].startswith("集中隔离告知书") and "服从隔离点统一管理" in text[3]
    assert "刘*" in text[5] and "刘洋" not in text[5]
    assert f"剩余{liu.days_remaining(day)}天" in text[5]
    with pytest.raises(ValueError):
        render_pdf(list(qs), ["seal"], at_day=day)
    with pytest.raises(ValueError):
        render_pdf([], ["notice"], at_day=day)


def test_the_pdf_of_a_selection_leaves_out_what_the_user_may_not_see(world, orders, client_for):
    zhang, liu, other = orders
    c = client_for(world.users.commander)
    day = timezone.localdate() + dt.timedelta(days=1)
    r = c.post(
        PDF,
        {
            "order": [str(zhang.pk), str(other.pk), "x", str(liu.pk), str(zhang.pk)],
            "kind": ["door_sign", "notice"],
            "day": day.isoformat(),
        },
    )
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    disposition = unquote(r["Content-Disposition"])
    assert "管控文书（告知书、隔离牌）2人" in disposition and disposition.endswith(".pdf")
    text = pages(r.content)
    assert len(text) == 2 * 2
    assert "吴敏" not in "".join(text) and "吴*" not in "".join(text)
    assert text[0].startswith("居家隔离告知书") and "张伟" in text[0]
    assert f"剩余{zhang.days_remaining(day)}天" in text[1] and "张*" in text[1]
    assert text[2].startswith("集中隔离告知书") and "刘洋" in text[2]
    log = AccessLog.objects.get(kind="print")
    assert log.actor == world.users.commander and log.rows == 2
    assert log.scope_path == world.community.path
    # The grid leader of grid 1 may not print 刘洋 (grid 2); the outsider none of them.
    assert client_for(world.users.grid_leader).get(PDF, {"order": liu.pk}).status_code == 404
    outsider = client_for(world.users.outsider)
    assert outsider.get(PDF, {"order": [zhang.pk, liu.pk]}).status_code == 404
    assert AccessLog.objects.filter(kind="print").count() == 1


def test_bad_requests_get_a_message_and_no_pdf(world, orders, client_for):
    zhang, _liu, _other = orders
    c = client_for(world.users.commander)
    cases = [
        ({"order": zhang.pk, "kind": "poster"}, "文书类别不正确：poster"),
        ({"order": zhang.pk, "kind": "seal"}, "封条无需打印"),
        ({"order": zhang.pk, "day": "2022-13-01"}, "日期格式不正确"),
        ({"kind": "notice"}, "请先选择要打印文书的管控人员"),
    ]
    for query, message in cases:
        r = c.get(PDF, query, follow=True)
        assert r.redirect_chain[0][0] == PENDING, query
        assert message in r.content.decode(), query
    # Back to the page the request came from, never elsewhere.
    back = reverse("control:order_documents", args=[zhang.pk])
    r = c.get(PDF, {"order": zhang.pk, "kind": "x", "next": back})
    assert r.status_code == 302 and r.url == back
    r = c.get(PDF, {"order": zhang.pk, "kind": "x", "next": "https://evil.example/"})
    assert r.url == PENDING
    assert not AccessLog.objects.filter(kind="print").exists()


def test_print_every_pending_order_of_a_grid(world, orders, client_for):
    zhang, liu, _other = orders
    c = client_for(world.users.commander)
    OrderDocument.objects.create(order=liu, kind="notice", served_at=timezone.now())
    # 刘洋's notice is served (a central quarantine needs no door sign): only 张伟 is pending.
    r = c.get(PDF, {"pending": "1"})
    assert r.status_code == 200
    text = pages(r.content)
    assert len(text) == 3
    assert "张伟" in text[0] and "张*" in text[2]
    assert f"剩余{zhang.days_remaining(timezone.localdate())}天" in text[2]
    assert AccessLog.objects.get(kind="print").rows == 1
    # Nothing pending in grid 2: a message, no PDF. A grid not the user's: 404.
    r = c.get(PDF, {"pending": "1", "grid": world.grid2.pk}, follow=True)
    assert "没有待送达文书的管控人员" in r.content.decode()
    gl = client_for(world.users.grid_leader)
    assert gl.get(PDF, {"pending": "1", "grid": world.grid2.pk}).status_code == 404
    assert client_for(world.users.nobody).get(PDF, {"pending": "1"}).status_code == 302
    assert AccessLog.objects.filter(kind="print").count() == 1
