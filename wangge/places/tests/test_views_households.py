"""Household list (search, filters, masking, pagination), detail and the logged phone reveal."""

from __future__ import annotations

import pytest
from django.urls import reverse

from wangge.core.models import AccessLog
from wangge.places.models import Household

from .helpers import count_queries, grow

pytestmark = pytest.mark.django_db


def listed(client, **params) -> list[int]:
    r = client.get(reverse("places:household_list"), params)
    assert r.status_code == 200
    return [h.pk for h in r.context["page"]]


def test_list_is_scoped_and_masked(world, client_for):
    c = client_for(world.users.commander)
    r = c.get(reverse("places:household_list"))
    html = r.content.decode()
    assert {h.pk for h in r.context["page"]} == {
        world.h101.pk,
        world.h102.pk,
        world.h201.pk,
        world.h2_101.pk,
    }
    assert "139****0101" in html and "13900000101" not in html
    assert listed(client_for(world.users.grid_leader)) == [
        world.h101.pk,
        world.h102.pk,
        world.h201.pk,
    ]
    assert listed(client_for(world.users.nobody)) == []


@pytest.mark.parametrize(
    "q, expected",
    [
        ("张伟", "h101"),  # householder name
        ("zw", "h101"),  # pinyin initials
        ("0101", "h101"),  # household phone tail
        ("0003", "h102"),  # a resident's phone tail (王芳 13800000003)
        ("201", "h201"),  # room
        ("刘洋", "h2_101"),
    ],
)
def test_search(world, client_for, q, expected):
    found = listed(client_for(world.users.commander), q=q)
    assert getattr(world, expected).pk in found
    assert world.other_household.pk not in found


def test_search_by_id_tail(world, client_for):
    tail = world.li.id_number[-4:]
    assert world.h201.pk in listed(client_for(world.users.commander), q=tail)


def test_filters(world, client_for):
    c = client_for(world.users.commander)
    assert set(listed(c, grid=world.grid2.pk)) == {world.h2_101.pk}
    assert set(listed(c, building=world.b1.pk)) == {world.h101.pk, world.h102.pk, world.h201.pk}
    assert set(listed(c, building=world.b1.pk, unit=world.u12.pk)) == {world.h201.pk}
    assert set(listed(c, unit=world.u11.pk)) == {world.h101.pk, world.h102.pk}
    # Choices outside the scope are invalid: the list is empty, not the outsider's data.
    assert listed(c, building=world.other_building.pk) == []
    r = c.get(reverse("places:household_list"), {"building": world.b1.pk})
    assert "第一网格" in r.content.decode()
    assert "远方网格" not in r.content.decode()


def test_pagination_50_per_page(world, client_for):
    for i in range(60):
        Household.objects.create(building=world.b1, unit=world.u12, floor=3, room=f"x{i}")
    c = client_for(world.users.commander)
    r = c.get(reverse("places:household_list"), {"building": world.b1.pk})
    assert len(r.context["page"].object_list) == 50
    html = r.content.decode()
    assert f"building={world.b1.pk}&amp;page=2" in html
    r2 = c.get(reverse("places:household_list"), {"building": world.b1.pk, "page": 2})
    assert len(r2.context["page"].object_list) == 13


def test_household_list_query_count_is_pinned(world, client_for, django_assert_max_num_queries):
    c = client_for(world.users.commander)
    url = reverse("places:household_list") + f"?building={world.b1.pk}"
    before = count_queries(c, url)
    assert before <= 11  # includes the one query of the risk designation badges
    grow(world, 20)
    with django_assert_max_num_queries(before):
        assert c.get(url).status_code == 200
    with django_assert_max_num_queries(before):
        assert c.get(reverse("places:household_list") + "?q=zw").status_code == 200


def test_detail(world, client_for):
    r = client_for(world.users.grid_leader).get(
        reverse("places:household_detail", args=[world.h101.pk])
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert "张伟" in html and "陈静" in html
    assert "139****0101" in html and "13900000101" not in html
    assert world.zhang.id_number not in html and world.zhang.phone not in html
    assert reverse("people:person_detail", args=[world.zhang.pk]) in html
    assert "显示完整号码" in html
    assert "钱楼长" in html and "孙单元" in html
    assert reverse("places:household_edit", args=[world.h101.pk]) in html
    # A volunteer may look but not edit.
    html = (
        client_for(world.users.volunteer)
        .get(reverse("places:household_detail", args=[world.h101.pk]))
        .content.decode()
    )
    assert reverse("places:household_edit", args=[world.h101.pk]) not in html


def test_reveal_logs_access(world, client_for):
    c = client_for(world.users.grid_leader)
    url = reverse("places:household_reveal", args=[world.h101.pk])
    assert c.get(url).status_code == 405  # revealing is a POST
    r = c.post(url, headers={"HX-Request": "true"})
    assert r.status_code == 200
    body = r.content.decode()
    assert "13900000101" in body and "<html" not in body
    log = AccessLog.objects.get()
    assert log.actor == world.users.grid_leader
    assert log.model == "places.household" and log.object_id == str(world.h101.pk)
    assert log.fields == "phone" and log.scope_path == world.h101.scope_path
    # Without JavaScript: the whole page, revealed, and logged again.
    r = c.post(url)
    assert "<html" in r.content.decode() and "13900000101" in r.content.decode()
    assert AccessLog.objects.count() == 2


def test_reveal_out_of_scope_is_404_and_not_logged(world, client_for):
    c = client_for(world.users.building_leader)
    r = c.post(reverse("places:household_reveal", args=[world.h2_101.pk]))
    assert r.status_code == 404
    assert not AccessLog.objects.exists()
