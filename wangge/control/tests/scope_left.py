"""Scope-test entries of the control app's who-is-left part: the per-grid table, each list,
narrowed to one of the street's areas, and the export."""

from wangge.control.models import OrderType
from wangge.control.services import place_order

KINDS = ("overdue", "unserved", "release", "transfer", "alert")

OBJECT_ARGS: dict = {}
LIST_QUERIES: dict = {
    "control:left": ["", "?area={grid1}", "?area={street}"] + [f"?kind={k}" for k in KINDS],
    "control:left_export": ["", "?area={grid1}", "?kind=unserved", "?kind=overdue"],
}
API_OBJECTS: dict = {}
API_FILTERS: dict = {}


def extra(world) -> dict:
    order = place_order(
        world.zhang,
        OrderType.objects.get(code="home_quarantine"),
        actor=world.users.commander,
        source="manual",
        reason="密接",
        worker_name="赵网格",
        worker_phone="13700000001",
    )
    return {"left_order": order}
