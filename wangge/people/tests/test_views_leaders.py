"""Leader pages: the five leaders list (scoped, phones shown), assign and edit."""

from __future__ import annotations

from django.urls import reverse

from wangge.core.models import ChangeLog
from wangge.people.models import LeaderAssignment

LIST = reverse("people:leader_list")


def test_list_scoped_with_phones(world, client_for):
    html = client_for(world.users.commander).get(LIST).content.decode()
    for name, phone in (
        ("赵网格", "13700000001"),
        ("钱楼长", "13700000002"),
        ("孙单元", "13700000003"),
        ("周街长", "13700000004"),
    ):
        assert name in html and phone in html
    html = client_for(world.users.building_leader).get(LIST).content.decode()
    assert "钱楼长" in html and "孙单元" in html
    assert "赵网格" not in html and "周街长" not in html
    html = client_for(world.users.outsider).get(LIST).content.decode()
    assert "钱楼长" not in html and "没有设置负责人" in html


def test_list_filter_and_search(world, client_for):
    client = client_for(world.users.commander)
    html = client.get(LIST, {"role": "building"}).content.decode()
    assert "钱楼长" in html and "赵网格" not in html
    html = client.get(LIST, {"q": "孙"}).content.decode()
    assert "孙单元" in html and "钱楼长" not in html
    html = client.get(LIST, {"q": "0004"}).content.decode()
    assert "周街长" in html and "孙单元" not in html


def test_create_leader(world, client_for):
    client = client_for(world.users.grid_leader)
    url = reverse("people:leader_create")
    html = client.get(url).content.decode()
    assert f"u:{world.u12.pk}" in html and f"b:{world.b2.pk}" not in html
    response = client.post(
        url,
        {
            "role": "unit",
            "name": "李單元",
            "phone": "１３７０００００００９",
            "place": f"u:{world.u12.pk}",
            "active": "on",
        },
    )
    assert response.status_code == 302
    leader = LeaderAssignment.objects.get(name="李单元")
    assert leader.phone == "13700000009" and leader.unit == world.u12
    assert leader.scope_path == world.u12.scope_path
    assert ChangeLog.objects.filter(
        model="people.leaderassignment", object_id=str(leader.pk)
    ).exists()


def test_create_leader_place_outside_scope_or_mismatched(world, client_for):
    client = client_for(world.users.grid_leader)
    url = reverse("people:leader_create")
    response = client.post(
        url,
        {"role": "building", "name": "越界", "phone": "13700000010", "place": f"b:{world.b2.pk}"},
    )
    assert response.status_code == 200
    response = client.post(
        url,
        {"role": "building", "name": "错配", "phone": "13700000010", "place": f"u:{world.u11.pk}"},
    )
    assert "不匹配" in response.content.decode()
    response = client.post(
        url, {"role": "unit", "name": "坏号", "phone": "12345", "place": f"u:{world.u11.pk}"}
    )
    assert response.status_code == 200
    assert not LeaderAssignment.objects.filter(name__in=["越界", "错配", "坏号"]).exists()


def test_edit_leader(world, client_for):
    leader = LeaderAssignment.objects.get(name="钱楼长")
    url = reverse("people:leader_edit", args=[leader.pk])
    client = client_for(world.users.commander)
    html = client.get(url).content.decode()
    assert f'value="b:{world.b1.pk}" selected' in html
    response = client.post(
        url,
        {
            "role": "building",
            "name": "钱楼长",
            "phone": "13700000022",
            "place": f"b:{world.b2.pk}",
            "active": "on",
        },
    )
    assert response.status_code == 302
    leader.refresh_from_db()
    assert leader.building == world.b2 and leader.phone == "13700000022"
    assert leader.scope_path == world.b2.scope_path


def test_edit_leader_scope(world, client_for):
    leader = LeaderAssignment.objects.get(name="钱楼长")
    url = reverse("people:leader_edit", args=[leader.pk])
    assert client_for(world.users.outsider).get(url).status_code == 404
    assert client_for(world.users.volunteer).get(url).status_code == 403
    assert client_for(world.users.volunteer).get(reverse("people:leader_create")).status_code == 403
