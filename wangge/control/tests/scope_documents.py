"""Scope-test entries of the control app's documents part: one order's paperwork page, the
PDF (by selection and of the pending list), recording a selection served (GET goes back to the
list) and the pending list with its export."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from wangge.control.models import ControlOrder, OrderDocument, OrderType

OBJECT_ARGS: dict = {
    "control:order_documents": lambda w, x: {"pk": x["documents_order"].pk},
}
LIST_QUERIES: dict = {
    "control:documents_pdf": ["", "?kind=notice", "?pending=1", "?pending=1&grid={grid1}"],
    "control:documents_serve": [""],
    "control:documents_pending": [
        "",
        "?grid={grid1}",
        "?export=xlsx",
        "?export=xlsx&grid={grid1}",
    ],
}
API_OBJECTS: dict = {}
API_FILTERS: dict = {}


def extra(world) -> dict:
    """An order of 王芳 made directly (no overlap check, so that no other part's order of the
    same person clashes with it), with its notice served."""
    today = timezone.localdate()
    order = ControlOrder.objects.create(
        person=world.wang,
        household=world.h102,
        order_type=OrderType.objects.get(code="home_monitoring"),
        starts_on=today,
        ends_on=today + dt.timedelta(days=6),
        source=ControlOrder.Source.MANUAL,
        reason="documents scope",
        worker_name="documents worker",
        worker_phone="13700000099",
    )
    OrderDocument.objects.create(
        order=order, kind=OrderDocument.Kind.NOTICE, served_at=timezone.now()
    )
    return {"documents_order": order}
