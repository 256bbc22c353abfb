"""The building map (楼栋图) with its status providers, and the five-leaders notice."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from wangge.people.models import LeaderAssignment
from wangge.places.mapstatus import get_provider, register_status, unregister_status

from .helpers import count_queries, grow

pytestmark = pytest.mark.django_db


def cells(html: str) -> dict[int, str]:
    """household id -> the cell's HTML."""
    found = re.findall(r'<a class="wg-cell" data-household="(\d+)"(.*?)</a>', html, re.S)
    return {int(pk): body for pk, body in found}


def test_map_has_one_cell_per_household(world, client_for):
    world.h101.people_count = 3
    world.h101.save()
    r = client_for(world.users.commander).get(reverse("places:building_map", args=[world.b1.pk]))
    assert r.status_code == 200
    html = r.content.decode()
    found = cells(html)
    assert set(found) == {world.h101.pk, world.h102.pk, world.h201.pk}
    assert "3人" in found[world.h101.pk]
    assert "2人" in found[world.h102.pk]
    assert "独" in found[world.h102.pk]  # 王芳 lives alone, elderly
    assert "独" not in found[world.h101.pk]
    assert 'data-status="special"' in found[world.h102.pk]
    assert 'data-status="occupied"' in found[world.h101.pk]
    assert reverse("places:household_detail", args=[world.h101.pk]) in found[world.h101.pk]
    # Both units are column blocks; floors run top to bottom (6 floors each).
    assert [b.unit.pk for b in r.context["blocks"]] == [world.u11.pk, world.u12.pk]
    assert [row.floor for row in r.context["blocks"][0].rows] == [6, 5, 4, 3, 2, 1]
    assert "独居老人" in html  # the legend


def test_map_vacant_and_empty(world, client_for):
    world.h201.vacant = True
    world.h201.save()
    world.h101.residences.all().delete()
    world.h101.people_count = 0
    world.h101.save()
    html = (
        client_for(world.users.grid_leader)
        .get(reverse("places:building_map", args=[world.b1.pk]))
        .content.decode()
    )
    found = cells(html)
    assert 'data-status="vacant"' in found[world.h201.pk]
    assert 'data-status="empty"' in found[world.h101.pk]


def test_status_provider_extension_point(world, client_for):
    @register_status("sealed_test", "封控", legend={"sealed": ("已封控", "#ff0000")})
    def sealed(building):
        return {world.h101.pk: ("sealed", "已封控")}

    try:
        c = client_for(world.users.commander)
        url = reverse("places:building_map", args=[world.b1.pk])
        html = c.get(url, {"status": "sealed_test"}).content.decode()
        found = cells(html)
        assert 'data-status="sealed"' in found[world.h101.pk]
        assert "#ff0000" in found[world.h101.pk]
        assert "已封控" in html and "?status=registry" in html
        # An unknown provider falls back to the registry status.
        assert c.get(url, {"status": "nope"}).context["provider"].name == "registry"
    finally:
        unregister_status("sealed_test")
    assert get_provider("sealed_test").name == "registry"


def test_map_query_count_is_pinned(world, client_for, django_assert_max_num_queries):
    c = client_for(world.users.commander)
    url = reverse("places:building_map", args=[world.b1.pk])
    before = count_queries(c, url)
    assert before <= 12
    grow(world, 20)  # adds a unit and 20 households (with people, special groups) to b1
    with django_assert_max_num_queries(before):
        r = c.get(url)
    assert len(cells(r.content.decode())) == 23


def test_notice_lists_the_five_leaders(world, client_for):
    LeaderAssignment.objects.create(
        role="road", name="吴路长", phone="13700000005", area=world.street, label="北京路"
    )
    r = client_for(world.users.building_leader).get(
        reverse("places:leaders_notice", args=[world.b1.pk])
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert "五长信息公示" in html
    for name, phone in [
        ("周街长", "13700000004"),
        ("吴路长", "13700000005"),
        ("赵网格", "13700000001"),
        ("钱楼长", "13700000002"),
        ("孙单元", "13700000003"),
    ]:
        assert name in html and phone in html
    assert "北京路街道" in html and "阳光小区 1号楼" in html
    assert html.count('<article class="wg-notice">') == 1
    # Residents' data is not on the notice.
    assert "张伟" not in html and "13900000101" not in html


def test_notice_in_bulk(world, client_for):
    c = client_for(world.users.commander)
    html = c.get(reverse("places:leaders_notice_grid", args=[world.community.pk])).content.decode()
    assert html.count('<article class="wg-notice">') == 2
    html = c.get(reverse("places:leaders_notice_grid", args=[world.grid1.pk])).content.decode()
    assert html.count('<article class="wg-notice">') == 1 and "钱楼长" in html
    # A grid leader's bulk print only has their grid's buildings.
    html = (
        client_for(world.users.grid_leader)
        .get(reverse("places:leaders_notice_grid", args=[world.grid1.pk]))
        .content.decode()
    )
    assert html.count('<article class="wg-notice">') == 1


def test_notice_query_count_does_not_grow(world, client_for, django_assert_max_num_queries):
    c = client_for(world.users.commander)
    url = reverse("places:leaders_notice_grid", args=[world.community.pk])
    before = count_queries(c, url)
    grow(world, 3)
    with django_assert_max_num_queries(before):
        assert c.get(url).content.decode().count('<article class="wg-notice">') == 3
