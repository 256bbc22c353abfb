"""The coverage part of the canvass app's scope-test entries (see scope_urls): the ledger and
its lists, the daily closes and the flagged people of a campaign in world.street."""

from django.utils import timezone

from wangge.canvass.closes import close_day
from wangge.canvass.services import record_visit

from .conftest import make_campaign


def _campaign(w, x):
    return {"pk": x["coverage_campaign"].pk}


def _close(w, x):
    return {"pk": x["coverage_close"].pk}


OBJECT_ARGS: dict = {
    "canvass:coverage": _campaign,
    "canvass:coverage_list": _campaign,
    "canvass:coverage_export": _campaign,
    "canvass:coverage_print": _campaign,
    "canvass:close_list": _campaign,
    "canvass:close_run": _campaign,
    "canvass:close_detail": _close,
    "canvass:close_export": _close,
    "canvass:flag_decide": lambda w, x: {"pk": x["coverage_flag"].pk},
}
LIST_QUERIES: dict = {
    "canvass:flag_list": [
        "",
        "?q=张伟",
        "?area={grid1}",
        "?code=contact",
        "?decided=no",
        "?decided=yes&code=travel_risk",
    ],
    "canvass:flag_export": ["", "?area={grid1}", "?q=张伟"],
}
API_OBJECTS: dict = {}
API_FILTERS: dict = {}


def extra(world) -> dict:
    """A campaign over the community with a visit to h101 that flags 张伟 (contact with a case)
    and today's close."""
    campaign = make_campaign(world, name="敲门行动（覆盖）")
    visit, _created = record_visit(
        campaign,
        world.h101,
        actor=world.users.grid_leader,
        method="visit",
        outcome="answered",
        answers={
            "people_count": 2,
            "persons": [
                {"person": world.zhang.pk, "name": "张伟", "left_city": "no", "contact": "case"}
            ],
        },
    )
    close, _created = close_day(campaign, timezone.localdate(), actor=world.users.commander)
    return {
        "coverage_campaign": campaign,
        "coverage_flag": visit.flags.get(),
        "coverage_close": close,
    }
