"""The door part of the canvass app's scope-test entries (see scope_urls): a campaign over
world.street's community, a visit at h101 and a visit import job."""

from __future__ import annotations

from wangge.canvass.models import Visit
from wangge.canvass.services import record_visit
from wangge.core.models_imports import ImportJob

from .conftest import make_campaign

OBJECT_ARGS: dict = {
    "canvass:door_campaign": lambda w, x: {"pk": x["door_campaign"].pk},
    "canvass:door_building": lambda w, x: {"pk": x["door_campaign"].pk, "building_pk": w.b1.pk},
    "canvass:visit_create": lambda w, x: {"pk": x["door_campaign"].pk, "household_pk": w.h101.pk},
    "canvass:visit_detail": lambda w, x: {"pk": x["door_visit"].pk},
    "canvass:visits_import": lambda w, x: {"pk": x["door_campaign"].pk},
    "canvass:visits_template": lambda w, x: {"pk": x["door_campaign"].pk},
    "canvass:visits_job": lambda w, x: {"pk": x["door_job"].pk},
    "canvass:visits_job_errors": lambda w, x: {"pk": x["door_job"].pk, "fmt": "csv"},
}
LIST_QUERIES: dict = {"canvass:door_home": [""]}
API_OBJECTS: dict = {}
API_FILTERS: dict = {}


def extra(world) -> dict:
    campaign = make_campaign(world, name="兴华社区敲门行动")
    visit, _created = record_visit(
        campaign,
        world.h101,
        actor=world.users.commander,
        method="visit",
        outcome="absent",
        source=Visit.Source.WEB,
    )
    job = ImportJob.objects.create(
        kind="canvass_visits",
        original_name="走访记录.xlsx",
        area=world.community,
        user=world.users.commander,
        status="done",
        scope_path=world.community.path,
        options={"campaign": campaign.pk},
        errors=[{"row": 3, "column": "排查人", "value": "张伟", "reason": "x"}],
    )
    return {"door_campaign": campaign, "door_visit": visit, "door_job": job}
