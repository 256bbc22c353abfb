"""Helpers for the dispatch tests: requests made directly with the ORM (not through the
requests part's services) and workers of the world's areas."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from wangge.support.models import SupportKind, SupportRequest
from wangge.workforce.models import Worker


def make_request(household, code="groceries", *, due_in_minutes=60, status="new", **fields):
    kind = SupportKind.objects.get(code=code)
    return SupportRequest.objects.create(
        household=household,
        kind=kind,
        source=SupportRequest.Source.WORKER,
        due_at=timezone.now() + dt.timedelta(minutes=due_in_minutes),
        status=status,
        **fields,
    )


def make_worker(area, name="刘配送", phone="13611110000", **fields):
    fields.setdefault("kind", Worker.Kind.CADRE)
    return Worker.objects.create(name=name, phone=phone, area=area, **fields)
