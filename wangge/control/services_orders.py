"""Orders beyond placing one (services.py): the lists and their filters, cancelling an order,
releasing a selection, and who may be named as an order's responsible worker. Placing many
people at once is in services_orders_bulk.py.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.mask import mask_id, mask_phone
from wangge.core.normalize import clean_text
from wangge.core.scope import CHANGE, RECORD, VIEW, ancestor_paths, covers, split_path
from wangge.core.services import update_object
from wangge.people.leaders import leaders
from wangge.people.models import LeaderAssignment
from wangge.places.models import Area

from . import services, services_documents, services_followups
from .models import ControlOrder, OrderDocument, OrderType

ACTIVE = ControlOrder.Status.ACTIVE
# The paperwork every order is served (the seal is put up only where the place is sealed).
PAPERS = (OrderDocument.Kind.NOTICE, OrderDocument.Kind.COMMITMENT, OrderDocument.Kind.DOOR_SIGN)
RELATED = (
    "person",
    "household__building__estate",
    "household__unit",
    "order_type",
    "worker",
)
SOON_DAYS = 3  # "due soon": ends within the next three days

# --- lists ------------------------------------------------------------------------------------


def visible_orders(user, action: str = VIEW) -> QuerySet[ControlOrder]:
    return ControlOrder.objects.for_user(user, action).select_related(*RELATED)


def unserved_q() -> Q:
    """Active orders missing one of the notice, the commitment form or the door sign."""
    missing = Q()
    for kind in PAPERS:
        served = OrderDocument.objects.filter(order=OuterRef("pk"), kind=kind)
        missing |= ~Exists(served)
    return Q(status=ACTIVE) & missing


def search_q(text: str) -> Q | None:
    """Name, or the tail of the ID number or of the phone (digits, or an ID ending in X)."""
    q = clean_text(text)
    if not q:
        return None
    match = Q(person__name__contains=q)
    if q.isascii() and q.isalnum():
        tail = q.upper()
        match |= Q(person__id_number__endswith=tail) | Q(person__phone__endswith=tail)
    return match


def filter_orders(
    qs: QuerySet[ControlOrder],
    *,
    q: str = "",
    grid: Area | None = None,
    order_type: OrderType | None = None,
    status: str = ACTIVE,
    source: str = "",
    unserved: bool = False,
    due: str = "",
    today: dt.date | None = None,
) -> QuerySet[ControlOrder]:
    """`status` "" or "all" for every status; `due` "today" (end date today or past), "soon"
    (within SOON_DAYS), "overdue" (end date past, not yet released)."""
    today = today or timezone.localdate()
    if (match := search_q(q)) is not None:
        qs = qs.filter(match)
    if grid is not None:
        qs = qs.within(grid.path)
    if order_type is not None:
        qs = qs.filter(order_type=order_type)
    if status and status != "all":
        qs = qs.filter(status=status)
    if source:
        qs = qs.filter(source=source)
    if unserved:
        qs = qs.filter(unserved_q())
    if due == "today":
        qs = qs.filter(status=ACTIVE, ends_on__lte=today)
    elif due == "soon":
        qs = qs.filter(status=ACTIVE, ends_on__lte=today + dt.timedelta(days=SOON_DAYS - 1))
    elif due == "overdue":
        qs = qs.filter(status=ACTIVE, ends_on__lt=today)
    return qs


@dataclass
class OrderRow:
    """An order with what its list row shows: grid, grid leader, masked ID and phone."""

    order: ControlOrder
    grid: Area | None
    leader: tuple[str, str]
    today: dt.date

    @property
    def grid_name(self) -> str:
        return self.grid.name if self.grid is not None else _("未分配网格")

    @property
    def masked_id(self) -> str:
        return mask_id(self.order.person.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.order.person.phone)

    @property
    def days_remaining(self) -> int:
        return self.order.days_remaining(self.today)

    @property
    def address(self) -> str:
        return self.order.household.address if self.order.household_id else ""

    @property
    def worker(self) -> str:
        order = self.order
        return order.worker_name or (str(order.worker) if order.worker_id else "")

    @property
    def due(self) -> bool:
        return self.order.status == ACTIVE and self.order.ends_on <= self.today


def order_rows(orders, today: dt.date | None = None) -> list[OrderRow]:
    """Rows with their grid and grid leader: two queries for any number of orders."""
    today = today or timezone.localdate()
    orders = list(orders)
    paths = {split_path(o.scope_path)[0] for o in orders}
    areas = {a.path: a for a in Area.objects.filter(path__in=paths)}
    grid_leaders = leaders(LeaderAssignment.Role.GRID, area_id__in=[a.pk for a in areas.values()])
    rows = []
    for order in orders:
        grid = areas.get(split_path(order.scope_path)[0])
        leader = grid_leaders.get(grid.pk, ("", "")) if grid is not None else ("", "")
        rows.append(OrderRow(order, grid, leader, today))
    return rows


def served_kinds(orders) -> dict[int, dict[str, OrderDocument]]:
    """{order id: {kind: document}} for `orders` (one query)."""
    out: dict[int, dict[str, OrderDocument]] = {o.pk: {} for o in orders}
    for doc in OrderDocument.objects.filter(order__in=list(out)):
        out[doc.order_id][doc.kind] = doc
    return out


EXTENSION = re.compile(r"^延长\d+天：")


def extensions(order: ControlOrder) -> list[str]:
    """The extension history, as services.extend writes it into the reason ("延长N天：…")."""
    return [part for part in order.reason.split("；") if EXTENSION.match(part)]


# --- who follows up ---------------------------------------------------------------------------


def common_path(paths) -> str:
    """The deepest scope path above all of `paths` ("" when none)."""
    paths = [p for p in paths if p]
    if not paths:
        return ""
    prefix = os.path.commonprefix(paths)
    return prefix[: prefix.rfind("/") + 1]


def workers_for(path: str):
    """Users who may record follow-ups at `path`: an active role assignment at or above it whose
    role allows RECORD. Empty for an empty path."""
    from wangge.accounts.models import User
    from wangge.accounts.roles import Role, role_allows

    if not path:
        return User.objects.none()
    roles = [r for r in Role.values if role_allows(r, RECORD)]
    return (
        User.objects.filter(
            is_active=True,
            role_assignments__active=True,
            role_assignments__role__in=roles,
            role_assignments__scope_path__in=[*ancestor_paths(path), path],
        )
        .distinct()
        .order_by("display_name", "username")
    )


# --- cancel and release -----------------------------------------------------------------------


def cancel(order: ControlOrder, actor, reason: str) -> ControlOrder:
    """Withdraw an active order placed in error (撤销). Its pending follow-ups are dropped and the
    door sign and the seal recorded removed. The model has no field of its own for it: the
    reason is kept in `release_note` and the time in `released_at`."""
    if not covers(actor, order.scope_path, CHANGE):
        raise PermissionDenied
    if order.status != ACTIVE:
        raise ValidationError(_("只能撤销管控中的措施"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写撤销原因")]})
    with transaction.atomic():
        update_object(
            order,
            {
                "status": ControlOrder.Status.CANCELLED,
                "released_at": timezone.now(),
                "release_note": reason[:200],
            },
            actor=actor,
        )
        services_followups.drop_pending(order)
        services_documents.remove(order, actor=actor)
    return order


def release_many(orders, *, actor, note: str = "") -> tuple[list[ControlOrder], list[tuple]]:
    """Release each of `orders` on or after its end date; returns (released, refused) with
    refused as [(order, reason)]. An early release needs the order's own page (with a note)."""
    released, refused = [], []
    for order in orders:
        try:
            with transaction.atomic():
                released.append(services.release(order, actor=actor, note=note))
        except PermissionDenied:
            refused.append((order, _("不在您的管辖范围内")))
        except ValidationError as exc:
            refused.append((order, "；".join(exc.messages)))
    return released, refused
