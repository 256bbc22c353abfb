"""Sign-in: hashed passwords, rate limiting, session expiry, sign-out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from wangge.accounts.models import LoginAttempt

LOGIN = reverse("accounts:login")


def test_password_is_hashed(world):
    user = world.users.commander
    assert user.password != PASSWORD
    assert PASSWORD not in user.password
    assert user.check_password(PASSWORD)


def test_login_page_renders(world, client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "登录" in html and 'name="username"' in html and 'name="password"' in html


def test_login_lands_on_home_and_session_expires(world, client, settings):
    response = client.post(LOGIN, {"username": "commander_a", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    session = client.session
    assert session.get_expire_at_browser_close() is True
    assert session.get_expiry_age() == settings.SESSION_COOKIE_AGE == 8 * 3600
    assert client.get(reverse("people:person_list")).status_code == 200


def test_wrong_password_is_recorded(world, client):
    response = client.post(LOGIN, {"username": "commander_a", "password": "wrong"})
    assert response.status_code == 200
    assert LoginAttempt.objects.filter(username="commander_a").count() == 1
    assert "_auth_user_id" not in client.session


def test_rate_limit_refuses_even_the_right_password(world, client, settings):
    settings.LOGIN_RATE_LIMIT = 3
    for _ in range(3):
        assert client.post(LOGIN, {"username": "commander_a", "password": "x"}).status_code == 200
    response = client.post(LOGIN, {"username": "commander_a", "password": PASSWORD})
    assert response.status_code == 429
    assert "登录失败次数过多，请15分钟后再试" in response.content.decode()
    assert response["Retry-After"] == "900"
    assert "_auth_user_id" not in client.session
    # Another user from another address is not affected.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post(LOGIN, {"username": "admin_a", "password": PASSWORD}).status_code == 302


def test_rate_limit_window_passes(world, client, settings):
    settings.LOGIN_RATE_LIMIT = 2
    for _ in range(2):
        client.post(LOGIN, {"username": "commander_a", "password": "x"})
    LoginAttempt.objects.update(at=timezone.now() - dt.timedelta(minutes=16))
    response = client.post(LOGIN, {"username": "commander_a", "password": PASSWORD})
    assert response.status_code == 302


def test_rate_limit_per_address(world, settings):
    settings.LOGIN_RATE_LIMIT = 2
    settings.LOGIN_RATE_LIMIT_PER_IP = 4
    client = Client(REMOTE_ADDR="10.1.1.1")
    for name in ("a1", "a2", "a3", "a4"):
        client.post(LOGIN, {"username": name, "password": "x"})
    response = client.post(LOGIN, {"username": "commander_a", "password": PASSWORD})
    assert response.status_code == 429


def test_success_clears_failures_and_prunes(world, client, settings):
    settings.LOGIN_RATE_LIMIT = 3
    old = LoginAttempt.objects.create(username="someone", ip="1.2.3.4")
    LoginAttempt.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(hours=1))
    for _ in range(2):
        client.post(LOGIN, {"username": "commander_a", "password": "x"})
    assert not LoginAttempt.objects.filter(pk=old.pk).exists()  # pruned
    assert client.post(LOGIN, {"username": "commander_a", "password": PASSWORD}).status_code == 302
    assert not LoginAttempt.objects.filter(username="commander_a").exists()


@pytest.mark.parametrize("username", ["COMMANDER_A", " commander_a"])
def test_rate_limit_key_ignores_case_and_spaces(world, client, settings, username):
    settings.LOGIN_RATE_LIMIT = 2
    client.post(LOGIN, {"username": username, "password": "x"})
    client.post(LOGIN, {"username": "commander_a", "password": "x"})
    assert client.post(LOGIN, {"username": "commander_a", "password": PASSWORD}).status_code == 429


def test_logout(world, client_for):
    client = client_for(world.users.commander)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_inactive_user_cannot_sign_in(world, client):
    user = world.users.volunteer
    user.is_active = False
    user.save()
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
