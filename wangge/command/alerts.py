"""The newest items behind the dashboard's alerts (最新预警), one query each, a few rows each:
positive tubes of the last two days (testing), open fever and symptom alerts (control),
today's green-channel passages (checkpoints) and overdue medicine requests (support).

Scope: rows the user may see (`for_user`) below the area's path. Names are masked; nothing
here is an unmasked personal field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.mask import mask_name
from wangge.core.scope import VIEW

LIMIT = 5
POSITIVE_HOURS = 48

TITLES = {
    "positives": gettext_lazy("新增阳性试管"),
    "fevers": gettext_lazy("未处置的发热和症状预警"),
    "green": gettext_lazy("今日绿色通道"),
    "medicine": gettext_lazy("超时未送的药品诉求"),
}


@dataclass
class Item:
    text: str
    detail: str
    at: dt.datetime | None
    url: str = ""

    def as_dict(self) -> dict:
        return {"text": self.text, "detail": self.detail, "at": self.at, "url": self.url}


@dataclass
class Feed:
    key: str
    section: str
    title: str
    url: str = ""
    items: list[Item] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "section": self.section,
            "title": self.title,
            "url": self.url,
            "items": [i.as_dict() for i in self.items],
        }


def _url(name: str, *args, query: str = "") -> str:
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    return f"{url}?{query}" if query else url


def _scoped(qs, user, prefix: str):
    qs = qs.for_user(user, VIEW)
    return qs.within(prefix) if prefix else qs


def positives(user, prefix: str, now: dt.datetime) -> Feed:
    from wangge.testing.models import Tube

    qs = _scoped(Tube.objects.all(), user, prefix).filter(
        result=Tube.Result.POSITIVE, result_at__gte=now - dt.timedelta(hours=POSITIVE_HOURS)
    )
    rows = qs.select_related("point", "round").order_by("-result_at", "-pk")[:LIMIT]
    feed = Feed("positives", "testing", str(TITLES["positives"]))
    for t in rows:
        feed.items.append(
            Item(
                _("试管 %(barcode)s") % {"barcode": t.barcode},
                " · ".join(x for x in (str(t.round), t.point.name if t.point_id else "") if x),
                t.result_at,
                _url("testing:positives", t.round_id),
            )
        )
    return feed


def fevers(user, prefix: str, now: dt.datetime) -> Feed:
    from wangge.control.models_followups import Alert

    qs = _scoped(Alert.objects.all(), user, prefix).filter(handled_at__isnull=True)
    rows = qs.select_related("person").order_by("-created_at", "-pk")[:LIMIT]
    feed = Feed(
        "fevers", "control", str(TITLES["fevers"]), _url("control:alert_list", query="status=open")
    )
    for a in rows:
        detail = a.get_kind_display()
        if a.temperature is not None:
            detail = f"{detail} {a.temperature}℃"
        feed.items.append(Item(mask_name(a.person.name), detail, a.created_at, feed.url))
    return feed


def green(user, prefix: str, now: dt.datetime) -> Feed:
    from wangge.checkpoints.models import Passage

    start = timezone.make_aware(dt.datetime.combine(timezone.localdate(now), dt.time.min))
    qs = _scoped(Passage.objects.all(), user, prefix).filter(
        outcome=Passage.Outcome.GREEN, at__gte=start, at__lte=now
    )
    rows = qs.select_related("checkpoint").order_by("-at", "-pk")[:LIMIT]
    feed = Feed("green", "checkpoints", str(TITLES["green"]), _url("checkpoints:board"))
    for p in rows:
        feed.items.append(
            Item(
                p.get_green_display() or _("绿色通道"),
                " · ".join(x for x in (p.checkpoint.name, p.get_direction_display()) if x),
                p.at,
                _url("checkpoints:checkpoint_report", p.checkpoint_id),
            )
        )
    return feed


def medicine(user, prefix: str, now: dt.datetime) -> Feed:
    from wangge.support.services_board import column_querysets

    qs = _scoped(column_querysets(now)["overdue"], user, prefix).filter(kind__is_medicine=True)
    rows = qs.select_related("kind", "household").order_by("due_at", "pk")[:LIMIT]
    feed = Feed("medicine", "support", str(TITLES["medicine"]), _url("support:left"))
    for r in rows:
        feed.items.append(
            Item(
                mask_name(r.household.householder_name),
                r.medicine_name or str(r.kind),
                r.due_at,
                _url("support:request_detail", r.pk),
            )
        )
    return feed


FEEDS = (positives, fevers, green, medicine)


def feeds(user, prefix: str, now: dt.datetime | None = None) -> list[Feed]:
    """The feeds that have items now, in the order of FEEDS."""
    now = now or timezone.now()
    out = [make(user, prefix, now) for make in FEEDS]
    return [f for f in out if f.items]
