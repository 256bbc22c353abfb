"""Shared fixtures of the testing app (used by the plan, table, results and antigen tests)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from wangge.testing.models import DoorTeam, Round, SamplingPoint, SamplingTable


@pytest.fixture
def round_(world):
    """Round #1 over world.street (10 people a tube) with one point "1号采样点" in grid1, its two
    tables, and one door-to-door team for grid1. Attributes: round, point, tables, table,
    table2, team."""
    rnd = Round.objects.create(
        number=1, area=world.street, date=dt.date(2022, 4, 10), created_by=world.users.commander
    )
    point = SamplingPoint.objects.create(round=rnd, number=1, name="1号采样点", area=world.grid1)
    tables = [SamplingTable.objects.create(point=point, number=n) for n in (1, 2)]
    team = DoorTeam.objects.create(round=rnd, name="上门一组", area=world.grid1)
    return SimpleNamespace(
        round=rnd, point=point, tables=tables, table=tables[0], table2=tables[1], team=team
    )


@pytest.fixture
def inspector(world):
    """A user who may look at grid 1 but record nothing there."""
    from wangge.accounts.models import RoleAssignment, User
    from wangge.accounts.roles import Role

    user = User.objects.create_user("inspector_g1", password="x-Secret-2022")
    RoleAssignment.objects.create(user=user, role=Role.INSPECTOR, area=world.grid1)
    return user
