"""The public (no login) pages' guards: a fixed-window rate limiter counted in the database
(RateCounter), the 429 answer with Retry-After, and the audit channel of their writes.

Each call to `hit` counts one request for a key in the current window and says whether the key
is now over its limit. The counters are shared by every server process; rows of windows older
than a day are deleted as new windows open.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import channel_var
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


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def too_many(retry_after: int) -> HttpResponse:
    """429 with Retry-After and a sentence saying when to try again."""
    minutes = max(1, (retry_after + 59) // 60)
    text = _("提交过于频繁，请 %(minutes)s 分钟后再试。") % {"minutes": minutes}
    response = HttpResponse(text, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    return response


@contextlib.contextmanager
def public_channel() -> Iterator[None]:
    """Audit rows written inside are marked as coming from the public (no login) pages."""
    token = channel_var.set("public")
    try:
        yield
    finally:
        channel_var.reset(token)
