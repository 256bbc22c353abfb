import datetime as dt

import pytest
from django.utils import timezone

from wangge.canvass.library import questionnaire_from_library
from wangge.canvass.models import Campaign, RiskLevel, RiskPlace
from wangge.canvass.services import create_campaign


def make_campaign(world, *, key="returnee", area=None, actor=None, **fields) -> Campaign:
    area = area or world.community
    actor = actor or world.users.commander
    today = timezone.localdate()
    q = questionnaire_from_library(key, area=area, actor=actor)
    values = {
        "name": "入延人员排查",
        "area": area,
        "starts_on": today - dt.timedelta(days=2),
        "ends_on": today + dt.timedelta(days=5),
        "methods": ["visit", "phone", "wechat"],
    }
    values.update(fields)
    return create_campaign(actor=actor, questionnaire=q, copy=False, **values)


@pytest.fixture
def campaign(world):
    return make_campaign(world)


@pytest.fixture
def risk_place(db):
    today = timezone.localdate()
    return RiskPlace.objects.create(
        region="上海市浦东新区", level=RiskLevel.HIGH, starts_on=today - dt.timedelta(days=20)
    )
