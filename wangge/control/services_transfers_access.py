"""Transfers (转运): who sees a transfer and who may take which step on it.

A transfer is seen by users whose scope covers its household, and by the staff of the site it
is going to (`visible_transfers`): the receiving site sees what is coming. Requesting,
assigning, closing and cancelling need CHANGE over the household (or person) transferred;
picking up needs RECORD over it; handing over needs RECORD at the destination site (or being on
its staff), or over the household for a hospital. People are sent to active sites in the
user's scope or above it (the street's).
"""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from wangge.core.scope import CHANGE, RECORD, VIEW, covers, path_q, scope_paths

from .models_sites import Site, SiteStaff
from .models_transfers import Transfer

Status = Transfer.Status
OPEN = (Status.REQUESTED, Status.ASSIGNED, Status.PICKED_UP)
ON_ROAD = (Status.ASSIGNED, Status.PICKED_UP)
DONE = (Status.HANDED_OVER, Status.CLOSED)
URGENCY_RANK = Case(
    When(urgency=Transfer.Urgency.CRITICAL, then=Value(0)),
    When(urgency=Transfer.Urgency.URGENT, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def _staffed_sites(user) -> QuerySet:
    return SiteStaff.objects.filter(user=user, active=True).values("site_id")


def visible_transfers(user, action: str = VIEW) -> QuerySet[Transfer]:
    """Transfers in the user's scope, or going to a site in their scope (or, to view, where
    they are on the staff): the receiving site sees what is coming."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Transfer.objects.none()
    paths = scope_paths(user, action)
    if paths and path_q(paths, "scope_path") is None:
        return Transfer.objects.all()
    q = Q(site_id__in=_staffed_sites(user)) if action == VIEW else Q(pk__in=[])
    if paths:
        q |= path_q(paths, "scope_path") | path_q(paths, "site__scope_path")
    return Transfer.objects.filter(q)


def usable_sites(user) -> QuerySet[Site]:
    """Active sites a user may send people to: in their scope or above it (the street's)."""
    return Site.objects.touching(user, VIEW).filter(active=True)


def may_hand_over(transfer: Transfer, user, *, staffed: set[int] | None = None) -> bool:
    """For a site: whoever may record at the site (or is on its staff); for a hospital: whoever
    may record over the household transferred."""
    if transfer.destination == Transfer.Destination.SITE and transfer.site_id:
        if covers(user, transfer.site.scope_path, RECORD):
            return True
        if staffed is not None:
            return transfer.site_id in staffed
        return SiteStaff.objects.filter(site_id=transfer.site_id, user=user, active=True).exists()
    return covers(user, transfer.scope_path, RECORD)


def may_step(transfer: Transfer, user, step: str, *, staffed: set[int] | None = None) -> bool:
    """Whether `user` has the right to take `step` on `transfer` (whatever its status)."""
    if step in ("assign", "cancel", "close"):
        return covers(user, transfer.scope_path, CHANGE)
    if step == "pickup":
        return covers(user, transfer.scope_path, RECORD)
    if step == "handover":
        return may_hand_over(transfer, user, staffed=staffed)
    return False


STEP_FROM = {
    "assign": (Status.REQUESTED, Status.ASSIGNED),
    "cancel": (Status.REQUESTED, Status.ASSIGNED),
    "pickup": (Status.ASSIGNED,),
    "handover": ON_ROAD,
    "close": (Status.HANDED_OVER,),
}


def allowed_steps(transfer: Transfer, user, *, staffed: set[int] | None = None) -> set[str]:
    """The steps `user` may take on `transfer` now (names of the step views). `staffed`: the
    ids of the sites where the user is on the staff, when known (saves a query per row)."""
    return {
        step
        for step, statuses in STEP_FROM.items()
        if transfer.status in statuses and may_step(transfer, user, step, staffed=staffed)
    }


def by_urgency(qs: QuerySet[Transfer]) -> QuerySet[Transfer]:
    """Critical first, then urgent, then routine; the longest waiting first within each."""
    return qs.annotate(urgency_rank=URGENCY_RANK).order_by("urgency_rank", "requested_at", "pk")
