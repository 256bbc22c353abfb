"""Fixtures of the registry part's tests: an open recruitment in world.community."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from wangge.workforce import services_recruitment


@pytest.fixture
def recruitment(world):
    now = timezone.now()
    return services_recruitment.create_recruitment(
        actor=world.users.commander,
        area=world.community,
        title="今天核酸采样严重缺人",
        starts_at=now,
        ends_at=now + dt.timedelta(hours=8),
        needed=3,
        skills=["sampling"],
    )


@pytest.fixture
def join_url(recruitment):
    from django.urls import reverse

    return reverse(
        "workforce:public_signup", args=[services_recruitment.recruitment_token(recruitment)]
    )
