"""Scope-test entries of the supervision app, part venues: the register (filters, search), the
export and the summary over the street, one venue, its edit and state pages; the API's venues.
extra() registers a supermarket and a closed gym in world.grid1, the gym swept once."""

from __future__ import annotations

OBJECT_ARGS: dict = {
    "supervision:venue_detail": lambda w, x: {"pk": x["venues_market"].pk},
    "supervision:venue_edit": lambda w, x: {"pk": x["venues_market"].pk},
    "supervision:venue_state": lambda w, x: {"pk": x["venues_gym"].pk},
}
LIST_QUERIES: dict = {
    "supervision:venue_list": [
        "",
        "?q=阳光",
        "?q=5678",
        "?kind=supply",
        "?kind=fitness",
        "?state=closed",
        "?state=inactive",
        "?area={grid1}",
        "?area={street}",
    ],
    "supervision:venue_create": ["", "?kind=supermarket"],
    "supervision:venue_export": ["", "?area={street}", "?q=阳光"],
    "supervision:venue_summary": ["", "?area={street}", "?area={grid1}&since=2022-01-01"],
}
API_OBJECTS: dict = {"venue_id": lambda w, x: x["venues_market"].pk}
API_FILTERS: dict = {}  # "area" and "q" are shared names; "kind" is another API's too


def extra(world) -> dict:
    from django.utils import timezone

    from wangge.supervision.models import Inspection
    from wangge.supervision.services_venues import register_venue

    commander = world.users.commander
    market = register_venue(
        world.grid1,
        actor=commander,
        name="阳光小区超市",
        kind="supermarket",
        address="阳光小区1号楼底商",
        owner_name="张伟",
        owner_phone="13800000001",
    )
    gym = register_venue(
        world.grid1,
        actor=commander,
        name="阳光健身",
        kind="fitness",
        address="阳光小区会所",
        owner_name="王芳",
        owner_phone="13800000003",
    )
    Inspection.objects.create(
        area=world.grid1,
        target_type="venue",
        venue=gym,
        target_name=gym.name,
        inspected_at=timezone.now(),
        inspector_name="赵网格",
    )
    return {"venues_market": market, "venues_gym": gym}
