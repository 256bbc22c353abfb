"""Dispatch services: assigning and its refusals, routes from a building's requests, the
buildings' groups, and the overdue requests per grid."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wangge.core.models import ChangeLog
from wangge.support import services_board as board_svc
from wangge.support import services_dispatch as svc
from wangge.support.models import SupportRequest
from wangge.workforce.models import Worker

from .fixtures_dispatch import make_request, make_worker


@pytest.fixture
def workers(world):
    return {
        "grid1": make_worker(world.grid1, "甲网格员", "13611110001", kind=Worker.Kind.GRID),
        "grid2": make_worker(world.grid2, "乙网格员", "13611110002", kind=Worker.Kind.GRID),
        "street": make_worker(world.street, "丙干部", "13611110003"),
        "inactive": make_worker(world.grid1, "丁退出", "13611110004", status="inactive"),
        "red": make_worker(world.grid1, "戊红码", "13611110005", health="red"),
    }


def test_assign_sets_worker_time_and_status(world, workers):
    req = make_request(world.h101)
    svc.assign(req, actor=world.users.grid_leader, worker=workers["grid1"])
    req.refresh_from_db()
    assert req.status == SupportRequest.Status.ASSIGNED
    assert req.worker == workers["grid1"]
    assert req.assigned_at is not None
    assert ChangeLog.objects.filter(object_id=str(req.pk), action="update").exists()
    # Re-assigning an assigned request to a street cadre is allowed.
    svc.assign(req, actor=world.users.commander, worker=workers["street"])
    req.refresh_from_db()
    assert req.worker == workers["street"]


@pytest.mark.parametrize("status", ["closed", "cancelled", "accepted", "on_way", "delivered"])
def test_assign_refuses_requests_past_assignment(world, workers, status):
    req = make_request(world.h101, status=status)
    with pytest.raises(ValidationError):
        svc.assign(req, actor=world.users.commander, worker=workers["grid1"])
    req.refresh_from_db()
    assert req.status == status and req.worker is None


@pytest.mark.parametrize("who", ["grid2", "inactive", "red"])
def test_assign_refuses_a_worker_outside_the_area_or_not_available(world, workers, who):
    req = make_request(world.h101)
    with pytest.raises(ValidationError) as exc:
        svc.assign(req, actor=world.users.commander, worker=workers[who])
    assert "worker" in exc.value.message_dict
    req.refresh_from_db()
    assert req.status == "new"


def test_assign_needs_a_worker_or_route_and_scope(world, workers):
    req = make_request(world.h101)
    with pytest.raises(ValidationError, match="请选择承办人或配送路线"):
        svc.assign(req, actor=world.users.commander)
    for user in (world.users.volunteer, world.users.outsider, world.users.nobody):
        with pytest.raises(PermissionDenied):
            svc.assign(req, actor=user, worker=workers["grid1"])


def test_assign_to_a_route_gives_its_worker(world, workers):
    first = make_request(world.h101)
    route = svc.make_route([first], actor=world.users.commander, worker=workers["grid1"])
    req = make_request(world.h102)
    svc.assign(req, actor=world.users.commander, route=route)
    req.refresh_from_db()
    assert req.route == route and req.worker == workers["grid1"]
    # A grid1 route is not for a grid2 household.
    other = make_request(world.h2_101)
    with pytest.raises(ValidationError):
        svc.assign(other, actor=world.users.commander, route=route)


def test_make_route_from_a_building(world, workers):
    reqs = [make_request(world.h101), make_request(world.h102), make_request(world.h201)]
    route = svc.make_route(reqs, actor=world.users.grid_leader, worker=workers["grid1"])
    assert route.area == world.grid1 and route.worker == workers["grid1"]
    assert "1号楼" in route.name and "3 户" in route.name
    assert set(route.requests.values_list("status", flat=True)) == {"assigned"}
    order = [r.household for r in svc.delivery_order(route)]
    assert order == [world.h101, world.h102, world.h201]  # unit 1 floor 1, then unit 2
    # Across two grids the route lives in their community.
    across = svc.make_route(
        [make_request(world.h101), make_request(world.h2_101)],
        actor=world.users.commander,
        worker=workers["street"],
    )
    assert across.area == world.community


def test_make_route_refusals(world, workers):
    medicine = make_request(world.h101, "medicine")
    with pytest.raises(ValidationError, match="不能批量配送"):
        svc.make_route([medicine], actor=world.users.commander, worker=workers["grid1"])
    with pytest.raises(ValidationError):
        svc.make_route([], actor=world.users.commander, worker=workers["grid1"])
    grocery = make_request(world.h2_101)
    with pytest.raises(ValidationError):  # a grid1 worker for a grid2 household
        svc.make_route([grocery], actor=world.users.commander, worker=workers["grid1"])
    with pytest.raises(PermissionDenied):  # the grid leader's scope is grid1 only
        svc.make_route([grocery], actor=world.users.grid_leader, worker=workers["street"])
    assert not SupportRequest.objects.exclude(route=None).exists()


def test_building_groups(world, workers):
    for hh in (world.h101, world.h101, world.h102, world.h201, world.h2_101):
        make_request(hh, priority=hh == world.h102)
    make_request(world.h101, "medicine")  # not routable
    make_request(world.h101, status="closed")  # not open
    routed = make_request(world.h201)
    svc.make_route([routed], actor=world.users.commander, worker=workers["grid1"])
    groups = svc.building_groups(world.users.commander)
    assert [(g.building, g.count) for g in groups] == [(world.b1, 4), (world.b2, 1)]
    b1 = groups[0]
    assert b1.households == 3 and b1.priority == 1 and b1.grid == "第一网格"
    assert [(g.building, g.count) for g in svc.building_groups(world.users.grid_leader)] == [
        (world.b1, 4)
    ]
    assert svc.building_groups(world.users.outsider) == []


def test_overdue_per_grid_equals_the_list(world, workers):
    make_request(world.h101, due_in_minutes=-30)
    make_request(world.h102, "medicine", due_in_minutes=-200, medicine_name="胰岛素")
    make_request(world.h2_101, due_in_minutes=-5, status="accepted")
    make_request(world.h201, due_in_minutes=30)  # not yet due
    make_request(world.h201, due_in_minutes=-30, status="delivered")  # done
    lines, total = board_svc.grid_lines(world.users.commander, keys=("overdue",))
    items = list(board_svc.overdue_items(world.users.commander))
    assert total.overdue == len(items) == 3
    per_grid = {line.label: line.overdue for line in lines}
    assert per_grid == {"第一网格": 2, "第二网格": 1}
    assert lines[0].label == "第一网格"  # the most overdue first
    assert lines[0].leader_name == "赵网格"
    by_grid = {}
    for item in items:
        by_grid[item.grid] = by_grid.get(item.grid, 0) + 1
    assert by_grid == per_grid
    assert {i.name for i in items} == {"张*", "王*", "刘*"}
    assert any("胰岛素" in i.detail for i in items)
    assert list(board_svc.overdue_items(world.users.outsider)) == []
    assert board_svc.overdue(world.users.grid_leader).count() == 2
