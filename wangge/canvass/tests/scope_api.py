"""The api part of the canvass app's scope-test entries (see scope_urls): a campaign of
world.community with one answered visit to h101 that flags 张伟 (contact with a case), named by
the API's path parameters campaign_id and flag_id and by its filters."""

import datetime as dt

from django.utils import timezone

from wangge.canvass.library import questionnaire_from_library
from wangge.canvass.models import Flag
from wangge.canvass.services import create_campaign, record_visit

OBJECT_ARGS: dict = {}
LIST_QUERIES: dict = {}
API_OBJECTS: dict = {
    "campaign_id": lambda w, x: x["api_campaign"].pk,
    "flag_id": lambda w, x: x["api_flag"].pk,
}
API_FILTERS: dict = {
    "campaign": lambda w, x: x["api_campaign"].pk,
    "code": lambda w, x: "contact",
    "outcome": lambda w, x: "answered",
}


def extra(world) -> dict:
    actor = world.users.commander
    today = timezone.localdate()
    campaign = create_campaign(
        actor=actor,
        questionnaire=questionnaire_from_library("returnee", area=world.community, actor=actor),
        copy=False,
        name="接口排查",
        area=world.community,
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=3),
        methods=["visit", "phone"],
    )
    answers = {
        "people_count": 2,
        "persons": [
            {"person": world.zhang.pk, "name": "张伟", "left_city": "no", "contact": "case"}
        ],
    }
    visit, _ = record_visit(
        campaign,
        world.h101,
        actor=actor,
        method="visit",
        outcome="answered",
        answers=answers,
    )
    return {
        "api_campaign": campaign,
        "api_visit": visit,
        "api_flag": Flag.objects.get(visit=visit, code="contact"),
    }
