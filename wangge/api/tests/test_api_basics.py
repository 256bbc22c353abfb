"""Authentication, error bodies, pagination and the OpenAPI document / docs page."""

import datetime as dt
import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import timezone

from wangge.accounts.models import ApiToken
from wangge.places.models import Unit

from .helpers import ApiClient

pytestmark = pytest.mark.django_db

RESOURCES = ["areas", "buildings", "units", "households", "persons", "residences"]


@pytest.mark.parametrize("resource", RESOURCES)
def test_unauthenticated_is_401(world, resource):
    anonymous = ApiClient()
    r = anonymous.get(f"/api/{resource}")
    assert r.status_code == 401
    assert r.json() == {"detail": "未登录或令牌无效"}
    assert anonymous.get(f"/api/{resource}/1").status_code == 401
    assert anonymous.post(f"/api/{resource}", {}).status_code == 401
    assert anonymous.patch(f"/api/{resource}/1", {}).status_code == 401
    assert ApiClient("wg_not-a-real-key").get(f"/api/{resource}").status_code == 401


@pytest.mark.parametrize("resource", RESOURCES)
def test_outsider_sees_nothing_of_the_street(world, api_for, resource):
    r = api_for(world.users.outsider).get(f"/api/{resource}", {"page_size": 500})
    assert r.status_code == 200
    for item in r.json()["items"]:
        assert not str(item.get("path", "")).startswith(world.street.path)
        assert item.get("area_id") not in {world.grid1.pk, world.grid2.pk}
        assert item.get("building_id") not in {world.b1.pk, world.b2.pk}
        assert item.get("household_id") not in {
            world.h101.pk,
            world.h102.pk,
            world.h201.pk,
            world.h2_101.pk,
        }
        assert item.get("name") not in {"张伟", "陈静", "王芳", "李娜", "刘洋"}


def test_expired_token_and_inactive_user(world):
    token, key = ApiToken.issue(world.users.commander, "phone")
    assert ApiClient(key).get("/api/areas").status_code == 200
    token.expires_at = timezone.now() - dt.timedelta(minutes=1)
    token.save()
    assert ApiClient(key).get("/api/areas").status_code == 401
    _, key2 = ApiToken.issue(world.users.grid_leader, "phone")
    world.users.grid_leader.is_active = False
    world.users.grid_leader.save()
    assert ApiClient(key2).get("/api/areas").status_code == 401


def test_session_auth_reads_and_needs_csrf_for_writes(world, client_for):
    browser = client_for(world.users.grid_leader)
    r = browser.get("/api/buildings")
    assert r.status_code == 200 and r.json()["count"] == 1

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.users.grid_leader)
    r = strict.post(
        "/api/units",
        json.dumps({"building_id": world.b1.pk, "number": "7"}),
        content_type="application/json",
    )
    assert r.status_code == 403
    assert "CSRF" in r.json()["detail"]
    assert not Unit.objects.filter(number="7").exists()


def test_pagination(world, api_for):
    for n in range(3, 8):
        Unit.objects.create(building=world.b1, number=str(n))
    api = api_for(world.users.commander)
    r = api.get("/api/units")
    assert r.json()["count"] == 8 and len(r.json()["items"]) == 8
    page1 = api.get("/api/units", {"page_size": 3})
    page3 = api.get("/api/units", {"page_size": 3, "page": 3})
    assert page1.json()["count"] == page3.json()["count"] == 8
    assert len(page1.json()["items"]) == 3 and len(page3.json()["items"]) == 2
    r = api.get("/api/units", {"page": 0})
    assert r.status_code == 422
    assert r.json()["detail"]["page"] == ["不能小于 1"]


def test_default_page_size_is_50(world, api_for):
    Unit.objects.bulk_create(
        Unit(building=world.b1, number=str(n), scope_path=world.b1.scope_path + "u0/")
        for n in range(10, 70)
    )
    r = api_for(world.users.commander).get("/api/units")
    assert r.json()["count"] == 63
    assert len(r.json()["items"]) == 50


def test_bad_query_and_body(world, api_for):
    api = api_for(world.users.commander)
    r = api.get("/api/areas", {"level": "abc"})
    assert r.status_code == 422
    assert r.json()["detail"]["level"] == ["无效的选项，可选值：1、2、3、4、5"]
    r = api.client.post("/api/units", "{not json", content_type="application/json")
    assert r.status_code == 400
    assert r.json() == {"detail": "请求体无法解析，应为 JSON"}
    r = api.post("/api/units", {"building_id": "b1", "number": "3"})
    assert r.status_code == 422
    assert r.json()["detail"]["building_id"] == ["请输入整数"]
    assert api.get("/api/units/999999").json() == {"detail": "未找到"}


def test_openapi_document(world):
    r = Client().get("/api/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    for resource in RESOURCES:
        assert set(paths[f"/api/{resource}"]) == {"get", "post"}
        assert {"get", "patch"} <= set(paths[f"/api/{resource}/{{{resource[:-1]}_id}}"])
    schemes = r.json()["components"]["securitySchemes"]
    assert schemes["TokenAuth"]["scheme"] == "bearer"


def test_docs_page_uses_local_assets_only(world):
    r = Client().get("/api/docs")
    assert r.status_code == 200
    html = r.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert "/static/ninja/swagger-ui-bundle.js" in assets
    assert all(a.startswith("/static/") for a in assets), assets
    assert "http://" not in html and "https://" not in html
    assert '"validatorUrl": null' in html
    # The assets are found by the static files finders, hence served and collected.
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset


@pytest.mark.parametrize("resource", RESOURCES)
def test_list_query_count_does_not_grow_with_rows(
    world, api_for, resource, django_assert_max_num_queries
):
    api = api_for(world.users.commander)
    with django_assert_max_num_queries(6):
        r = api.get(f"/api/{resource}")
    assert r.status_code == 200 and r.json()["count"] >= 2
