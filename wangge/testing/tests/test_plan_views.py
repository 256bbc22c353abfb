"""Planning pages: the rounds list and hub, the forms, the schedule, call-down texts, the point
sheet and the door lists, for planners, grid leaders and outsiders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from wangge.people.models import SpecialGroup
from wangge.testing.models import DoorVisit, Round, Sample, ScheduleSlot, Tube
from wangge.testing.schedule import propose_schedule

from .plan_data import make_round, populate

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"testing:{name}", args=args)


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def proposed(world, round_):
    """round_ with wang immobile, the schedule proposed."""
    SpecialGroup.objects.create(person=world.wang, kind=SpecialGroup.Kind.IMMOBILE)
    round_.point.location = "阳光小区北门"
    round_.point.save()
    propose_schedule(round_.round, actor=world.users.commander)
    return round_


def test_round_list_in_scope_with_progress(world, round_, client_for):
    tube = Tube.objects.create(round=round_.round, barcode="T1", closed_at=dt.datetime.now(dt.UTC))
    Sample.objects.create(tube=tube, round=round_.round, person=world.zhang, scope_path="/x/")
    Sample.objects.create(
        tube=tube, round=round_.round, person=world.li, scope_path=world.li.scope_path
    )
    page = html(client_for(world.users.commander).get(url("round_list")))
    assert "第1轮" in page and url("round_detail", round_.round.pk) in page
    assert '<td class="text-end">5</td>' in page  # expected: the street's five residents
    assert '<td class="text-end">1</td>' in page  # sampled: li (zhang's sample is elsewhere)
    assert url("round_create") in page
    grid = html(client_for(world.users.grid_leader).get(url("round_list")))
    assert '<td class="text-end">4</td>' in grid  # grid1's four residents
    assert "第1轮" not in html(client_for(world.users.outsider).get(url("round_list")))
    volunteer = html(client_for(world.users.volunteer).get(url("round_list")))
    assert url("round_create") not in volunteer


def test_round_list_and_detail_query_counts(
    world, round_, client_for, django_assert_max_num_queries
):
    for n in range(2, 8):
        make_round(world, points=[(f"{n}号点", world.grid1, None)])
    c = client_for(world.users.commander)
    with django_assert_max_num_queries(10):
        html(c.get(url("round_list")))
    with django_assert_max_num_queries(14):
        html(c.get(url("round_detail", round_.round.pk)))


def test_create_round_by_web_and_bad_input(world, client_for):
    c = client_for(world.users.commander)
    form = {
        "area": world.street.pk,
        "date": "2022-04-12",
        "start_time": "07:00",
        "end_time": "18:00",
        "target": "all",
        "pool_size": "10",
        "slot_minutes": "20",
    }
    page = html(c.post(url("round_create"), {**form, "end_time": "06:00"}))
    assert "结束时间必须晚于开始时间" in page
    page = html(
        c.post(
            url("round_create"),
            {
                **form,
                "area": world.grid1.pk,
                "target": "buildings",
                "target_buildings": [world.b2.pk],
            },
        )
    )
    assert "2号楼 不在本轮检测区域（第一网格）内" in page
    assert "有效" in html(c.post(url("round_create"), {**form, "pool_size": "5"}))
    assert not Round.objects.exists()
    r = c.post(url("round_create"), form)
    rnd = Round.objects.get()
    assert r.status_code == 302 and r.url == url("round_detail", rnd.pk)
    assert rnd.number == 1 and rnd.created_by == world.users.commander
    assert client_for(world.users.volunteer).get(url("round_create")).status_code == 404
    # A grid leader may plan a round for their own grid only.
    g = client_for(world.users.grid_leader)
    assert g.post(url("round_create"), {**form, "area": world.grid1.pk}).status_code == 302
    assert "有效" in html(g.post(url("round_create"), {**form, "area": world.street.pk}))


def test_round_hub_links_every_part(world, proposed, client_for):
    rnd = proposed.round
    page = html(client_for(world.users.commander).get(url("round_detail", rnd.pk)))
    for link in (
        url("table", proposed.table.pk),
        url("missing", rnd.pk),
        url("antigen_households", rnd.pk),
        url("schedule", rnd.pk),
        url("callouts", rnd.pk),
        url("door_list", rnd.pk),
        url("point_sheet", proposed.point.pk),
        url("round_edit", rnd.pk),
        url("schedule_propose", rnd.pk),
    ):
        assert link in page, link
    grid = html(client_for(world.users.grid_leader).get(url("round_detail", rnd.pk)))
    assert url("table", proposed.table.pk) in grid and url("round_edit", rnd.pk) not in grid
    for user in (world.users.outsider, world.users.nobody):
        assert client_for(user).get(url("round_detail", rnd.pk)).status_code == 404


def test_edit_status_points_tables_teams(world, round_, client_for):
    c = client_for(world.users.commander)
    rnd, point = round_.round, round_.point
    data = {
        "date": "2022-04-10",
        "start_time": "08:00",
        "end_time": "17:00",
        "target": "all",
        "pool_size": "20",
        "slot_minutes": "30",
        "number": "1",
    }
    assert c.post(url("round_edit", rnd.pk), data).status_code == 302
    rnd.refresh_from_db()
    assert (rnd.pool_size, rnd.slot_minutes, rnd.start_time) == (20, 30, dt.time(8))
    c.post(url("round_status", rnd.pk), {"status": "active"})
    rnd.refresh_from_db()
    assert rnd.status == "active"
    r = c.post(
        url("point_create", rnd.pk),
        {"area": world.grid2.pk, "location": "东门", "leader_phone": "139-0000-2222"},
    )
    assert r.status_code == 302
    new = rnd.points.get(number=2)
    assert (new.name, new.leader_phone) == ("2号采样点", "13900002222")
    assert "每小时采样人数必须大于 0" in html(
        c.post(url("table_create", new.pk), {"rate_per_hour": "0"})
    )
    assert c.post(url("table_create", new.pk), {"rate_per_hour": "70"}).status_code == 302
    table = new.tables.get()
    assert c.post(url("table_edit", table.pk), {"rate_per_hour": "90"}).status_code == 302
    assert (
        c.post(url("point_edit", new.pk), {"area": world.grid2.pk, "name": "东门点"}).status_code
        == 302
    )
    r = c.post(url("team_create", rnd.pk), {"name": "上门二组", "area": world.grid2.pk})
    assert r.status_code == 302
    team = rnd.door_teams.get(name="上门二组")
    assert (
        c.post(url("team_edit", team.pk), {"name": "二组", "area": world.grid2.pk}).status_code
        == 302
    )
    assert "确定删除" in html(c.get(url("table_delete", table.pk)))
    for name, obj in (("table_delete", table), ("team_delete", team), ("point_delete", new)):
        assert c.post(url(name, obj.pk)).status_code == 302
    assert rnd.points.count() == 1 and rnd.door_teams.count() == 1
    # Seeing the round is not planning it.
    g = client_for(world.users.grid_leader)
    for name, pk in (
        ("round_edit", rnd.pk),
        ("point_edit", point.pk),
        ("table_edit", round_.table.pk),
        ("team_edit", round_.team.pk),
    ):
        assert g.get(url(name, pk)).status_code == 404


def test_schedule_page_propose_and_move(world, round_, client_for):
    c = client_for(world.users.commander)
    rnd = round_.round
    r = c.post(url("schedule_propose", rnd.pk))
    assert r.status_code == 302 and r.url == url("schedule", rnd.pk)
    page = html(c.get(url("schedule", rnd.pk)))
    assert "07:00–07:20" in page and "阳光小区 1号楼 1单元" in page
    slot = ScheduleSlot.objects.get(round=rnd, unit=world.u21)
    assert "调整" in page and url("slot_move", slot.pk) in page
    assert "时间须在" in html(
        c.post(url("slot_move", slot.pk), {"point": round_.point.pk, "start": "05:00"})
    )
    r = c.post(url("slot_move", slot.pk), {"point": round_.point.pk, "start": "09:00"})
    assert r.status_code == 302
    slot.refresh_from_db()
    assert (
        slot.adjusted
        and dt.time(9) == slot.starts_at.astimezone(dt.timezone(dt.timedelta(hours=8))).time()
    )
    grid = html(client_for(world.users.grid_leader).get(url("schedule", rnd.pk)))
    assert "1号楼" in grid and "2号楼" not in grid and url("slot_move", slot.pk) not in grid
    assert (
        client_for(world.users.grid_leader).post(url("schedule_propose", rnd.pk)).status_code == 404
    )


def test_overflow_shown_on_the_schedule(world, client_for):
    populate(world, buildings=3, units=2, households=4, people=2)
    rnd = make_round(world, tables=(30,), start_time=dt.time(8), end_time=dt.time(8, 40))
    propose_schedule(rnd, actor=world.users.commander)
    page = html(client_for(world.users.commander).get(url("schedule", rnd.pk)))
    assert "个单元没有排上时段" in page


def test_callouts_texts_copy_and_notified(world, proposed, client_for):
    rnd = proposed.round
    c = client_for(world.users.grid_leader)
    page = html(c.get(url("callouts", rnd.pk)))
    assert "1号楼1单元 07:00–07:20 请到1号采样点（阳光小区北门）做核酸，带好身份证/手机" in page
    assert "第一网格" in page and "第二网格" not in page  # only the grid leader's grid
    assert 'data-copy="text-' in page and "<textarea" in page
    slot = ScheduleSlot.objects.get(round=rnd, unit=world.u11)
    assert slot.expected == 2  # wang is on the door list
    back = url("callouts", rnd.pk) + f"?grid={world.grid1.pk}"
    r = c.post(url("slot_notified", slot.pk), {"next": back})
    assert r.status_code == 302 and r.url == back
    slot.refresh_from_db()
    assert slot.notified_at is not None
    c.post(url("slot_notified", slot.pk), {"undo": "1", "next": "https://evil.example/"})
    slot.refresh_from_db()
    assert slot.notified_at is None
    other = ScheduleSlot.objects.get(round=rnd, unit=world.u21)
    assert c.post(url("slot_notified", other.pk)).status_code == 404  # grid2's unit


def test_point_sheet_prints_slots_tables_and_leaders(world, proposed, client_for):
    proposed.table.leader_name = "周台长"
    proposed.table.save()
    page = html(client_for(world.users.commander).get(url("point_sheet", proposed.point.pk)))
    assert "@media print" in page and "size: A4" in page
    assert "周台长" in page and "07:00–07:20" in page and "阳光小区 1号楼 1单元（2）" in page
    assert (
        client_for(world.users.outsider).get(url("point_sheet", proposed.point.pk)).status_code
        == 404
    )


def test_door_list_masked_grouped_and_reassigned(world, proposed, client_for):
    rnd = proposed.round
    c = client_for(world.users.commander)
    page = html(c.get(url("door_list", rnd.pk)))
    assert "王*" in page and "王芳" not in page and "138****0003" in page
    assert reverse("people:person_detail", args=[world.wang.pk]) in page
    assert "上门一组" in page and "阳光小区 1号楼" in page
    visit = DoorVisit.objects.get(round=rnd)
    assert visit.team == proposed.team
    assert c.post(url("visit_team", visit.pk), {"team": ""}).status_code == 302
    visit.refresh_from_db()
    assert visit.team is None
    assert "王*" in html(c.get(url("door_list", rnd.pk) + "?team=none"))
    assert "王*" not in html(c.get(url("door_list", rnd.pk) + f"?team={proposed.team.pk}"))
    g = client_for(world.users.grid_leader)
    assert "王*" in html(g.get(url("door_list", rnd.pk)))
    assert g.post(url("visit_team", visit.pk), {"team": proposed.team.pk}).status_code == 404
