"""The daily letter: drafted from the figures (frozen report row first, else live), only the
parts whose figures exist, edited, saved, printed; scope."""

from __future__ import annotations

import datetime as dt
import io

from django.urls import reverse
from django.utils import timezone

from wangge.command import letters
from wangge.command.models import DailyReport, Letter, ReportArea

from .fixtures_residents import make_letter, make_request


def test_draft_from_live_figures(world):
    make_request(world.h101)
    make_request(world.h102)
    d = letters.draft(world.grid1)
    assert d["title"] == "致第一网格居民的一封信"
    assert "各位居民朋友" in d["body"]
    assert "诉求待分派 2" in d["body"]  # support.new of grid1, live
    assert "13700000001" in d["body"]  # the grid leader as the hotline
    assert "实时数据" in d["source"]


def test_draft_prefers_the_frozen_report_and_skips_missing_parts(world):
    now = timezone.now()
    report = DailyReport.objects.create(
        day=timezone.localdate(), cut_off_at=now, as_of=now, frozen_at=now
    )
    ReportArea.objects.create(
        report=report,
        area=world.street,
        level=world.street.level,
        figures={"support.done": 41, "support.new": 3},
    )
    d = letters.draft(world.street, at=now + dt.timedelta(minutes=1), hotline="12345")
    assert "今日诉求已办结 41" in d["body"] and "诉求待分派 3" in d["body"]
    assert "诉求超时未办" not in d["body"]  # not in the frozen row
    assert "核酸检测进展" not in d["body"]  # no testing figure
    assert "保障热线 12345" in d["body"] and "冻结" in d["source"]


def test_create_edit_print(world, client_for):
    from pypdf import PdfReader

    make_request(world.h101)
    c = client_for(world.users.grid_leader)
    page = c.get(reverse("command:letter_create"), {"area": world.grid1.pk}).content.decode()
    assert "诉求待分派 1" in page
    r = c.post(
        reverse("command:letter_create"),
        {"area": world.grid1.pk, "title": "致居民", "body": "各位居民：\n大家辛苦了。"},
    )
    letter = Letter.objects.get()
    assert r.status_code == 302 and letter.scope_path == world.grid1.path
    bad = c.post(reverse("command:letter_edit", args=[letter.pk]), {"title": "", "body": "x"})
    assert "请填写标题" in bad.content.decode()
    c.post(
        reverse("command:letter_edit", args=[letter.pk]), {"title": "致居民（改）", "body": "新"}
    )
    letter.refresh_from_db()
    assert letter.title == "致居民（改）"
    html = c.get(reverse("command:letter_print", args=[letter.pk])).content.decode()
    assert "致居民（改）" in html
    pdf = c.get(reverse("command:letter_print", args=[letter.pk]), {"format": "pdf"})
    assert len(PdfReader(io.BytesIO(pdf.content)).pages) == 1


def test_grid_leader_cannot_write_for_the_street(world, client_for):
    c = client_for(world.users.grid_leader)
    assert c.get(reverse("command:letter_create"), {"area": world.street.pk}).status_code == 404
    r = c.post(
        reverse("command:letter_create"), {"area": world.street.pk, "title": "x", "body": "y"}
    )
    assert r.status_code == 404 and not Letter.objects.exists()


def test_outsider_gets_404(world, client_for):
    letter = make_letter(world)
    c = client_for(world.users.outsider)
    for name in ("command:letter_detail", "command:letter_edit", "command:letter_print"):
        assert c.get(reverse(name, args=[letter.pk])).status_code == 404
    assert c.get(reverse("command:letter_create"), {"area": world.grid1.pk}).status_code == 404
