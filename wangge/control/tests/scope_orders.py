"""Scope-test entries of the control app's orders part: the list (searches and filters naming
the street), the export, placing (a household of the street, a search, flags and a round by
guessed ids), one order with extend, release and cancel, and the release list."""

from __future__ import annotations

from django.utils import timezone

from wangge.control.models import OrderType
from wangge.control.services import overlapping, place_order

OBJECT_ARGS: dict = {
    "control:order_detail": lambda w, x: {"pk": x["orders_order"].pk},
    "control:order_extend": lambda w, x: {"pk": x["orders_order"].pk},
    "control:order_release": lambda w, x: {"pk": x["orders_order"].pk},
    "control:order_cancel": lambda w, x: {"pk": x["orders_order"].pk},
}
_FILTERS = [
    "",
    "?q=张伟",
    "?q=0001",
    "?grid={grid1}",
    "?status=all",
    "?type=home_quarantine&source=manual",
    "?docs=unserved",
    "?due=soon",
]
LIST_QUERIES: dict = {
    "control:order_list": _FILTERS,
    "control:order_export": _FILTERS,
    "control:order_create": ["", "?q=张伟", "?q=0001", "?household={h101}"],
    "control:order_bulk": ["", "?flags=1,2,3,4,5,6,7,8,9,10", "?round=1&kind=pool_positive"],
    "control:release_list": ["", "?day=2100-01-01", "?grid={grid1}"],
}
API_OBJECTS: dict = {"order_id": lambda w, x: x["orders_order"].pk}
API_FILTERS: dict = {"due": lambda w, x: "2100-01-01", "type": lambda w, x: "home_quarantine"}


def extra(world) -> dict:
    kind = OrderType.objects.get(code="home_quarantine")
    today = timezone.localdate()
    # Another part may have placed the same person already: the overlap rule would refuse.
    order = overlapping(world.zhang_wife, kind, today, today) or place_order(
        world.zhang_wife,
        kind,
        actor=world.users.commander,
        source="manual",
        reason="密接",
        worker=world.users.grid_leader,
    )
    return {"orders_order": order}
