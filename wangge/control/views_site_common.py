"""What the central quarantine site pages (集中隔离点) share: the site from the URL, the user's
rights there, the people staying now, a service's errors onto a form.

A site, its stays and its parcels are seen by users whose scope covers the site's area and by
its active staff linked to an account (services_site_access.sites_for / stays_for); anything
else is a 404. Setting the site up (rooms, staff) needs CHANGE there: a 403 for staff who only
record."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from wangge.core.mask import mask_name
from wangge.core.scope import CHANGE, RECORD, VIEW

from . import services_site_access as site_access
from .models import ControlOrder
from .models_sites import Site, Stay


def get_site(request: HttpRequest, pk: int, action: str = VIEW) -> Site:
    """The site if the user sees it (404 otherwise); 403 if they may not do `action` there."""
    site = get_object_or_404(
        site_access.sites_for(request.user, VIEW).select_related("area"), pk=pk
    )
    if action != VIEW and not site_access.may(request.user, site, action):
        raise PermissionDenied(_("您没有该操作的权限"))
    return site


def rights(user, site: Site) -> dict:
    return {
        "can_change": site_access.may(user, site, CHANGE),
        "can_record": site_access.may(user, site, RECORD),
    }


def open_stays(site: Site):
    return (
        Stay.objects.filter(site=site, checked_out_at__isnull=True)
        .select_related("person", "room", "order")
        .order_by("room__building", "room__floor", "room__number", "checked_in_at")
    )


def annotate_stay(stay: Stay, today: dt.date) -> Stay:
    stay.masked = mask_name(stay.person.name)
    stay.days_left = stay.order.days_remaining(today) if stay.order_id else None
    stay.order_active = bool(stay.order_id) and stay.order.status == ControlOrder.Status.ACTIVE
    return stay
