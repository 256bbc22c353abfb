"""The WSGI entry: token requests to the API take the short middleware stack, everything else
the full one; both answer as the API documents."""

from __future__ import annotations

import gc
import io
import json

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import reverse

from wangge.accounts.models import ApiToken
from wangge.core.gcpause import gc_paused
from wangge.core.handlers import is_token_api_request
from wangge.wsgi import application


def _call(path: str, *, token: str = "", cookie: str = "", method: str = "GET", body=None):
    data = json.dumps(body).encode() if body is not None else b""
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(data)),
        "wsgi.input": io.BytesIO(data),
        "wsgi.errors": io.StringIO(),
        "wsgi.url_scheme": "http",
    }
    if token:
        environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    status: list[str] = []
    headers: dict[str, str] = {}

    def start_response(line, pairs, exc_info=None):
        status.append(line)
        headers.update(pairs)

    content = b"".join(application(environ, start_response))
    return int(status[0].split()[0]), headers, content


@pytest.fixture(autouse=True)
def _as_the_test_client(settings):
    """Like Django's test client: the test's database connection (inside its transaction)
    must stay open across the requests, so the request signals do not close it."""
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_only_token_requests_to_the_api_take_the_short_stack():
    assert is_token_api_request({"PATH_INFO": "/api/areas", "HTTP_AUTHORIZATION": "Bearer x"})
    assert not is_token_api_request({"PATH_INFO": "/api/areas"})  # a browser's session
    assert not is_token_api_request({"PATH_INFO": "/areas/", "HTTP_AUTHORIZATION": "Bearer x"})


@pytest.mark.django_db
def test_a_token_reads_the_api_through_the_wsgi_entry(world):
    _, key = ApiToken.issue(world.users.grid_leader, "测试")
    status, headers, content = _call("/api/areas", token=key)
    assert status == 200
    assert headers["X-Request-ID"]  # the audit's request id is set on this stack too
    assert "X-Frame-Options" not in headers  # no page middleware ran
    names = {a["name"] for a in json.loads(content)["items"]}
    assert world.grid1.name in names and world.other_grid.name not in names


@pytest.mark.django_db
def test_a_bad_token_is_401_not_an_error(world):
    status, _, content = _call("/api/areas", token="wg_not-a-token")
    assert status == 401
    assert json.loads(content)["detail"]


@pytest.mark.django_db
def test_a_browser_session_still_uses_the_api_through_the_full_stack(world, client_for):
    client = client_for(world.users.grid_leader)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    status, headers, content = _call("/api/areas", cookie=cookie)
    assert status == 200
    assert headers["X-Frame-Options"] == "DENY"  # the pages' stack
    assert world.grid1.name in {a["name"] for a in json.loads(content)["items"]}
    status, _, _ = _call(reverse("core:home"), cookie=cookie)
    assert status == 200


def test_gc_paused_restores_collection_also_after_an_error():
    assert gc.isenabled()
    with pytest.raises(ValueError), gc_paused():
        assert not gc.isenabled()
        raise ValueError
    assert gc.isenabled()
