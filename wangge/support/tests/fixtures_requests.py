"""Shared helpers of the requests part's tests: the seeded kinds, a fixed clock, filing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from wangge.support.models import SupportKind
from wangge.support.services import file_request

T0 = timezone.make_aware(dt.datetime(2022, 4, 10, 9, 0))


def kind(code: str) -> SupportKind:
    return SupportKind.objects.get(code=code)


def groceries(household, actor, **kw):
    req, _created = file_request(
        household, kind=kind("groceries"), actor=actor, source="worker", text="蔬菜一份", **kw
    )
    return req


def medicine(household, actor, **kw):
    kw.setdefault("medicine_name", "二甲双胍")
    req, _created = file_request(
        household, kind=kind("medicine"), actor=actor, source="worker", **kw
    )
    return req
