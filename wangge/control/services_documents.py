"""The paperwork of orders: recording that the notice, the commitment form, the door sign or
the seal was served (for one order or a selection at once), and that the door sign and the seal
came off, which release does by itself."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from wangge.core.scope import RECORD, covers

from .models import ControlOrder, OrderDocument

REMOVED_ON_RELEASE = (OrderDocument.Kind.DOOR_SIGN, OrderDocument.Kind.SEAL)


def serve(orders, kind: str, *, actor, at: dt.datetime | None = None, note: str = "") -> int:
    """Record `kind` served for each of `orders` still active (those already served keep their
    first time). Returns how many were recorded now."""
    at = at or timezone.now()
    count = 0
    for order in orders:
        if not covers(actor, order.scope_path, RECORD):
            raise PermissionDenied
        if order.status != ControlOrder.Status.ACTIVE:
            continue
        _doc, created = OrderDocument.objects.get_or_create(
            order=order,
            kind=kind,
            defaults={
                "served_at": at,
                "served_by": actor if getattr(actor, "pk", None) else None,
                "note": note.strip()[:200],
                "scope_path": order.scope_path,
            },
        )
        count += created
    return count


def remove(order: ControlOrder, kinds=REMOVED_ON_RELEASE, *, actor, at=None) -> int:
    """Record the door sign and the seal (or `kinds`) of an order taken off."""
    if not covers(actor, order.scope_path, RECORD):
        raise PermissionDenied
    return OrderDocument.objects.filter(
        order=order, kind__in=kinds, removed_at__isnull=True
    ).update(
        removed_at=at or timezone.now(),
        removed_by=actor if getattr(actor, "pk", None) else None,
    )
