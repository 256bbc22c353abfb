"""The control app's scope-test entries (see tests/test_outsider_sees_nothing.py): the risk
designation list, the designation form (with a place of the street preset) and lifting a
designation of one of the street's units."""

from __future__ import annotations

from wangge.control.models import DesignationLevel
from wangge.control.services import designate

OBJECT_ARGS: dict = {
    "control:designation_lift": lambda w, x: {"pk": x["control_designation"].pk},
}
LIST_QUERIES: dict = {
    "control:designation_list": ["", "?all=1", "?level=controlled"],
    "control:designation_create": [
        "",
        "?estate={estate}",
        "?building={b1}",
        "?q=阳光",
        "?q=阳光 1",
    ],
}
API_OBJECTS: dict = {}
API_FILTERS: dict = {}


def extra(world) -> dict:
    designation = designate(
        world.u11,
        DesignationLevel.objects.get(code="controlled"),
        actor=world.users.commander,
        reason="第一网格出现密接",
    )
    return {"control_designation": designation}
