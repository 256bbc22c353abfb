"""Every figure equals the count of its operation's list for each grid at `at`, from both
`Figure.count` and `compute`; the other street never counts in world.street."""

from __future__ import annotations

import pytest

from wangge.canvass import coverage
from wangge.checkpoints.models import Checkpoint
from wangge.checkpoints.services_board import totals_by_checkpoint
from wangge.command import figures_control, figures_workforce
from wangge.command.figures import by_key, compute
from wangge.control import left
from wangge.control.services_followups import overdue
from wangge.support.services_board import grid_lines
from wangge.testing import whoisleft
from wangge.workforce import services_left

from .fixtures_figures import (
    DAY,
    NOW,
    clock,  # noqa: F401
    make_arrivals,
    make_canvass,
    make_control,
    make_passages,
    make_roster,
    make_support,
    make_testing,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def check(world, expected: dict[str, dict[str, int]], at=NOW):
    """expected: {figure key: {grid path: the list's count}}; grids not given count 0."""
    computed = compute(at, [by_key()[k] for k in expected])
    for key, per_grid in expected.items():
        figure = by_key()[key]
        for grid in (world.grid1, world.grid2):
            want = per_grid.get(grid.path, 0)
            assert figure.count(at, grid.path) == want, (key, grid.name)
            assert computed[key].get(grid.path, 0) == want, (key, grid.name)
        street = sum(per_grid.get(g.path, 0) for g in (world.grid1, world.grid2))
        assert figure.count(at, world.street.path) == street, key
        assert computed[key].get(world.street.path, 0) == street, key
        assert figure.count(at, world.other_street.path) == computed[key].get(
            world.other_street.path, 0
        )


def test_testing_equals_who_is_left(world):
    t = make_testing(world)
    su = world.users.superuser
    expected = {}
    for key in ("expected", "sampled"):
        expected[f"testing.{key}"] = {
            g.path: getattr(whoisleft.board(t.round, su, g.path).total, key)
            for g in (world.grid1, world.grid2)
        }
    for kind in ("not_yet", "no_result", "positive", "retest"):
        expected[f"testing.{kind}"] = {
            g.path: whoisleft.person_list(t.round, None, kind, g.path).count()
            for g in (world.grid1, world.grid2)
        }
    assert expected["testing.not_yet"] == {world.grid1.path: 1, world.grid2.path: 1}
    assert expected["testing.retest"][world.grid1.path] == 1  # 王芳; 张伟 was retested
    check(world, expected)
    assert by_key()["testing.positive"].count(NOW, world.other_street.path) == 1
    link = by_key()["testing.not_yet"].link(NOW, world.grid1)
    assert link.endswith(f"/rounds/{t.round.pk}/missing/?grid={world.grid1.pk}&list=not_yet")


def test_canvass_equals_coverage(world):
    c = make_canvass(world).campaign
    su = world.users.superuser
    expected = {"canvass.targeted": {}, "canvass.done": {}, "canvass.not_reached": {}}
    for g in (world.grid1, world.grid2):
        total = coverage.ledger(c, su, g.path).total
        expected["canvass.targeted"][g.path] = total.targeted
        expected["canvass.done"][g.path] = total.done
        listed = coverage.household_values(c, None, coverage.NOT_REACHED, g.path).count()
        assert listed == total.not_reached
        expected["canvass.not_reached"][g.path] = listed
    assert expected["canvass.not_reached"] == {world.grid1.path: 2, world.grid2.path: 1}
    check(world, expected)
    assert "state=not_reached" in by_key()["canvass.not_reached"].link(NOW, world.grid1)


def test_returnees_equal_the_arrival_list(world, client_for):
    make_arrivals(world)
    client = client_for(world.users.superuser)
    expected = {}
    for key, level in (("today", ""), ("today_high", "high"), ("recent", "")):
        expected[f"returnees.{key}"] = {}
        for g in (world.grid1, world.grid2):
            url = by_key()[f"returnees.{key}"].link(NOW, g)
            assert f"grid={g.pk}" in url and (not level or f"level={level}" in url)
            page = client.get(url).context["page"]
            expected[f"returnees.{key}"][g.path] = page.paginator.count
    assert expected["returnees.today"] == {world.grid1.path: 3, world.grid2.path: 0}
    assert expected["returnees.recent"][world.grid2.path] == 1
    check(world, expected)


def test_control_equals_the_left_board(world):
    make_control(world)
    expected = {f"control.{k}": {} for k in ("unserved", "release", "transfer_waiting", "alerts")}
    expected.update({"control.under": {}, "control.followups_overdue": {}})
    expected["control.transfers_done"] = {}
    names = {"unserved": "unserved", "release": "release", "transfer": "transfer_waiting"}
    names["alert"] = "alerts"
    for g in (world.grid1, world.grid2):
        board = left.board(None, g.path, NOW)
        line = board.total
        for kind, key in names.items():
            expected[f"control.{key}"][g.path] = line.counts.get(kind, 0)
        expected["control.under"][g.path] = sum(line.measures.values())
        expected["control.followups_overdue"][g.path] = overdue(NOW).within(g.path).count()
        expected["control.transfers_done"][g.path] = (
            figures_control.transfers_done(NOW).within(g.path).count()
        )
    assert expected["control.under"] == {world.grid1.path: 2, world.grid2.path: 1}
    assert expected["control.alerts"][world.grid1.path] == 1
    assert expected["control.transfers_done"][world.grid1.path] == 1
    check(world, expected)
    home = by_key()["control.under_home_quarantine"]
    assert home.count(NOW, world.street.path) == 2
    assert by_key()["control.alerts"].alert and by_key()["control.alerts"].left


def test_checkpoints_equal_the_board(world):
    make_passages(world)
    expected = {}
    for g in (world.grid1, world.grid2):
        cps = Checkpoint.objects.filter(active=True).within(g.path)
        totals = totals_by_checkpoint(cps, DAY)
        for name in ("people_in", "people_out", "vehicles_in", "turned_back", "green"):
            got = sum(getattr(f, name) for f in totals.values())
            expected.setdefault(f"checkpoints.{name}", {})[g.path] = got
        refused = sum(f.refused + f.quota for f in totals.values())
        expected.setdefault("checkpoints.refused", {})[g.path] = refused
    assert expected["checkpoints.people_in"] == {world.grid1.path: 1, world.grid2.path: 0}
    assert expected["checkpoints.green"][world.grid1.path] == 1
    check(world, expected)
    assert by_key()["checkpoints.green"].count(NOW, world.other_street.path) == 1


def test_support_equals_the_dispatch_board(world):
    make_support(world)
    lines, _total = grid_lines(None, world.street.path, NOW)
    expected = {f"support.{k}": {ln.path: ln.counts[k] for ln in lines} for k in lines[0].counts}
    assert expected["support.overdue"] == {world.grid1.path: 1, world.grid2.path: 0}
    check(world, expected)


def test_workforce_equals_who_is_left(world):
    make_roster(world)
    expected = {"workforce.understaffed": {}, "workforce.absent": {}}
    for g in (world.grid1, world.grid2):
        gaps = services_left.understaffed(None, now=NOW, prefix=g.path)
        expected["workforce.understaffed"][g.path] = len(gaps)
        missing = services_left.absent(None, now=NOW, prefix=g.path)
        expected["workforce.absent"][g.path] = len(missing)
    assert expected["workforce.understaffed"] == {world.grid1.path: 1, world.grid2.path: 0}
    assert expected["workforce.absent"] == {world.grid1.path: 1, world.grid2.path: 0}
    expected["workforce.shifts"] = {world.grid1.path: 2, world.grid2.path: 1}
    expected["workforce.staffed"] = {world.grid1.path: 1, world.grid2.path: 1}
    expected["workforce.on_duty"] = {world.grid1.path: 1, world.grid2.path: 1}
    check(world, expected)
    assert figures_workforce.understaffed(NOW).count() == len(
        services_left.understaffed(None, now=NOW)
    )
