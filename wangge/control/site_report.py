"""The 6 a.m. report of a quarantine site (隔离点晨报) for one day.

It covers the 24 hours up to 06:00 of that day: occupancy at 06:00 (rooms used and free, people
in), arrivals and releases in those 24 hours, fevers and symptoms (alerts of the orders of
people staying at the site in that time), the special diets and medical needs of everyone
staying, and the parcels waiting to be delivered.

The figures are frozen into a SiteReport the first time the report is made after 06:00 of its
day (by the cron command calling make_due_reports, or by whoever opens it first); every later
view reads the frozen figures, so a check-in entered afterwards does not change a report that
was sent. Before 06:00 the page shows a live preview, not stored. Names are stored masked.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from wangge.core.mask import mask_name

from .models_followups import Alert
from .models_sites import Parcel, Site, SiteReport, SiteRoom, Stay

REPORT_TIME = dt.time(6, 0)


def cutoff(day: dt.date) -> dt.datetime:
    """06:00 of `day`, local time: the end of the report's 24 hours."""
    return timezone.make_aware(dt.datetime.combine(day, REPORT_TIME))


def due_day(now: dt.datetime | None = None) -> dt.date:
    """The latest day whose report is due at `now` (today after 06:00, else yesterday)."""
    local = timezone.localtime(now or timezone.now())
    day = local.date()
    return day if local.time() >= REPORT_TIME else day - dt.timedelta(days=1)


def _when(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%m-%d %H:%M") if value else ""


def _room(stay: Stay) -> str:
    return f"{stay.room.building} {stay.room.number}"


def _line(stay: Stay) -> dict:
    return {"stay": stay.pk, "room": _room(stay), "name": mask_name(stay.person.name)}


def build_figures(site: Site, day: dt.date) -> dict:
    """The report's figures for `site` and `day`, computed now from the records."""
    until = cutoff(day)
    since = until - dt.timedelta(hours=24)
    stays = Stay.objects.filter(site=site).select_related("person", "room", "order")
    inside = list(
        stays.filter(checked_in_at__lte=until)
        .filter(Q(checked_out_at__isnull=True) | Q(checked_out_at__gt=until))
        .order_by("room__building", "room__floor", "room__number", "pk")
    )
    rooms = list(SiteRoom.objects.filter(site=site).values_list("pk", "out_of_service"))
    used = {s.room_id for s in inside}
    out_of_service = sum(1 for _pk, off in rooms if off)
    free = sum(1 for pk, off in rooms if not off and pk not in used)
    arrivals = list(
        stays.filter(checked_in_at__gt=since, checked_in_at__lte=until).order_by("checked_in_at")
    )
    releases = list(
        stays.filter(checked_out_at__gt=since, checked_out_at__lte=until).order_by("checked_out_at")
    )
    # Alerts of the orders of everyone staying at some time in those 24 hours.
    present = {
        s.order_id: s
        for s in stays.filter(checked_in_at__lte=until, order__isnull=False)
        .filter(Q(checked_out_at__isnull=True) | Q(checked_out_at__gt=since))
        .order_by("checked_in_at")
    }
    alerts = list(
        Alert.objects.filter(
            order_id__in=list(present), created_at__gt=since, created_at__lte=until
        ).order_by("created_at", "pk")
    )
    parcels = list(
        Parcel.objects.filter(stay__site=site, received_at__lte=until)
        .filter(Q(delivered_at__isnull=True) | Q(delivered_at__gt=until))
        .select_related("stay__person", "stay__room")
        .order_by("received_at", "pk")
    )
    special = [s for s in inside if s.diet or s.diet_note or s.medical_needs]
    fevers = [a for a in alerts if a.kind == Alert.Kind.FEVER]
    return {
        "site": site.name,
        "day": day.isoformat(),
        "since": since.isoformat(),
        "until": until.isoformat(),
        "rooms": len(rooms),
        "rooms_out_of_service": out_of_service,
        "rooms_used": len(used),
        "rooms_free": free,
        "people_in": len(inside),
        "arrivals": [
            {**_line(s), "at": _when(s.checked_in_at), "from": s.arrived_from} for s in arrivals
        ],
        "releases": [
            {**_line(s), "at": _when(s.checked_out_at), "note": s.checkout_note} for s in releases
        ],
        "fever_count": len(fevers),
        "alerts": [
            {
                **_line(present[a.order_id]),
                "at": _when(a.created_at),
                "kind": str(a.get_kind_display()),
                "fever": a.kind == Alert.Kind.FEVER,
                "temperature": str(a.temperature) if a.temperature is not None else "",
                "detail": a.detail,
            }
            for a in alerts
        ],
        "special": [
            {
                **_line(s),
                "diet": str(s.get_diet_display()) if s.diet else "",
                "diet_note": s.diet_note,
                "medical_needs": s.medical_needs,
            }
            for s in special
        ],
        "parcels_waiting": [
            {
                **_line(p.stay),
                "description": p.description,
                "received": _when(p.received_at),
                "disinfected": p.disinfected,
            }
            for p in parcels
        ],
    }


def report_for(
    site: Site, day: dt.date, *, now: dt.datetime | None = None
) -> tuple[dict, SiteReport | None]:
    """(figures, frozen report) of `site` for `day`: the frozen report when there is one; made
    and frozen now when 06:00 of `day` has passed; else a live preview (None)."""
    found = SiteReport.objects.filter(site=site, day=day).first()
    if found is not None:
        return found.figures, found
    now = now or timezone.now()
    figures = build_figures(site, day)
    if now < cutoff(day):
        return figures, None
    report, _created = _freeze(site, day, figures, now)
    return report.figures, report


def _freeze(site: Site, day: dt.date, figures: dict, now: dt.datetime) -> tuple[SiteReport, bool]:
    try:
        with transaction.atomic():
            report = SiteReport.objects.create(
                site=site, day=day, generated_at=now, figures=figures
            )
    except IntegrityError:
        # Made at the same moment by another request or the cron command: that one stands.
        return SiteReport.objects.get(site=site, day=day), False
    return report, True


def make_due_reports(now: dt.datetime | None = None) -> int:
    """Freeze the report now due (today's after 06:00, else yesterday's) of every active site
    that does not have it yet. Returns how many were made. Run by a cron command."""
    now = now or timezone.now()
    day = due_day(now)
    made = 0
    done = set(SiteReport.objects.filter(day=day).values_list("site_id", flat=True))
    for site in Site.objects.filter(active=True).exclude(pk__in=done):
        _report, created = _freeze(site, day, build_figures(site, day), now)
        made += created
    return made
