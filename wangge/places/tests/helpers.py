"""Test helpers for places views: more data, counting queries."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wangge.people.models import LeaderAssignment, Person, Residence, SpecialGroup
from wangge.places.models import Building, Household, Unit


def grow(world, n: int = 12, tag: str = "x") -> None:
    """Add a unit with `n` households (each with a resident in a special group and a unit
    leader) to b1, and a new building with households in grid2."""
    unit = Unit.objects.create(building=world.b1, number=f"9{tag}")
    LeaderAssignment.objects.create(role="unit", name="新单元长", phone="13700009999", unit=unit)
    extra = Building.objects.create(area=world.grid2, estate=world.estate, number=f"7{tag}")
    extra_unit = Unit.objects.create(building=extra, number="1")
    for i in range(n):
        for u in (unit, extra_unit):
            hh = Household.objects.create(
                building=u.building,
                unit=u,
                floor=i % 6 + 1,
                room=f"{i + 1}0{u.pk}",
                householder_name=f"住户{i}",
                people_count=1,
                phone=f"1390000{i:04d}",
            )
            p = Person.objects.create(name=f"居民{tag}{i}{u.pk}", scope_path=hh.scope_path)
            Residence.objects.create(person=p, household=hh, relation="householder")
            SpecialGroup.objects.create(person=p, kind=SpecialGroup.Kind.PREGNANT)


def count_queries(client, url: str, **headers) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)
