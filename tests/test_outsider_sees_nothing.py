"""Generated scope tests: for every page and API operation of the site, users of another street
(a commander and an admin there) get 404 for the street's objects and find none of its
people, phones or ID numbers in any list, search, dropdown or export.

A new URL with an object argument fails `test_every_object_url_is_covered` until it is added to
OBJECT_ARGS, so no page escapes these checks. An app adds its own URLs in
`wangge/<app>/tests/scope_urls.py`, which may define OBJECT_ARGS, LIST_QUERIES, API_OBJECTS
(API path parameter -> function(world, extra) giving an id), API_FILTERS and
`extra(world) -> dict` to create the objects it names (inside world.street)."""

from __future__ import annotations

import importlib
import re

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from wangge.accounts.models import ApiToken, RoleAssignment, User
from wangge.accounts.roles import Role
from wangge.api.tests.helpers import ApiClient
from wangge.core.models import ImportJob
from wangge.people.models import LeaderAssignment, Residence
from wangge.people.services import update_person

# URL name -> function(world, extra) giving the kwargs that name one of world.street's objects.
OBJECT_ARGS = {
    "accounts:token_revoke": lambda w, x: {"pk": x["token"].pk},
    "accounts:user_detail": lambda w, x: {"pk": w.users.grid_leader.pk},
    "accounts:user_edit": lambda w, x: {"pk": w.users.grid_leader.pk},
    "accounts:assignment_add": lambda w, x: {"pk": w.users.grid_leader.pk},
    "accounts:assignment_remove": lambda w, x: {"pk": x["assignment"].pk},
    "places:area_detail": lambda w, x: {"pk": w.grid1.pk},
    "places:area_create": lambda w, x: {"parent_pk": w.community.pk},
    "places:estate_create": lambda w, x: {"area_pk": w.community.pk},
    "places:leaders_notice_grid": lambda w, x: {"pk": w.grid1.pk},
    "places:estate_detail": lambda w, x: {"pk": w.estate.pk},
    "places:estate_edit": lambda w, x: {"pk": w.estate.pk},
    "places:building_detail": lambda w, x: {"pk": w.b1.pk},
    "places:building_edit": lambda w, x: {"pk": w.b1.pk},
    "places:building_map": lambda w, x: {"pk": w.b1.pk},
    "places:leaders_notice": lambda w, x: {"pk": w.b1.pk},
    "places:unit_create": lambda w, x: {"building_pk": w.b1.pk},
    "places:household_create": lambda w, x: {"building_pk": w.b1.pk},
    "places:household_detail": lambda w, x: {"pk": w.h101.pk},
    "places:household_edit": lambda w, x: {"pk": w.h101.pk},
    "places:household_reveal": lambda w, x: {"pk": w.h101.pk},
    "people:person_detail": lambda w, x: {"pk": w.zhang.pk},
    "people:person_reveal": lambda w, x: {"pk": w.zhang.pk},
    "people:person_edit": lambda w, x: {"pk": w.zhang.pk},
    "people:residence_add": lambda w, x: {"pk": w.zhang.pk},
    "people:residence_end": lambda w, x: {"pk": x["residence"].pk},
    "people:leader_edit": lambda w, x: {"pk": x["leader"].pk},
    "registry:job": lambda w, x: {"pk": x["job"].pk},
    "registry:job_errors": lambda w, x: {"pk": x["job"].pk, "fmt": "csv"},
}
# Lists and searches, with query strings that name the street's objects.
LIST_QUERIES = {
    "core:home": [""],
    "core:changelog": ["", "?model=people.person"],
    "core:accesslog": [""],
    "accounts:profile": [""],
    "accounts:token_list": [""],
    "accounts:user_list": ["", "?q=grid1"],
    "accounts:user_create": [""],
    "places:area_tree": ["", "?area={street}", "?area={grid1}"],
    "places:building_list": ["", "?q=1", "?grid={grid1}", "?estate={estate}"],
    "places:building_create": ["", "?grid={grid1}"],
    "places:household_list": ["", "?q=张伟", "?q=0101", "?grid={grid1}", "?building={b1}"],
    "people:person_list": [
        "",
        "?q=张伟",
        "?q=zw",
        "?q=0001",
        "?area={grid1}",
        "?special_group=elderly_alone",
    ],
    "people:person_create": ["", "?household={h101}", "?area={grid1}"],
    "people:leader_list": ["", "?q=赵", "?role=grid"],
    "people:leader_create": [""],
    "registry:import": [""],
    "registry:jobs": [""],
    "registry:template": [""],
    "registry:export": ["?area={grid1}", "?area={street}"],
}
API_OBJECTS: dict = {}
API_FILTERS: dict = {}
EXTRAS = []
for _app in apps.get_app_configs():
    if not _app.name.startswith("wangge."):
        continue
    try:
        _mod = importlib.import_module(f"{_app.name}.tests.scope_urls")
    except ModuleNotFoundError:
        continue
    # An app split in parts lists its parts' modules in PARTS, each with the same names.
    for _part in getattr(_mod, "PARTS", (_mod,)):
        OBJECT_ARGS.update(getattr(_part, "OBJECT_ARGS", {}))
        LIST_QUERIES.update(getattr(_part, "LIST_QUERIES", {}))
        API_OBJECTS.update(getattr(_part, "API_OBJECTS", {}))
        API_FILTERS.update(getattr(_part, "API_FILTERS", {}))
        if hasattr(_part, "extra"):
            EXTRAS.append(_part.extra)

NO_SCOPE = {"accounts:login", "accounts:logout", "accounts:password_change", "set_language"}


def url_names(resolver=None, ns=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            inner = f"{ns}:{p.namespace}" if ns and p.namespace else (p.namespace or ns)
            yield from url_names(p, inner)
        elif isinstance(p, URLPattern) and p.name:
            yield (f"{ns}:{p.name}" if ns else p.name), bool(p.pattern.converters)


def is_admin(user) -> bool:
    return user.role_assignments.filter(role=Role.ADMIN).exists()


def web_names():
    return [(n, has_args) for n, has_args in url_names() if not n.startswith("api-")]


def secrets_of(w) -> list[str]:
    """Text from world.street that must never reach an outsider."""
    people = [w.zhang, w.zhang_wife, w.wang, w.li, w.liu]
    return (
        [p.name for p in people]
        + [p.id_number for p in people]
        + [p.phone for p in people]
        + [p.id_number[-4:] + "</" for p in people]
        + ["阳光小区", "第一网格", "第二网格", "兴华社区", "13900000101", "赵网格", "钱楼长"]
    )


@pytest.fixture
def setup(world):
    w = world
    admin_b = User.objects.create_user("admin_b", password="x-Secret-2022")
    RoleAssignment.objects.create(user=admin_b, role=Role.ADMIN, area=w.other_street)
    update_person(w.zhang, {"notes": "腿脚不便"}, actor=w.users.commander)
    token, _ = ApiToken.issue(w.users.commander, "street token")
    extra = {
        "token": token,
        "assignment": RoleAssignment.objects.get(user=w.users.grid_leader),
        "residence": Residence.objects.get(person=w.zhang),
        "leader": LeaderAssignment.objects.get(role="grid", area=w.grid1),
        "job": ImportJob.objects.create(
            kind="registry",
            original_name="网格一.xlsx",
            area=w.grid1,
            user=w.users.commander,
            status="done",
            scope_path=w.grid1.path,
            errors=[{"row": 3, "column": "姓名", "value": "张伟", "reason": "x"}],
        ),
    }
    for make in EXTRAS:
        extra.update(make(w))
    return w, extra, [w.users.outsider, admin_b]


def test_every_object_url_is_covered():
    missing = [n for n, has_args in web_names() if has_args and n not in OBJECT_ARGS]
    assert not missing, f"add these URLs to OBJECT_ARGS: {missing}"
    unlisted = [
        n
        for n, has_args in web_names()
        if not has_args and n not in LIST_QUERIES and n not in NO_SCOPE
    ]
    assert not unlisted, f"add these URLs to LIST_QUERIES: {unlisted}"


def test_object_pages_are_404_for_outsiders(setup, client_for):
    w, extra, outsiders = setup
    for user in outsiders:
        c = client_for(user)
        for name, make in OBJECT_ARGS.items():
            url = reverse(name, kwargs=make(w, extra))
            codes = [c.get(url).status_code, c.post(url).status_code]
            # 405 (wrong method) reveals nothing; the method the page accepts must be a 404,
            # except a whole section refused (403) to a user whose roles lack its action.
            section_refused = name.startswith("accounts:user") or name.startswith(
                "accounts:assignment"
            )
            section_refused = section_refused and not is_admin(user)
            allowed = {403} if section_refused else {404}
            assert set(codes) & allowed and set(codes) <= allowed | {405}, (
                user.username,
                name,
                codes,
            )


def test_lists_searches_and_dropdowns_show_nothing_of_the_street(setup, client_for):
    w, extra, outsiders = setup
    fmt = {
        "street": w.street.pk,
        "grid1": w.grid1.pk,
        "estate": w.estate.pk,
        "b1": w.b1.pk,
        "h101": w.h101.pk,
    }
    secrets = secrets_of(w)
    for user in outsiders:
        c = client_for(user)
        for name, queries in LIST_QUERIES.items():
            for q in queries:
                r = c.get(reverse(name) + q.format(**fmt))
                assert r.status_code in (200, 302, 403, 404), (name, q, r.status_code)
                raw = b"".join(r.streaming_content) if r.streaming else r.content
                body = raw.decode("utf-8", "replace") if r.status_code == 200 else ""
                # The search box echoes what was typed; that is not a leak.
                if "q=" in q:
                    body = body.replace(f'value="{q.split("q=")[1]}"', "")
                leaked = [s for s in secrets if s in body]
                assert not leaked, (user.username, name, q, leaked)


def test_exports_refuse_the_street(setup, client_for):
    w, extra, outsiders = setup
    for user in outsiders:
        c = client_for(user)
        for area in (w.street, w.grid1, w.community):
            assert c.get(reverse("registry:export"), {"area": area.pk}).status_code == 404


def api_paths():
    from wangge.api.api import api

    schema = api.get_openapi_schema()
    return schema["paths"]


def test_api_outsiders_get_404_and_empty_lists(setup):
    w, extra, outsiders = setup
    objects = {
        "area_id": w.grid1.pk,
        "building_id": w.b1.pk,
        "unit_id": w.u11.pk,
        "household_id": w.h101.pk,
        "person_id": w.zhang.pk,
        "residence_id": extra["residence"].pk,
    }
    objects.update({name: make(w, extra) for name, make in API_OBJECTS.items()})
    filters = {
        "parent": w.street.pk,
        "area": w.grid1.pk,
        "building": w.b1.pk,
        "unit": w.u11.pk,
        "household": w.h101.pk,
        "person": w.zhang.pk,
        "estate": w.estate.pk,
        "q": "张伟",
    }
    filters.update({name: make(w, extra) for name, make in API_FILTERS.items()})
    secrets = secrets_of(w)
    checked = 0
    for user in outsiders:
        _, key = ApiToken.issue(user, "t")
        api = ApiClient(key)
        for path, ops in api_paths().items():
            url = path
            for param in re.findall(r"{(\w+)}", path):
                url = url.replace("{" + param + "}", str(objects[param]))
            if "{" in path:
                if "get" in ops:
                    assert api.get(url).status_code == 404, url
                # A write names the object but must answer exactly as for one that does not
                # exist (404, or a refusal or validation error that does not depend on it).
                missing = re.sub(r"/\d+", "/987654321", url)
                for method in ("patch", "post"):
                    if method in ops:
                        real = getattr(api, method)(url, {})
                        ghost = getattr(api, method)(missing, {})
                        assert real.status_code in (403, 404, 422), (method, url, real.status_code)
                        assert (real.status_code, real.content) == (
                            ghost.status_code,
                            ghost.content,
                        ), (method, url)
                checked += 1
            elif "get" in ops and "openapi" not in path and path.rstrip("/") != "/api":
                params = {
                    p["name"]: filters[p["name"]]
                    for p in ops["get"].get("parameters", [])
                    if p["name"] in filters
                }
                for query in ({}, params):
                    r = api.get(url, query)
                    assert r.status_code == 200, (path, query, r.status_code)
                    body = r.content.decode()
                    assert not [s for s in secrets if s in body], (path, query)
                checked += 1
    assert checked >= 24
