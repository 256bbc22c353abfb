"""Support requests: the outsider checks of tests/test_outsider_sees_nothing.py run on this
part's entries alone (scope_requests), so that they pass or fail independently of the other
parts: object pages 404, lists and searches without the street's people, API 404s."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.test_outsider_sees_nothing import secrets_of
from wangge.accounts.models import ApiToken, RoleAssignment, User
from wangge.accounts.roles import Role
from wangge.api.tests.helpers import ApiClient
from wangge.support.tests import scope_requests as part

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world):
    admin_b = User.objects.create_user("admin_b", password="x-Secret-2022")
    RoleAssignment.objects.create(user=admin_b, role=Role.ADMIN, area=world.other_street)
    made = part.extra(world)  # noqa: S610 - a test helper, not QuerySet.extra
    return world, made, [world.users.outsider, admin_b]


def test_object_pages_are_404(setup, client_for):
    w, extra, outsiders = setup
    for user in outsiders:
        c = client_for(user)
        for name, make in part.OBJECT_ARGS.items():
            url = reverse(name, kwargs=make(w, extra))
            codes = {c.get(url).status_code, c.post(url).status_code}
            assert 404 in codes and codes <= {404, 405}, (user.username, name, codes)


def test_lists_show_nothing(setup, client_for):
    w, extra, outsiders = setup
    fmt = {"street": w.street.pk, "grid1": w.grid1.pk, "h101": w.h101.pk}
    secrets = secrets_of(w) + ["硝苯地平", "降压药", "蔬菜一份"]
    for user in outsiders:
        c = client_for(user)
        for name, queries in part.LIST_QUERIES.items():
            for q in queries:
                r = c.get(reverse(name) + q.format(**fmt))
                assert r.status_code in (200, 302, 403, 404), (name, q, r.status_code)
                body = r.content.decode() if r.status_code == 200 else ""
                if "q=" in q:
                    body = body.replace(f'value="{q.split("q=")[1]}"', "")
                assert not [s for s in secrets if s in body], (user.username, name, q)


def test_api_is_404_and_empty(setup):
    w, extra, outsiders = setup
    pk = part.API_OBJECTS["request_id"](w, extra)
    for user in outsiders:
        _, key = ApiToken.issue(user, "t")
        api = ApiClient(key)
        assert api.get(f"/api/support/requests/{pk}").status_code == 404
        for step in ("accept", "on_way", "deliver", "confirm", "close", "cancel"):
            real = api.post(f"/api/support/requests/{pk}/{step}", {})
            ghost = api.post(f"/api/support/requests/987654321/{step}", {})
            assert real.status_code in (404, 422), step
            assert (real.status_code, real.content) == (ghost.status_code, ghost.content), step
        r = api.get("/api/support/requests", {"area": w.grid1.pk})
        assert r.status_code == 200 and r.json()["items"] == []
        assert api.get("/api/support/requests").json()["items"] == []
