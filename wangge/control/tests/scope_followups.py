"""Scope-test entries of the control app's followups part: my follow-ups (mine, a grid's, all),
recording one of the street's follow-ups, the overdue list and its export, an order's follow-up
history, the alert list and handling an alert (a fever recorded for 李娜 in grid 1)."""

from __future__ import annotations

from django.utils import timezone

from wangge.control.models import OrderType
from wangge.control.services import overlapping, place_order
from wangge.control.services_followups import record, schedule

OBJECT_ARGS: dict = {
    "control:followup_record": lambda w, x: {"pk": x["followups_followup"].pk},
    "control:order_followups": lambda w, x: {"pk": x["followups_order"].pk},
    "control:alert_handle": lambda w, x: {"pk": x["followups_alert"].pk},
}
LIST_QUERIES: dict = {
    "control:my_followups": ["", "?all=1", "?grid={grid1}"],
    "control:followups_overdue": ["", "?grid={grid1}"],
    "control:followups_overdue_export": ["", "?grid={grid1}"],
    "control:alert_list": ["", "?status=open", "?status=handled", "?grid={grid1}"],
}
API_OBJECTS: dict = {
    "followup_id": lambda w, x: x["followups_followup"].pk,
    "alert_id": lambda w, x: x["followups_alert"].pk,
}
API_FILTERS: dict = {
    "order": lambda w, x: x["followups_order"].pk,
    "day": lambda w, x: timezone.localdate().isoformat(),
}


def extra(world) -> dict:
    today = timezone.localdate()
    kind = OrderType.objects.get(code="home_monitoring")
    order = overlapping(world.li, kind, today, today) or place_order(
        world.li,
        kind,
        actor=world.users.commander,
        source="manual",
        reason="同楼栋密接",
        worker=world.users.volunteer,
        worker_phone="13600000001",
    )
    schedule(order)
    first, *rest = order.followups.filter(day=today).order_by("due_at", "pk")
    record(first, actor=world.users.volunteer, temperature="38.2", symptoms=["cough"])
    return {
        "followups_order": order,
        "followups_followup": rest[0],
        "followups_alert": first.alert,
    }
