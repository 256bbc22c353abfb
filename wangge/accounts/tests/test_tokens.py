"""API tokens: shown once, stored hashed, revocable; the create-token command; the profile page."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from wangge.accounts import models as token_models
from wangge.accounts.models import ApiToken
from wangge.core.models import ChangeLog

TOKENS = reverse("accounts:token_list")


def _key(html: str) -> str:
    match = re.search(r'id="new-key">(wg_[^<]+)<', html)
    assert match, "the new key is on the page"
    return match.group(1)


def test_token_created_shown_once_and_authenticates(world, client_for):
    client = client_for(world.users.grid_leader)
    response = client.post(TOKENS, {"name": "采样点3号扫码枪"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    key = _key(response.content.decode())
    token = ApiToken.objects.get(user=world.users.grid_leader)
    assert token.key_hash != key and key not in token.key_hash
    assert ApiToken.authenticate(key) == world.users.grid_leader
    html = client.get(TOKENS).content.decode()
    assert key not in html and "采样点3号扫码枪" in html and token.prefix in html
    row = ChangeLog.objects.get(model="accounts.apitoken", object_id=str(token.pk))
    assert key not in str(row.after) and token.key_hash not in str(row.after)


def test_token_list_shows_only_own_tokens(world, client_for):
    ApiToken.issue(world.users.commander, "指挥部大屏")
    html = client_for(world.users.grid_leader).get(TOKENS).content.decode()
    assert "指挥部大屏" not in html


def test_revoke_token(world, client_for):
    token, key = ApiToken.issue(world.users.grid_leader, "旧设备")
    url = reverse("accounts:token_revoke", args=[token.pk])
    assert client_for(world.users.commander).post(url).status_code == 404
    assert ApiToken.authenticate(key) == world.users.grid_leader
    assert client_for(world.users.grid_leader).post(url).status_code == 302
    assert ApiToken.authenticate(key) is None


def test_token_name_required(world, client_for):
    response = client_for(world.users.grid_leader).post(TOKENS, {"name": " "})
    assert response.status_code == 200
    assert not ApiToken.objects.exists()


def test_create_token_command(world):
    out, err = StringIO(), StringIO()
    call_command("create_token", "commander_a", "数据对接", stdout=out, stderr=err)
    key = out.getvalue().strip()
    assert key.startswith("wg_")
    assert ApiToken.authenticate(key) == world.users.commander
    assert "shown only now" in err.getvalue()
    with pytest.raises(CommandError):
        call_command("create_token", "no_such_user", "x", stdout=StringIO())


def test_profile_shows_roles_and_scope(world, client_for):
    html = client_for(world.users.building_leader).get(reverse("accounts:profile")).content.decode()
    assert "楼栋长" in html and "1号楼" in html
    assert "修改" in html and "导出" not in html
    html = client_for(world.users.nobody).get(reverse("accounts:profile")).content.decode()
    assert "还没有被分配角色" in html


def test_own_password_change(world, client_for):
    from conftest import PASSWORD

    client = client_for(world.users.volunteer)
    url = reverse("accounts:password_change")
    response = client.post(
        url, {"old_password": "wrong", "password1": "New-pass-2022!", "password2": "New-pass-2022!"}
    )
    assert "原密码不正确" in response.content.decode()
    response = client.post(
        url,
        {"old_password": PASSWORD, "password1": "New-pass-2022!", "password2": "New-pass-2022!"},
    )
    assert response.status_code == 302
    world.users.volunteer.refresh_from_db()
    assert world.users.volunteer.check_password("New-pass-2022!")
    # Still signed in after changing the password.
    assert client.get(reverse("accounts:profile")).status_code == 200


class _Clock:
    """time.monotonic of the token cache, moved by hand."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    tick = _Clock()
    monkeypatch.setattr(token_models.time, "monotonic", tick)
    token_models._tokens.clear()
    return tick


def test_token_use_is_recorded_at_most_once_a_minute(world, clock, django_assert_num_queries):
    token, key = ApiToken.issue(world.users.grid_leader, "采样台")
    with django_assert_num_queries(2):  # the token, then the first use recorded
        assert ApiToken.authenticate(key) == world.users.grid_leader
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    with django_assert_num_queries(0):  # kept by the process for a few seconds
        assert ApiToken.authenticate(key) == world.users.grid_leader
    clock.now += token_models.TOKEN_CACHE_SECONDS
    with django_assert_num_queries(1):  # read again, the use is not a minute old
        assert ApiToken.authenticate(key) == world.users.grid_leader
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(minutes=2))
    clock.now += token_models.TOKEN_CACHE_SECONDS
    with django_assert_num_queries(2):
        ApiToken.authenticate(key)
    token.refresh_from_db()
    assert token.last_used_at > first


def test_a_revoked_token_or_deactivated_user_is_refused_at_once(world, clock):
    user = world.users.grid_leader
    token, key = ApiToken.issue(user, "采样台")
    assert ApiToken.authenticate(key) == user
    token.delete()  # revoked in this process: no waiting for the cache
    assert ApiToken.authenticate(key) is None
    _, key = ApiToken.issue(user, "采样台")
    assert ApiToken.authenticate(key) == user
    user.is_active = False
    user.save()
    assert ApiToken.authenticate(key) is None


def test_a_change_of_roles_is_seen_by_the_next_request(world, clock):
    from wangge.accounts.models import RoleAssignment
    from wangge.core.scope import scope_paths

    user = world.users.volunteer
    _, key = ApiToken.issue(user, "采样台")
    before = scope_paths(ApiToken.authenticate(key))
    RoleAssignment.objects.filter(user=user).delete()  # a queryset delete sends the signal too
    assert scope_paths(ApiToken.authenticate(key)) == [] != before
