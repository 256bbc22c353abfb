"""A fixed-window rate limiter for the public pages, counted in the database (RateCounter).

Each call to `hit` counts one request for a key in the current window and says whether the key
is now over its limit. The counters are shared by every server process; rows of windows older
than a day are deleted as new windows open.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models_limits import RateCounter

HOUR = 3600
KEEP = dt.timedelta(days=1)


def window_start(now: dt.datetime, seconds: int) -> dt.datetime:
    ts = int(now.timestamp()) // seconds * seconds
    return dt.datetime.fromtimestamp(ts, tz=dt.UTC)


def hit(key: str, *, limit: int, seconds: int = HOUR) -> int | None:
    """Count one request for `key`. Returns None while within `limit` requests per window, else
    the number of seconds until the window ends (for a Retry-After header)."""
    now = timezone.now()
    start = window_start(now, seconds)
    rows = RateCounter.objects.filter(key=key, window_start=start)
    with transaction.atomic():
        if not rows.update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    RateCounter.objects.create(key=key, window_start=start, count=1)
            except IntegrityError:  # another process opened the window first
                rows.update(count=F("count") + 1)
            else:
                RateCounter.objects.filter(window_start__lt=start - KEEP).delete()
        count = rows.values_list("count", flat=True).get()
    if count <= limit:
        return None
    return max(1, int((start + dt.timedelta(seconds=seconds) - now).total_seconds()))
