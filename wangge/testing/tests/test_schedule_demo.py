"""The proposal at the scale of a real street: the demo street (39,303 people, 1,324 units),
32 sampling points with 63 tables, one day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count, Min

from wangge.accounts.models import User
from wangge.core.demo.build import build_demo
from wangge.places.models import Building, Estate
from wangge.testing.models import DoorVisit, Round, SamplingPoint, SamplingTable
from wangge.testing.queries import target_persons
from wangge.testing.schedule import propose_schedule
from wangge.testing.schedule_door import unit_loads

from .plan_data import assert_buildings_together, check_schedule

pytestmark = pytest.mark.django_db


def test_demo_street_is_scheduled_within_capacity():
    street = build_demo().street
    rnd = Round.objects.create(number=1, area=street, date=dt.date(2022, 4, 12))
    estates = list(
        Estate.objects.annotate(n=Count("buildings"), grid=Min("buildings__area"))
        .filter(n__gt=0)
        .order_by("-n", "pk")[:32]
    )
    tables = []
    for number, estate in enumerate(estates, 1):
        grid = Building.objects.filter(estate=estate).first().area
        point = SamplingPoint.objects.create(
            round=rnd, number=number, name=f"{number}号采样点", area=grid, estate=estate
        )
        for t in range(1, 3 if number < 32 else 2):  # 63 tables
            tables.append(SamplingTable(point=point, number=t, scope_path=point.scope_path))
    SamplingTable.objects.bulk_create(tables)
    root = User.objects.create_superuser("planner", "p@example.org", "x-Secret-2022")
    result = propose_schedule(rnd, actor=root)
    loads = unit_loads(rnd, DoorVisit.objects.filter(round=rnd).values_list("person", flat=True))
    overflow = {u.pk for u, _n in result.overflow}
    check_schedule(rnd, loads, overflow)
    assert_buildings_together(rnd, set(result.split_buildings))
    expected = target_persons(rnd).count()
    assert result.people + result.overflow_people + result.door_visits == expected
    assert result.door_visits > 300  # the street's immobile residents
    assert not overflow  # 63 tables × 88 an hour × 11 hours is room enough
