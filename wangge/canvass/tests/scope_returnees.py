"""The returnees part of the canvass app's scope-test entries (see scope_urls): the risk-place
pages, arrivals, their report and export, the stairwell poster of a unit and the public form
(by a forged code: whoever holds a unit's real code may use its form, but an outsider who knows
the unit's id cannot forge the signature)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from wangge.canvass.models import RiskLevel, RiskPlace
from wangge.canvass.services_returnees import UNIT, register_arrival

OBJECT_ARGS: dict = {
    "canvass:riskplace_edit": lambda w, x: {"pk": x["returnees_riskplace"].pk},
    "canvass:riskplace_delete": lambda w, x: {"pk": x["returnees_riskplace"].pk},
    "canvass:arrival_detail": lambda w, x: {"pk": x["returnees_arrival"].pk},
    "canvass:arrival_poster": lambda w, x: {"unit_pk": w.u11.pk},
    "canvass:arrival_public": lambda w, x: {"token": f"{UNIT}:{w.u11.pk}:AAAAAAAAAAAA"},
}
LIST_QUERIES: dict = {
    "canvass:riskplace_list": ["", "?all=1", "?q=上海", "?level=high"],
    "canvass:riskplace_create": [""],
    "canvass:riskplace_import": [""],
    "canvass:arrival_list": [
        "",
        "?q=张伟",
        "?q=0001",
        "?grid={grid1}",
        "?building={b1}",
        "?level=high&source=worker",
        "?date_from=2000-01-01",
    ],
    "canvass:arrival_create": ["", "?household={h101}", "?grid={grid1}", "?hq=张伟", "?hq=101"],
    "canvass:arrival_report": ["", "?area={street}", "?area={grid1}", "?date_from=2000-01-01"],
    "canvass:arrival_report_export": ["", "?area={street}", "?area={grid1}"],
}
API_OBJECTS: dict = {}
API_FILTERS: dict = {}


def extra(world) -> dict:
    today = timezone.localdate()
    place = RiskPlace.objects.create(
        region="上海市浦东新区", level=RiskLevel.HIGH, starts_on=today - dt.timedelta(days=10)
    )
    arrival, _ = register_arrival(
        actor=world.users.commander,
        source="worker",
        household=world.h101,
        name=world.zhang.name,
        id_number=world.zhang.id_number,
        phone=world.zhang.phone,
        origin="上海市浦东新区张江镇",
        arrived_on=today,
    )
    return {"returnees_riskplace": place, "returnees_arrival": arrival}
