"""Who sees and does what at a central quarantine site (集中隔离点).

The site lives in its area, so users whose scope covers that area act there by their role (CHANGE
to set up the site, its rooms and staff; RECORD to check people in and out, log parcels and take
readings). A member of the site's staff linked to an account also sees the site and records
there (VIEW and RECORD), without any role over the area: a night-shift nurse sees the people
staying at her site and nothing of the registry.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from wangge.core.scope import RECORD, VIEW, covers, path_q, scope_paths

from .models_sites import Parcel, Site, SiteReport, SiteRoom, SiteStaff, Stay

# What a linked staff member may do at their own site.
STAFF_ACTIONS = frozenset({VIEW, RECORD})


def staff_site_ids(user) -> list[int]:
    """The sites where `user` is active staff (cached on the user object)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cache = user.__dict__.setdefault("_wangge_scope_cache", {})
    if "_site_staff" not in cache:
        cache["_site_staff"] = sorted(
            set(
                SiteStaff.objects.filter(user=user, active=True, site__active=True).values_list(
                    "site_id", flat=True
                )
            )
        )
    return cache["_site_staff"]


def _access_q(user, action: str, site_field: str) -> Q | None:
    """Rows in scope for `action`, or at a site where the user is staff; None = everything."""
    paths = scope_paths(user, action)
    q = Q(pk__in=[])
    if paths:
        in_scope = path_q(paths, "scope_path")
        if in_scope is None:
            return None
        q = in_scope
    if action in STAFF_ACTIONS:
        ids = staff_site_ids(user)
        if ids:
            q |= Q(**{f"{site_field}__in": ids})
    return q


def _limit(qs: QuerySet, user, action: str, site_field: str) -> QuerySet:
    q = _access_q(user, action, site_field)
    return qs if q is None else qs.filter(q)


def sites_for(user, action: str = VIEW) -> QuerySet[Site]:
    return _limit(Site.objects.all(), user, action, "pk")


def rooms_for(user, action: str = VIEW) -> QuerySet[SiteRoom]:
    return _limit(SiteRoom.objects.all(), user, action, "site_id")


def stays_for(user, action: str = VIEW) -> QuerySet[Stay]:
    return _limit(Stay.objects.all(), user, action, "site_id")


def parcels_for(user, action: str = VIEW) -> QuerySet[Parcel]:
    return _limit(Parcel.objects.all(), user, action, "stay__site_id")


def staff_for(user, action: str = VIEW) -> QuerySet[SiteStaff]:
    return _limit(SiteStaff.objects.all(), user, action, "site_id")


def reports_for(user, action: str = VIEW) -> QuerySet[SiteReport]:
    return _limit(SiteReport.objects.all(), user, action, "site_id")


def may(user, site: Site, action: str) -> bool:
    if covers(user, site.scope_path, action):
        return True
    return action in STAFF_ACTIONS and site.pk in staff_site_ids(user)


def require(user, site: Site, action: str) -> None:
    if not may(user, site, action):
        raise PermissionDenied


def user_or_none(actor):
    """The acting user to record (None for a system actor)."""
    return actor if getattr(actor, "pk", None) else None
