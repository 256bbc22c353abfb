"""Helpers of the roster tests: a fixed day (Monday 2030-03-04, Asia/Shanghai), posts, shifts
and workers made directly with the ORM, and a clock to set."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from wangge.workforce.models import Post, Shift, Worker

DAY = dt.date(2030, 3, 4)


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(day, dt.time(0), tzinfo=tz) + dt.timedelta(
        hours=hour, minutes=minute
    )


def make_post(area, name="采样台1", kind="sampling", **kw) -> Post:
    return Post.objects.create(name=name, kind=kind, area=area, **kw)


def make_shift(post, start: dt.datetime, hours: int = 6, needed: int = 2, **kw) -> Shift:
    return Shift.objects.create(
        post=post, starts_at=start, ends_at=start + dt.timedelta(hours=hours), needed=needed, **kw
    )


_seq = iter(range(1000, 100000))


def make_worker(area, name=None, **kw) -> Worker:
    n = next(_seq)
    kw.setdefault("kind", Worker.Kind.VOLUNTEER)
    return Worker.objects.create(
        name=name or f"志愿者{n}", phone=f"1360000{n:04d}", area=area, **kw
    )


@pytest.fixture(name="clock")
def clock_fixture(monkeypatch):
    """clock(datetime): timezone.now() answers that time from then on."""

    def set_to(when: dt.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: when)

    return set_to
