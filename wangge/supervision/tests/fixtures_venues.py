"""Shared helpers of the venues part's tests: a fixed clock, venues and sweeps."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from wangge.supervision.models import Finding, Inspection
from wangge.supervision.services_venues import register_venue

T0 = timezone.make_aware(dt.datetime(2022, 4, 10, 9, 0))
DAY = dt.date(2022, 4, 10)


def supermarket(area, actor, **kw):
    kw.setdefault("name", "欧亚超市")
    kw.setdefault("kind", "supermarket")
    kw.setdefault("address", "北京路12号")
    kw.setdefault("owner_name", "孟店长")
    kw.setdefault("owner_phone", "13612345678")
    return register_venue(area, actor=actor, **kw)


def gym(area, actor, **kw):
    kw.setdefault("name", "力健健身房")
    kw.setdefault("kind", "fitness")
    kw.setdefault("address", "北京路30号")
    kw.setdefault("owner_name", "韩经理")
    kw.setdefault("owner_phone", "13698765432")
    return register_venue(area, actor=actor, **kw)


def sweep(venue, *, at=None, shift="day", findings=0, open_findings=0, **kw):
    """An inspection of `venue` made directly (the inspections part's service is not needed),
    with `findings` findings of which `open_findings` are still open."""
    at = at or T0
    insp = Inspection.objects.create(
        area=venue.area,
        target_type="supermarket" if venue.is_supply else "venue",
        venue=venue,
        target_name=venue.name,
        inspected_at=at,
        shift=shift,
        inspector_name=kw.pop("inspector_name", "督查组"),
        **kw,
    )
    for i in range(findings):
        Finding.objects.create(
            inspection=insp,
            description=f"问题{i + 1}",
            owner_name=venue.owner_name,
            deadline=at + dt.timedelta(days=1),
            status="open" if i < open_findings else "rectified",
        )
    return insp
