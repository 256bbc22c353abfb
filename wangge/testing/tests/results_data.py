"""Test data for the results tests: tubes with their samples written directly (any capacity,
any result), and the standard scene of a round over world.street."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from wangge.testing.models import Round, Sample, Tube

T0 = timezone.make_aware(dt.datetime(2022, 4, 10, 8, 0))


def make_tube(
    rnd: Round, barcode: str, persons, *, capacity: int = 10, result: str = "", minutes: int = 0
) -> Tube:
    """A closed tube of `rnd` holding `persons`, closed `minutes` after 08:00, at the round's
    first point (scope: the point's area)."""
    point = rnd.points.first()
    at = T0 + dt.timedelta(minutes=minutes)
    tube = Tube.objects.create(
        round=rnd,
        barcode=barcode,
        capacity=capacity,
        point=point,
        closed_at=at,
        result=result,
        result_at=at if result else None,
        scope_path=point.scope_path if point else rnd.area.path,
    )
    Sample.objects.bulk_create(
        Sample(
            tube=tube,
            round=rnd,
            person=p,
            position=i + 1,
            scanned_at=at,
            scope_path=p.scope_path,
        )
        for i, p in enumerate(persons)
    )
    return tube


@pytest.fixture
def scene(world, round_):
    """Round #1 over world.street: pool P1 (zhang, wang) and pool N1 (li) still pending, pool
    X1 (liu, grid2) pending; zhang_wife not sampled."""
    w, rnd = world, round_.round
    return SimpleNamespace(
        w=w,
        round=rnd,
        point=round_.point,
        p1=make_tube(rnd, "P1", [w.zhang, w.wang], minutes=0),
        n1=make_tube(rnd, "N1", [w.li], minutes=5),
        x1=make_tube(rnd, "X1", [w.liu], minutes=70),
    )
