"""Area, estate and building pages: scope (404 outside), breadcrumbs, dashboard, the tree."""

from __future__ import annotations

import pytest
from django.urls import reverse

from wangge.places.models import Area

from .helpers import count_queries, grow

pytestmark = pytest.mark.django_db


def get(client, name, *args, **headers):
    return client.get(reverse(name, args=args), **headers)


def test_area_pages_in_scope(world, client_for):
    commander = client_for(world.users.commander)
    grid_leader = client_for(world.users.grid_leader)
    for area in (world.street, world.community, world.grid1, world.grid2):
        assert get(commander, "places:area_detail", area.pk).status_code == 200
    r = get(grid_leader, "places:area_detail", world.grid1.pk)
    assert r.status_code == 200
    html = r.content.decode()
    assert "赵网格" in html and "13700000001" in html  # the grid leader, phone public
    assert "1号楼" in html  # the grid's buildings are its children
    # Above or beside the grid leader's grid: not found.
    for area in (world.street, world.community, world.grid2):
        assert get(grid_leader, "places:area_detail", area.pk).status_code == 404


def test_breadcrumbs_link_only_in_scope(world, client_for):
    html = get(
        client_for(world.users.grid_leader), "places:area_detail", world.grid1.pk
    ).content.decode()
    assert "北京路街道" in html and "兴华社区" in html
    assert reverse("places:area_detail", args=[world.street.pk]) + '"' not in html
    assert reverse("places:area_detail", args=[world.community.pk]) + '"' not in html
    html = get(
        client_for(world.users.commander), "places:area_detail", world.grid1.pk
    ).content.decode()
    assert reverse("places:area_detail", args=[world.street.pk]) + '"' in html


def test_outsider_gets_404_on_every_detail(world, client_for):
    c = client_for(world.users.outsider)
    for name, pk in [
        ("places:area_detail", world.street.pk),
        ("places:area_detail", world.grid1.pk),
        ("places:area_detail", world.community.pk),
        ("places:estate_detail", world.estate.pk),
        ("places:building_detail", world.b1.pk),
        ("places:building_map", world.b1.pk),
        ("places:leaders_notice", world.b1.pk),
        ("places:leaders_notice_grid", world.grid1.pk),
        ("places:leaders_notice_grid", world.community.pk),
        ("places:household_detail", world.h101.pk),
        ("places:household_edit", world.h101.pk),
        ("places:building_edit", world.b1.pk),
        ("places:estate_edit", world.estate.pk),
        ("places:unit_create", world.b1.pk),
        ("places:household_create", world.b1.pk),
        ("places:area_create", world.community.pk),
    ]:
        assert get(c, name, pk).status_code == 404, name
    assert c.post(reverse("places:household_reveal", args=[world.h101.pk])).status_code == 404
    tree = c.get(reverse("places:area_tree") + f"?area={world.street.pk}")
    assert tree.status_code == 404
    # Their own street works.
    assert get(c, "places:area_detail", world.other_street.pk).status_code == 200


def test_outsider_lists_show_nothing_of_the_street(world, client_for):
    c = client_for(world.users.outsider)
    names = [
        "北京路街道",
        "兴华社区",
        "第一网格",
        "第二网格",
        "阳光小区",
        "张伟",
        "王芳",
        "李娜",
        "刘洋",
    ]
    for url in [
        reverse("places:building_list"),
        reverse("places:household_list"),
        reverse("places:household_list") + "?q=zw",
        reverse("places:area_tree"),
        reverse("places:building_list") + "?q=阳光",
        reverse("core:home"),
    ]:
        html = c.get(url).content.decode()
        for name in names:
            assert name not in html, (url, name)
    assert "远方小区" in c.get(reverse("places:building_list")).content.decode()


def test_building_leader_sees_b1_not_b2(world, client_for):
    c = client_for(world.users.building_leader)
    for name in ("places:building_detail", "places:building_map", "places:leaders_notice"):
        assert get(c, name, world.b1.pk).status_code == 200
        assert get(c, name, world.b2.pk).status_code == 404
    assert get(c, "places:area_detail", world.grid1.pk).status_code == 404


def test_estate_detail(world, client_for):
    r = get(client_for(world.users.commander), "places:estate_detail", world.estate.pk)
    assert r.status_code == 200
    html = r.content.decode()
    assert "阳光小区" in html and "1号楼" in html and "2号楼" in html
    # The estate belongs to the community: a grid leader does not see it.
    assert (
        get(
            client_for(world.users.grid_leader), "places:estate_detail", world.estate.pk
        ).status_code
        == 404
    )


def test_area_dashboard_counts(world, client_for):
    r = get(client_for(world.users.commander), "places:area_detail", world.community.pk)
    ctx = r.context
    assert ctx["total"].households == 4
    assert ctx["total"].people == 5
    assert ctx["total"].special == {"elderly_alone": 1}
    rows = {row.label: row.counts for row in ctx["child_rows"]}
    assert rows["第一网格"].households == 3 and rows["第一网格"].people == 4
    assert rows["第二网格"].households == 1 and rows["第二网格"].people == 1
    assert rows["第一网格"].leaders == {"grid": 1, "building": 1, "unit": 1}
    assert set(ctx["charts"]) == {"people", "special", "leaders"}
    html = r.content.decode()
    assert 'id="chart-people"' in html and "echarts.min.js" in html
    assert "独居老人" in html  # the numbers are a table too (works without JavaScript)


def test_grid_dashboard_is_per_building(world, client_for):
    r = get(client_for(world.users.grid_leader), "places:area_detail", world.grid1.pk)
    rows = {row.label: row.counts for row in r.context["child_rows"]}
    assert list(rows) == ["阳光小区 1号楼"]
    assert rows["阳光小区 1号楼"].households == 3


def test_area_detail_query_count_is_pinned(world, client_for, django_assert_max_num_queries):
    c = client_for(world.users.commander)
    url = reverse("places:area_detail", args=[world.community.pk])
    before = count_queries(c, url)
    assert before <= 16
    grow(world, 10)
    with django_assert_max_num_queries(before):
        assert c.get(url).status_code == 200


def test_tree_full_page_and_htmx_partial(world, client_for):
    c = client_for(world.users.commander)
    r = c.get(reverse("places:area_tree"))
    assert r.status_code == 200
    html = r.content.decode()
    assert "北京路街道" in html and "<html" in html
    assert f'hx-get="{reverse("places:area_tree")}?area={world.street.pk}"' in html
    url = reverse("places:area_tree") + f"?area={world.community.pk}"
    partial = c.get(url, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    body = partial.content.decode()
    assert "<html" not in body and "第一网格" in body and "第二网格" in body
    assert partial["Vary"].count("HX-Request") == 1
    assert "HX-Request" in c.get(url)["Vary"]
    # A grid opens onto its estates, an estate onto the grid's buildings in it.
    body = c.get(
        reverse("places:area_tree") + f"?area={world.grid1.pk}", headers={"HX-Request": "true"}
    ).content.decode()
    assert "阳光小区" in body and f"grid={world.grid1.pk}&amp;estate={world.estate.pk}" in body
    body = c.get(
        reverse("places:area_tree") + f"?grid={world.grid1.pk}&estate={world.estate.pk}",
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "1号楼" in body and "2号楼" not in body


def test_tree_roots_follow_scope(world, client_for):
    html = client_for(world.users.grid_leader).get(reverse("places:area_tree")).content.decode()
    assert "第一网格" in html and "北京路街道" not in html
    html = client_for(world.users.building_leader).get(reverse("places:area_tree")).content.decode()
    assert reverse("places:building_detail", args=[world.b1.pk]) in html


def test_building_list_search_and_filters(world, client_for):
    c = client_for(world.users.commander)
    url = reverse("places:building_list")
    html = c.get(url).content.decode()
    assert "1号楼" in html and "2号楼" in html and "远方" not in html
    r = c.get(url, {"q": "2号楼"})
    assert [b.pk for b in r.context["page"]] == [world.b2.pk]
    r = c.get(url, {"grid": world.grid1.pk})
    assert [b.pk for b in r.context["page"]] == [world.b1.pk]
    assert r.context["page"][0].n_households == 3
    # A grid outside the scope is not a valid choice: nothing is listed.
    r = c.get(url, {"grid": world.other_grid.pk})
    assert list(r.context["page"]) == []
    assert "没有符合条件的楼栋" in r.content.decode()


def test_building_detail(world, client_for):
    r = get(client_for(world.users.commander), "places:building_detail", world.b1.pk)
    html = r.content.decode()
    for text in (
        "钱楼长",
        "13700000002",
        "赵网格",
        "孙单元",
        reverse("places:building_map", args=[world.b1.pk]),
        reverse("places:leaders_notice", args=[world.b1.pk]),
        f"{reverse('registry:export')}?area={world.grid1.pk}",
    ):
        assert text in html, text
    assert r.context["total"].households == 3
    # A building leader cannot export: no export link.
    html = get(
        client_for(world.users.building_leader), "places:building_detail", world.b1.pk
    ).content.decode()
    assert reverse("registry:export") not in html


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_pages_render_in_either_language(world, client_for, lang):
    c = client_for(world.users.commander)
    for name, pk in [
        ("places:area_detail", world.street.pk),
        ("places:building_map", world.b1.pk),
        ("places:household_detail", world.h101.pk),
    ]:
        assert get(c, name, pk, headers={"Accept-Language": lang}).status_code == 200
    c.post(reverse("set_language"), {"language": lang})
    assert get(c, "places:area_detail", world.grid1.pk).status_code == 200


def test_anonymous_is_sent_to_login(world, client):
    r = client.get(reverse("places:area_detail", args=[world.street.pk]))
    assert r.status_code == 302 and reverse("accounts:login") in r["Location"]


def test_unknown_area_level_label(world):
    assert Area.Level(world.grid1.level).label
