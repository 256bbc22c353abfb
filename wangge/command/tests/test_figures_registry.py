"""The registry itself: every section's figures load, keys are unique and sectioned, rollup
adds up the chain, a row at building level counts once at its grid, links resolve."""

from __future__ import annotations

import pytest

from wangge.command.figures import SECTIONS, by_key, compute, for_area, registry, rollup

from .fixtures_figures import NOW, clock, make_arrivals, make_support  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def test_every_section_has_figures_with_unique_keys():
    keys = [f.key for f in registry()]
    assert len(keys) == len(set(keys))
    assert {f.section for f in registry()} == set(SECTIONS)
    for f in registry():
        assert f.key.startswith(f.section + ".")
    alerts = {f.key for f in registry() if f.alert}
    assert {"testing.retest", "control.alerts", "checkpoints.green", "support.overdue"} <= alerts


def test_rollup_sums_up_the_chain():
    out = rollup({"/1/2/3/": 2, "/1/2/4/": 3, "/1/5/": 1})
    assert out == {"/1/": 6, "/1/2/": 5, "/1/2/3/": 2, "/1/2/4/": 3, "/1/5/": 1}


def test_rows_below_a_grid_count_once_at_the_grid(world):
    make_arrivals(world)  # grid 1: two at households (building level), one at the grid
    figure = by_key()["returnees.today"]
    per_path = figure.per_path(NOW)
    assert per_path[world.grid1.path] == 3
    assert not any("b" in path for path in per_path)
    rolled = compute(NOW, [figure])[figure.key]
    assert rolled[world.grid1.path] == 3
    assert rolled[world.street.path] == 3
    assert rolled[world.district.path] == 4  # and the other street's
    assert world.b1.scope_path not in rolled


def test_for_area_and_compute_agree_on_every_figure(world):
    make_support(world)
    make_arrivals(world)
    now = for_area(NOW, world.street.path)
    computed = compute(NOW)
    for key, n in now.items():
        assert computed[key].get(world.street.path, 0) == n, key
    assert now["support.overdue"] == 1


def test_every_link_resolves(world):
    for f in registry():
        for area in (None, world.street, world.grid1):
            link = f.link(NOW, area)
            assert link.startswith("/"), f.key


def test_compute_is_one_grouped_query_per_figure(world, django_assert_max_num_queries):
    from .fixtures_figures import make_canvass, make_testing

    make_testing(world)
    make_canvass(world)
    make_support(world)
    figures = registry()
    # one grouped query each; testing and canvass figures read the day's rounds or campaigns
    # first (one more query each)
    extra = sum(1 for f in figures if f.section in ("testing", "canvass"))
    with django_assert_max_num_queries(len(figures) + extra):
        compute(NOW)
