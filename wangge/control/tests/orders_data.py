"""Test data of the orders tests: order types, a placed order, flags decided on a measure, and a
testing round with a positive pool."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from wangge.canvass.models import Flag
from wangge.control.models import OrderType
from wangge.control.services import place_order


def kind(code: str = "home_quarantine") -> OrderType:
    return OrderType.objects.get(code=code)


def order_for(world, person, code: str = "home_quarantine", **fields):
    values = {
        "actor": world.users.commander,
        "source": "manual",
        "reason": "密接",
        "worker": world.users.grid_leader,
    }
    values.update(fields)
    return place_order(person, kind(code), **values)


def flag(world, person, household, measure: str = "home_quarantine", **fields) -> Flag:
    values = {
        "household": household,
        "person": person,
        "person_name": person.name if person else "",
        "code": "contact",
        "reason": "接触史：与确诊病例接触",
        "proposed": measure,
        "measure": measure,
        "decided_by": world.users.commander,
        "decided_at": timezone.now(),
    }
    values.update(fields)
    return Flag.objects.create(**values)


def positive_round(world):
    """Round 1 over the street: pool P1 (张伟, 王芳) positive, pool N1 (李娜) negative, single
    tube S1 (刘洋) positive."""
    from wangge.testing.models import Round, SamplingPoint
    from wangge.testing.tests.results_data import make_tube

    rnd = Round.objects.create(
        number=1, area=world.street, date=dt.date(2022, 4, 10), created_by=world.users.commander
    )
    SamplingPoint.objects.create(round=rnd, number=1, name="1号采样点", area=world.grid1)
    make_tube(rnd, "P1", [world.zhang, world.wang], result="positive")
    make_tube(rnd, "N1", [world.li], result="negative", minutes=5)
    make_tube(rnd, "S1", [world.liu], capacity=1, result="positive", minutes=10)
    return rnd
