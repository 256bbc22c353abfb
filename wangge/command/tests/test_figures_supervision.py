"""Supervision, disinfection and venue figures equal the counts of their lists per grid."""

from __future__ import annotations

import pytest

from wangge.command.figures import by_key, compute
from wangge.supervision import services_disinfection as dis
from wangge.supervision import services_inspections as ins
from wangge.supervision import services_venues as ven
from wangge.supervision.views_compliance import compliance

from .fixtures_figures import DAY, NOW, clock, make_supervision  # noqa: F401
from .test_figures_operations import check

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def per_grid(world, qs) -> dict[str, int]:
    return {g.path: qs.within(g.path).count() for g in (world.grid1, world.grid2)}


def test_supervision_equals_the_finding_lists(world):
    make_supervision(world)
    expected = {
        "supervision.inspections": per_grid(world, ins.inspections_on(DAY).distinct()),
        "supervision.findings": per_grid(world, ins.findings_on(DAY)),
        "supervision.open": per_grid(world, ins.open_findings()),
        "supervision.overdue": per_grid(world, ins.overdue_findings(NOW)),
        "supervision.awaiting": per_grid(world, ins.awaiting_verification()),
    }
    assert expected["supervision.open"] == {world.grid1.path: 1, world.grid2.path: 1}
    assert expected["supervision.overdue"] == {world.grid1.path: 1, world.grid2.path: 0}
    check(world, expected)


def test_disinfection_equals_the_compliance_view(world):
    make_supervision(world)
    su = world.users.superuser
    expected = {"disinfection.places": {}, "disinfection.behind": {}, "disinfection.logs": {}}
    expected["disinfection.on_schedule"] = {}
    for g in (world.grid1, world.grid2):
        c = compliance(su, g.path)
        expected["disinfection.places"][g.path] = c.total
        expected["disinfection.behind"][g.path] = c.behind
        expected["disinfection.on_schedule"][g.path] = c.total - c.behind
        expected["disinfection.logs"][g.path] = dis.logs_on(DAY).within(g.path).count()
    assert expected["disinfection.behind"][world.grid1.path] == 1  # the lift
    check(world, expected)


def test_venues_equal_the_register(world):
    make_supervision(world)
    expected = {
        "venues.supply": per_grid(world, ven.supply_venues()),
        "venues.closed": per_grid(world, ven.venues_in("closed")),
        "venues.open_rules": per_grid(world, ven.venues_in("open_rules")),
        "venues.reopened": per_grid(world, ven.venues_in("reopened")),
        "venues.sweeps_day": per_grid(world, ven.sweeps_on(DAY, "day")),
        "venues.sweeps_night": per_grid(world, ven.sweeps_on(DAY, "night")),
    }
    assert expected["venues.closed"] == {world.grid1.path: 0, world.grid2.path: 1}
    assert expected["venues.sweeps_night"][world.grid1.path] == 1
    check(world, expected)
    assert compute(NOW)["venues.supply"][world.district.path] == 2
    assert (
        by_key()["venues.closed"]
        .link(NOW, world.grid2)
        .endswith(f"?state=closed&area={world.grid2.pk}")
    )
