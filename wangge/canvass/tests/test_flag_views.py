"""Flagged people: the list per grid (names masked) with its filters, the commander's decision
(a reason required when it differs from the proposal), scoped to users who may change the
household, and the .xlsx export (masked, logged)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from wangge.canvass.models import Flag
from wangge.canvass.services import record_visit
from wangge.core.models import AccessLog

from .conftest import make_campaign

pytestmark = pytest.mark.django_db
LIST = "/canvass/flags/"


def visit(world, campaign, household, person, name, **answers):
    block = {"person": person.pk, "name": name, "left_city": "no", "contact": "none"}
    block.update(answers)
    record_visit(
        campaign,
        household,
        actor=world.users.commander,
        method="visit",
        outcome="answered",
        answers={"people_count": 1, "persons": [block]},
    )


@pytest.fixture
def flags(world):
    """张伟 (grid1) had contact with a case; 刘洋 (grid2) has a fever."""
    campaign = make_campaign(world)
    visit(world, campaign, world.h101, world.zhang, "张伟", contact="case")
    visit(world, campaign, world.h2_101, world.liu, "刘洋", symptoms=["fever"])
    zhang = Flag.objects.get(person=world.zhang)
    liu = Flag.objects.get(person=world.liu)
    return campaign, zhang, liu


def listed(response) -> list[str]:
    return [row.flag.person_name for row in response.context["rows"]]


def test_the_list_per_grid_masked(world, flags, client_for):
    campaign, zhang, liu = flags
    c = client_for(world.users.commander)
    assert reverse("canvass:flag_list") == LIST
    r = c.get(LIST)
    assert r.status_code == 200
    assert listed(r) == ["张伟", "刘洋"]
    html = r.content.decode()
    assert "张*" in html and "刘*" in html and "张伟" not in html and "刘洋" not in html
    assert "有接触史" in html and "接触史：与确诊病例接触" in html and "集中隔离" in html
    assert "赵网格" in html and "13700000001" in html and "阳光小区" in html
    assert campaign.name in html
    grids = [(area.name, n, undecided) for area, n, undecided in r.context["grids"]]
    assert grids == [("第一网格", 1, 1), ("第二网格", 1, 1)]
    # The grid leader sees their grid only.
    r = client_for(world.users.grid_leader).get(LIST)
    assert listed(r) == ["张伟"] and "第二网格" not in r.content.decode()
    assert listed(client_for(world.users.outsider).get(LIST)) == []


def test_filters(world, flags, client_for):
    campaign, zhang, liu = flags
    c = client_for(world.users.commander)
    assert listed(c.get(LIST, {"area": world.grid2.pk})) == ["刘洋"]
    assert listed(c.get(LIST, {"code": "contact"})) == ["张伟"]
    assert listed(c.get(LIST, {"q": "刘"})) == ["刘洋"]
    assert listed(c.get(LIST, {"campaign": campaign.pk, "decided": "no"})) == ["张伟", "刘洋"]
    assert listed(c.get(LIST, {"decided": "yes"})) == []
    other = make_campaign(world, name="另一次排查")
    assert listed(c.get(LIST, {"campaign": other.pk})) == []
    # A filter naming something not the user's is refused with a message, listing nothing.
    r = c.get(LIST, {"area": world.other_grid.pk})
    assert r.status_code == 200 and listed(r) == []
    assert "查询条件不正确" in r.content.decode()
    r = client_for(world.users.grid_leader).get(LIST, {"area": world.grid2.pk})
    assert listed(r) == [] and "查询条件不正确" in r.content.decode()


def test_decide_with_and_without_a_reason(world, flags, client_for):
    campaign, zhang, liu = flags
    c = client_for(world.users.commander)
    decide = reverse("canvass:flag_decide", args=[zhang.pk])
    r = c.get(decide)
    assert r.status_code == 200 and r.context["form"]["measure"].value() == "central_quarantine"
    # Differing from the proposal without a reason: refused, said why.
    r = c.post(decide, {"measure": "home_quarantine", "decision_note": " "})
    assert r.status_code == 200
    assert "与建议措施不同时请填写理由" in r.content.decode()
    zhang.refresh_from_db()
    assert not zhang.decided
    r = c.post(decide, {"measure": "teleport", "decision_note": ""})
    assert r.status_code == 200 and r.context["form"].errors["measure"]
    # With a reason.
    r = c.post(
        decide, {"measure": "home_quarantine", "decision_note": "独居老人，居家隔离", "next": "/x"}
    )
    assert r.status_code == 302 and r.url == LIST
    zhang.refresh_from_db()
    assert (zhang.measure, zhang.decision_note) == ("home_quarantine", "独居老人，居家隔离")
    assert zhang.decided_by == world.users.commander and zhang.decided_at is not None
    # The proposed measure needs no reason; `next` back to the filtered list is kept.
    back = f"{LIST}?area={world.grid2.pk}"
    r = c.post(reverse("canvass:flag_decide", args=[liu.pk]), {"measure": "testing", "next": back})
    assert r.status_code == 302 and r.url == back
    liu.refresh_from_db()
    assert liu.measure == "testing" and liu.decision_note == ""
    # Decided flags say who decided and when.
    r = c.get(LIST, {"decided": "yes"})
    assert listed(r) == ["张伟", "刘洋"]
    html = r.content.decode()
    assert "居家隔离" in html and "独居老人，居家隔离" in html and "commander_a" in html
    assert [undecided for _a, _n, undecided in r.context["grids"]] == [0, 0]


def test_who_may_decide(world, flags, client_for):
    campaign, zhang, liu = flags
    decide = reverse("canvass:flag_decide", args=[zhang.pk])
    body = {"measure": "central_quarantine"}
    for user in (world.users.outsider, world.users.nobody, world.users.volunteer):
        c = client_for(user)
        assert c.get(decide).status_code == 404, user
        assert c.post(decide, body).status_code == 404, user
    # The grid leader may decide in their grid, not in another.
    c = client_for(world.users.grid_leader)
    assert c.post(decide, body).status_code == 302
    assert c.post(reverse("canvass:flag_decide", args=[liu.pk]), body).status_code == 404
    liu.refresh_from_db()
    assert not liu.decided


def test_export_masked_and_logged(world, flags, client_for):
    c = client_for(world.users.commander)
    r = c.get(reverse("canvass:flag_export"), {"code": "contact"})
    assert r.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(r.streaming_content)))
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[1][:6] == ["网格", "住址", "姓名", "来源", "原因类别", "原因"]
    (row,) = rows[2:]
    assert row[:3] == ["第一网格", "阳光小区 1号楼1单元101室", "张*"]
    assert row[4:7] == ["有接触史", "接触史：与确诊病例接触", "集中隔离"]
    assert "张伟" not in str(rows)
    log = AccessLog.objects.get(kind="export")
    assert log.rows == 1 and log.actor == world.users.commander
    # Everything of the commander's, and nothing for a user who may not export.
    r = c.get(reverse("canvass:flag_export"))
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(r.streaming_content)))
    assert len(rows.get_sheet_by_index(0).to_python()) == 4
    assert (
        client_for(world.users.building_leader).get(reverse("canvass:flag_export")).status_code
        == 403
    )
    r = client_for(world.users.outsider).get(reverse("canvass:flag_export"))
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(r.streaming_content)))
    assert len(rows.get_sheet_by_index(0).to_python()) == 2


def test_flag_list_query_count_does_not_grow(
    world, flags, client_for, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    campaign, zhang, liu = flags
    c = client_for(world.users.commander)
    c.get(LIST)
    with CaptureQueriesContext(connection) as before:
        c.get(LIST)
    visit(world, campaign, world.h102, world.wang, "王芳", symptoms=["cough"], contact="close")
    visit(world, campaign, world.h201, world.li, "李娜", antigen="positive")
    with django_assert_max_num_queries(len(before)):
        r = c.get(LIST)
    assert len(r.context["rows"]) == 5
