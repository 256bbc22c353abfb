"""The review queue, the merged list, one person, the CDC export and the hand-over, as pages."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from wangge.control.models import ControlOrder
from wangge.core.models import AccessLog
from wangge.tracing.models import ContactPerson, MatchPair

from .fixtures_review import DAY, SUN_ID, scenario

pytestmark = pytest.mark.django_db


def text(r) -> str:
    return r.content.decode()


def test_review_shows_the_best_pending_pair_masked(world, client_for):
    s = scenario(world)
    r = client_for(world.users.commander).get(reverse("tracing:review"))
    assert r.status_code == 200
    body = text(r)
    assert f'data-pair="{s.p_sun.pk}"' in body
    assert "孙七" in body and "孙7" in body and "93%" in body
    assert SUN_ID not in body and SUN_ID[:4] + "*" in body
    assert "13611110007" not in body and "136****0007" in body
    assert "市疾控" in body and "第 2 行" in body
    assert "待核对 2 对" in body and "稍后再定 1 对" in body
    assert "同一人" in body and "不是同一人" in body and "稍后再定" in body


def test_review_of_a_registry_pair_and_the_later_ones(world, client_for):
    s = scenario(world)
    c = client_for(world.users.commander)
    body = text(c.get(reverse("tracing:review"), {"pair": s.p_zhao.pk}))
    assert "王芳" in body and "登记人员" in body and "阳光小区 1号楼 › 1单元 › 102室" in body
    MatchPair.objects.filter(pk__in=[s.p_sun.pk, s.p_zhao.pk]).update(status="distinct")
    body = text(c.get(reverse("tracing:review")))
    assert f'data-pair="{s.p_later.pk}"' in body and "曾标记稍后再定" in body
    MatchPair.objects.filter(pk=s.p_later.pk).update(status="merged")
    assert "没有待核对的配对" in text(c.get(reverse("tracing:review")))


def test_reveal_needs_change_and_is_logged(world, client_for):
    s = scenario(world)
    url = reverse("tracing:review_reveal", args=[s.p_sun.pk])
    r = client_for(world.users.commander).post(url)
    assert r.status_code == 200 and SUN_ID in text(r) and "13611110007" in text(r)
    log = AccessLog.objects.get(model="tracing.matchpair", object_id=str(s.p_sun.pk))
    assert log.fields == "id_number,phone" and log.actor == world.users.commander
    assert client_for(world.users.volunteer).post(url).status_code in (403, 404)
    page = text(client_for(world.users.volunteer).get(reverse("tracing:review")))
    assert SUN_ID not in page


def test_decide_needs_change_and_a_valid_decision(world, client_for):
    s = scenario(world)
    url = reverse("tracing:review_decide", args=[s.p_sun.pk])
    assert client_for(world.users.volunteer).post(url, {"decision": "merged"}).status_code in (
        403,
        404,
    )
    r = client_for(world.users.commander).post(url, {"decision": "maybe"}, follow=True)
    assert "核对结果不正确" in text(r)
    assert MatchPair.objects.get(pk=s.p_sun.pk).status == "pending"


def test_decisions_through_the_page(world, client_for):
    pytest.importorskip("wangge.tracing.services_decisions")
    s = scenario(world)
    c = client_for(world.users.commander)
    r = c.post(reverse("tracing:review_decide", args=[s.p_sun.pk]), {"decision": "later"})
    assert r.status_code == 302
    assert MatchPair.objects.get(pk=s.p_sun.pk).status == "later"
    body = text(c.get(reverse("tracing:review")))
    assert f'data-pair="{s.p_zhao.pk}"' in body
    c.post(reverse("tracing:review_decide", args=[s.p_zhao.pk]), {"decision": "distinct"})
    assert MatchPair.objects.get(pk=s.p_zhao.pk).status == "distinct"
    # the later ones come back, in the order they were put aside
    body = text(c.get(reverse("tracing:review")))
    assert f'data-pair="{s.p_later.pk}"' in body
    c.post(reverse("tracing:review_decide", args=[s.p_later.pk]), {"decision": "later"})
    assert f'data-pair="{s.p_sun.pk}"' in text(c.get(reverse("tracing:review")))
    r = c.post(reverse("tracing:review_decide", args=[s.p_sun.pk]), {"decision": "merged"})
    assert MatchPair.objects.get(pk=s.p_sun.pk).status == "merged"
    assert ContactPerson.objects.filter(pk__in=[s.sun.pk, s.sun2.pk]).count() == 1


def test_merged_list_counts_badges_and_filters(world, client_for):
    s = scenario(world)
    c = client_for(world.users.commander)
    body = text(c.get(reverse("tracing:merged")))  # the latest list's day by default
    assert "今日名单 5 人，新增 4 人，已管控 1 人，待核对 3 对" in body
    assert body.count(">新增</span>") == 4
    assert re.search(rf'data-person="{s.li.pk}".*?已管控', body, re.S)
    assert "第一网格 › 阳光小区 1号楼 › 1单元 › 101室" in body
    assert "未匹配到登记住户" in body
    assert "市疾控（04-01）" in body and "北京路派出所（04-02）" in body
    assert SUN_ID not in body and "136****0007" in body
    body = text(c.get(reverse("tracing:merged"), {"day": "2022-04-01"}))
    assert "赵六" in body and "孙七" not in body and ">新增</span>" in body
    body = text(c.get(reverse("tracing:merged"), {"day": "2022-04-02", "new": "on"}))
    assert "赵六" not in body and "孙七" in body
    body = text(c.get(reverse("tracing:merged"), {"measure": "yes"}))
    assert "李娜" in body and "孙七" not in body
    body = text(c.get(reverse("tracing:merged"), {"q": "0007"}))
    assert "孙七" in body and "张伟" not in body
    body = text(c.get(reverse("tracing:merged"), {"day": "2022-13-01"}))
    assert "日期格式应为" in body
    body = text(c.get(reverse("tracing:merged"), {"day": "2022-03-01"}))
    assert "这一天没有符合条件的人员" in body


def test_merged_detail_shows_provenance_masked_and_reveal_is_logged(world, client_for):
    s = scenario(world)
    c = client_for(world.users.commander)
    body = text(c.get(reverse("tracing:merged_detail", args=[s.sun.pk])))
    assert "市疾控0402.xlsx" in body and "第 2 行" in body and "北京路18号" in body
    assert SUN_ID not in body and "13611110007" not in body
    assert AccessLog.objects.filter(model="tracing.contactperson", kind="view").exists()
    r = c.post(reverse("tracing:merged_reveal", args=[s.sun.pk]))
    assert SUN_ID in text(r) and "13611110007" in text(r)
    assert AccessLog.objects.filter(fields="id_number,phone,raw").count() == 1
    v = client_for(world.users.volunteer)
    assert v.post(reverse("tracing:merged_reveal", args=[s.zhang.pk])).status_code == 403


def test_export_in_the_cdc_layout(world, client_for):
    s = scenario(world)
    r = client_for(world.users.commander).get(reverse("tracing:merged_export"), {"day": DAY})
    assert r.status_code == 200
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(b"".join(r.streaming_content)))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert rows[1] == [
        "序号", "姓名", "性别", "身份证号", "联系电话", "现住址",
        "所属网格", "名单类型", "来源", "首次出现日期", "是否已管控", "备注",
    ]  # fmt: skip
    by_name = {row[1]: row for row in rows[2:]}
    assert set(by_name) == {"孙七", "孙7", "张伟", "李娜", "赵六"}
    sun = by_name["孙七"]
    assert sun[2:5] == ["男", SUN_ID, "13611110007"]
    assert sun[5:10] == ["北京路18号", "北京路街道", "密接", "市疾控（04-02）", "2022-04-02"]
    assert sun[10:] == ["否", "已电话通知"]
    assert by_name["张伟"][5] == "阳光小区 1号楼1单元101室" and by_name["张伟"][6] == "第一网格"
    assert by_name["李娜"][10] == "是"
    assert [row[0] for row in rows[2:]] == [1, 2, 3, 4, 5]
    log = AccessLog.objects.get(kind="export")
    assert log.rows == 5 and log.actor == world.users.commander
    assert s.sun.pk


def test_export_needs_export(world, client_for):
    scenario(world)
    r = client_for(world.users.volunteer).get(reverse("tracing:merged_export"), {"day": DAY})
    assert r.status_code == 404


def test_handover_confirm_then_place(world, client_for):
    scenario(world)
    c = client_for(world.users.commander)
    r = c.get(reverse("tracing:handover"), {"day": "2022-04-02"})
    body = text(r)
    assert r.status_code == 200 and "共 3 人" in body
    assert "孙七" in body and "李娜" not in body and "尚未登记，将先登记到人员库" in body
    assert SUN_ID not in body
    r = c.post(reverse("tracing:handover"), {"day": "2022-04-02"})
    body = text(r)
    assert "已下达 3 人" in body and "未下达 0 人" in body
    assert ControlOrder.objects.filter(source="contact_list").count() == 3
    assert ContactPerson.objects.filter(handed_over_at__isnull=False).count() == 3


def test_handover_of_a_selection_reports_the_refused(world, client_for):
    s = scenario(world)
    c = client_for(world.users.commander)
    r = c.post(
        reverse("tracing:handover"),
        {"person": [s.sun.pk, s.li.pk], "order_type": "", "day": "2022-04-02"},
    )
    body = text(r)
    assert "已下达 1 人" in body and "未下达 1 人" in body and "已在管控中" in body
    assert "孙七" in body and "集中隔离" in body
    r = c.post(reverse("tracing:handover"), {})
    assert r.status_code == 422 and "请勾选要移交的人员" in text(r)
    assert client_for(world.users.volunteer).post(reverse("tracing:handover")).status_code == 403
    # someone else's people: not found
    r = client_for(world.users.outsider).post(reverse("tracing:handover"), {"person": [s.sun.pk]})
    assert r.status_code == 404
