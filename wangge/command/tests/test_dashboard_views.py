"""The commander's dashboard: figures equal `for_area`, alerts appear and disappear, the wall
mode, the htmx partial, charts from frozen reports, scope and the pinned query count."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from wangge.command import figures as reg
from wangge.command import services_dashboard as svc
from wangge.support.tests.fixtures_dispatch import make_request

from .fixtures_dashboard import clock_fixture, fixed_registry_fixture, freeze_row  # noqa: F401

pytestmark = pytest.mark.django_db
URL = reverse("command:dashboard")
PANEL = reverse("command:dashboard_panel")


def _figure_values(html: str) -> dict[str, str]:
    import re

    out = {}
    for key, value in re.findall(
        r'data-figure="([^"]+)">\s*<div[^>]*>[^<]*</div>\s*'
        r'<div class="wg-num[^"]*">(?:<a[^>]*>)?(\d+)',
        html,
    ):
        out[key] = int(value)
    return out


def test_figures_on_the_page_equal_for_area_with_the_real_registry(world, client_for):
    make_request(world.h101, due_in_minutes=-30)
    r = client_for(world.users.commander).get(URL)
    assert r.status_code == 200
    expected = reg.for_area(r.context["board"].at, world.street.path)
    shown = {f.key: f.value for f in r.context["board"].figures}
    assert shown == expected
    assert _figure_values(r.content.decode()) == expected


def test_default_area_is_the_users_top_area_and_grid_figures_are_narrower(
    world, client_for, fixed_registry
):
    make_request(world.h101)  # grid 1
    make_request(world.h2_101)  # grid 2
    c = client_for(world.users.commander)
    r = c.get(URL)
    assert r.context["area"] == world.street
    assert _figure_values(r.content.decode())["support.new"] == 2
    r = c.get(URL, {"area": world.grid1.pk})
    assert _figure_values(r.content.decode())["support.new"] == 1
    assert r.context["area"] == world.grid1
    # the grid leader's own top area is the grid
    r = client_for(world.users.grid_leader).get(URL)
    assert r.context["area"] == world.grid1


def test_left_counts_link_to_their_lists(world, client_for, fixed_registry):
    make_request(world.h101, due_in_minutes=-30)
    html = client_for(world.users.commander).get(URL).content.decode()
    assert 'data-left="support.new"' in html
    assert 'data-left="support.overdue"' in html
    assert 'data-left="support.in_progress"' not in html
    assert f'href="{reverse("support:left")}?x=1&amp;area={world.street.pk}"' in html
    assert f'href="{reverse("support:board")}"' in html


def test_alerts_appear_and_disappear(world, client_for, fixed_registry):
    c = client_for(world.users.commander)
    html = c.get(URL).content.decode()
    assert 'data-alert="support.overdue"' not in html
    assert "目前没有预警" in html
    late = make_request(world.h101, "medicine", due_in_minutes=-30, medicine_name="硝苯地平")
    html = c.get(URL).content.decode()
    assert 'data-alert="support.overdue"' in html
    assert 'data-feed="medicine"' in html
    assert "硝苯地平" in html
    assert "张伟" not in html  # names masked
    late.status = "closed"
    late.save()
    html = c.get(URL).content.decode()
    assert 'data-alert="support.overdue"' not in html
    assert 'data-feed="medicine"' not in html


def test_green_channel_passages_of_today_are_listed(world, client_for, fixed_registry):
    from django.utils import timezone

    from wangge.checkpoints.models import Checkpoint, Passage

    gate = Checkpoint.objects.create(name="阳光小区东门", kind="estate_gate", area=world.community)
    Passage.objects.create(
        checkpoint=gate,
        at=timezone.now(),
        direction="out",
        outcome=Passage.Outcome.GREEN,
        green=Passage.Green.DIALYSIS,
        scope_path=gate.scope_path,
    )
    html = client_for(world.users.commander).get(URL).content.decode()
    assert 'data-feed="green"' in html
    assert "血液透析" in html
    # the other street's commander sees nothing of it on their own dashboard
    html = client_for(world.users.outsider).get(URL).content.decode()
    assert 'data-feed="green"' not in html


def test_wall_mode(world, client_for, fixed_registry):
    c = client_for(world.users.commander)
    html = c.get(URL, {"wall": "1"}).content.decode()
    assert 'class="wg-wall"' in html
    assert 'data-bs-theme="dark"' in html
    assert "navbar" not in html
    assert "wall=1" in html  # the refresh keeps the mode
    html = c.get(URL).content.decode()
    assert "wg-wall" not in html.split("<body")[1].split(">")[0]
    assert "navbar" in html


def test_htmx_partial(world, client_for, fixed_registry):
    c = client_for(world.users.commander)
    r = c.get(URL, {"area": world.grid1.pk}, headers={"HX-Request": "true"})
    html = r.content.decode()
    assert html.lstrip().startswith('<div id="dashboard-panel"')
    assert "<html" not in html
    assert "HX-Request" in r["Vary"]
    r = c.get(PANEL, {"area": world.grid1.pk, "wall": "1"})
    html = r.content.decode()
    assert html.lstrip().startswith('<div id="dashboard-panel"')
    assert 'hx-trigger="every 60s"' in html
    assert f"area={world.grid1.pk}&amp;wall=1" in html


def test_charts_from_frozen_report_rows(world, client_for, fixed_registry, clock):
    c = client_for(world.users.commander)
    r = c.get(URL)
    assert r.context["charts"] == []
    assert 'id="charts-empty"' in r.content.decode()
    today = clock.date()
    freeze_row(world.street, today - dt.timedelta(days=2), {"support.new": 3, "support.overdue": 1})
    freeze_row(world.street, today - dt.timedelta(days=1), {"support.new": 5})
    freeze_row(world.street, today - dt.timedelta(days=9), {"support.new": 9})
    freeze_row(world.grid1, today - dt.timedelta(days=1), {"support.new": 77})
    r = c.get(URL)
    (chart,) = r.context["charts"]
    assert chart["section"] == "support"
    assert chart["days"] == [
        f"{today - dt.timedelta(days=2):%m-%d}",
        f"{today - dt.timedelta(days=1):%m-%d}",
    ]
    series = {s["name"]: s["data"] for s in chart["series"]}
    assert series == {"诉求待分派": [3, 5], "诉求超时未办": [1, 0]}
    html = r.content.decode()
    option = json.loads(html.split('id="chart-support" type="application/json">')[1].split("<")[0])
    assert option["series"][0]["data"] == [3, 5]
    r = c.get(URL, {"days": "14"})
    assert r.context["charts"][0]["series"][0]["data"] == [9, 3, 5]
    r = c.get(URL, {"area": world.grid1.pk})
    assert r.context["charts"][0]["series"][0]["data"] == [77]


def test_outsider_and_nobody_get_404(world, client_for, fixed_registry):
    out = client_for(world.users.outsider)
    assert out.get(URL, {"area": world.street.pk}).status_code == 404
    assert out.get(URL, {"area": world.grid1.pk}).status_code == 404
    assert out.get(PANEL, {"area": world.grid1.pk}).status_code == 404
    assert out.get(URL, {"area": "x"}).status_code == 404
    assert client_for(world.users.nobody).get(URL).status_code == 404
    gl = client_for(world.users.grid_leader)
    assert gl.get(URL, {"area": world.street.pk}).status_code == 404
    assert gl.get(URL, {"area": world.grid2.pk}).status_code == 404


def test_area_picker_lists_only_covered_areas(world, client_for, fixed_registry):
    r = client_for(world.users.commander).get(URL)
    picker = r.context["picker"]
    assert {a.pk for a in picker["choices"]} == {world.street.pk, world.community.pk}
    assert world.other_street.pk not in {a.pk for a in picker["choices"]}
    assert [a.pk for a in picker["chain"]] == [world.street.pk]
    r = client_for(world.users.grid_leader).get(URL)
    picker = r.context["picker"]
    assert [a.pk for a in picker["chain"]] == [world.grid1.pk]
    assert {a.pk for a in picker["choices"]} == {world.grid1.pk}


def test_query_count_is_pinned(world, client_for, fixed_registry, django_assert_num_queries):
    c = client_for(world.users.commander)
    c.get(URL)  # warm up
    n = len(fixed_registry)
    # session, user, roles, area, one per figure, the four alert feeds, the frozen rows of the
    # charts, the picker (chain, choices, children), the menu's roles
    with django_assert_num_queries(n + 13):
        assert c.get(URL, {"area": world.community.pk}).status_code == 200
    # the same without the charts and the picker
    with django_assert_num_queries(n + 9):
        assert c.get(PANEL, {"area": world.community.pk}).status_code == 200


def test_the_real_registry_costs_only_its_own_queries(world, client_for):
    """Whatever the figure modules hold, the page adds a constant to what `for_area` costs,
    and the links of figures whose list needs a lookup (`href`: the current round…)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    c = client_for(world.users.commander)
    c.get(URL)
    with CaptureQueriesContext(connection) as own:
        reg.for_area(timezone.now(), world.community.path)
    with CaptureQueriesContext(connection) as page:
        assert c.get(URL, {"area": world.community.pk}).status_code == 200
    lookups = sum(1 for f in reg.registry() if f.href is not None)
    assert len(page) <= len(own) + 13 + lookups


def test_top_area_of_superuser(world):
    assert svc.top_area(world.users.superuser).level == world.city.level
