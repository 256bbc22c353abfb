"""The paperwork of orders: recording that the notice, the commitment form, the door sign or
the seal was served (for one order or a selection at once), and that the door sign and the seal
came off, which release does by itself; and the orders whose paperwork is pending (notice not
served, or at home the door sign not up), per grid with the grid leader."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.mask import mask_name
from wangge.core.scope import RECORD, VIEW, covers, split_path
from wangge.people.leaders import leaders
from wangge.people.models import LeaderAssignment
from wangge.places.models import Area

from .models import ControlOrder, OrderDocument, OrderType

Kind = OrderDocument.Kind

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


def documents_of(orders) -> dict[int, dict[str, OrderDocument]]:
    """{order id: {kind: document}} of `orders` (ids or orders): one query."""
    ids = [getattr(o, "pk", o) for o in orders]
    out: dict[int, dict[str, OrderDocument]] = {pk: {} for pk in ids}
    for doc in OrderDocument.objects.filter(order_id__in=ids).select_related(
        "served_by", "removed_by"
    ):
        out[doc.order_id][doc.kind] = doc
    return out


# --- pending paperwork ----------------------------------------------------------------------

PENDING_RELATED = ("person", "order_type", "household__building__estate", "household__unit")


def pending(user, today: dt.date, *, prefix: str = "", action: str = VIEW) -> QuerySet:
    """The user's active orders whose notice is not served or (at home) whose door sign is not
    up (the same rule as the who-is-left board), below `prefix`, by grid and start."""
    from .left import unserved_orders

    qs = unserved_orders(today).for_user(user, action)
    if prefix:
        qs = qs.within(prefix)
    return qs.select_related(*PENDING_RELATED).order_by("scope_path", "starts_on", "pk")


@dataclass
class PendingRow:
    order: ControlOrder
    grid: Area | None
    remaining: int
    docs: dict[str, OrderDocument] = field(default_factory=dict)

    @property
    def grid_name(self) -> str:
        return self.grid.name if self.grid else _("未分配网格")

    @property
    def name(self) -> str:
        return mask_name(self.order.person.name)

    @property
    def address(self) -> str:
        return self.order.household.address if self.order.household_id else ""

    @property
    def cells(self) -> list[tuple[str, str, OrderDocument | None]]:
        """(kind, label, document or None) of every kind, in the kinds' order."""
        return [(kind, label, self.docs.get(kind)) for kind, label in Kind.choices]

    @property
    def missing(self) -> list[str]:
        home = self.order.order_type.kind != OrderType.Kind.CENTRAL_QUARANTINE
        needed = [Kind.NOTICE, Kind.DOOR_SIGN] if home else [Kind.NOTICE]
        return [str(Kind(k).label) for k in needed if k not in self.docs]


def pending_rows(orders: list[ControlOrder], today: dt.date) -> list[PendingRow]:
    """Rows with their grid and documents: two queries for any number of orders."""
    docs = documents_of(orders)
    paths = {split_path(o.scope_path)[0] for o in orders}
    grids = {a.path: a for a in Area.objects.filter(path__in=paths)}
    return [
        PendingRow(o, grids.get(split_path(o.scope_path)[0]), o.days_remaining(today), docs[o.pk])
        for o in orders
    ]


def pending_per_grid(qs: QuerySet) -> list[tuple[Area | None, int, tuple[str, str]]]:
    """(grid, orders pending, (grid leader, phone)) for each grid of `qs`."""
    counts = Counter(split_path(p)[0] for p in qs.order_by().values_list("scope_path", flat=True))
    areas = {a.path: a for a in Area.objects.filter(path__in=list(counts))}
    heads = leaders(LeaderAssignment.Role.GRID, area_id__in=[a.pk for a in areas.values()])
    out = [
        (area := areas.get(path), n, heads.get(area.pk, ("", "")) if area else ("", ""))
        for path, n in counts.items()
    ]
    return sorted(out, key=lambda line: line[0].code if line[0] else "~")
