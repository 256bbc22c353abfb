"""Test helpers: the workforce roster at a checkpoint — a checkpoint post, a shift of it
(published unless told otherwise) and people on it, made directly with the ORM."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from wangge.workforce.models import Assignment, Post, Shift, Worker


def checkpoint_post(checkpoint, **kw) -> Post:
    kw.setdefault("name", f"{checkpoint.name}值守")
    return Post.objects.get_or_create(
        checkpoint=checkpoint, kind=Post.Kind.CHECKPOINT, area=checkpoint.area, defaults=kw
    )[0]


def worker_of(user, area, **kw) -> Worker:
    """The user's worker record (a volunteer of `area`), made on first use."""
    kw.setdefault("name", user.display_name or user.username)
    kw.setdefault("phone", "13600000000")
    kw.setdefault("kind", Worker.Kind.VOLUNTEER)
    return Worker.objects.get_or_create(user=user, defaults={"area": area, **kw})[0]


def gate_shift(
    checkpoint,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    *,
    needed: int = 2,
    workers=(),
    published: bool = True,
) -> Shift:
    shift = Shift.objects.create(
        post=checkpoint_post(checkpoint),
        starts_at=starts_at,
        ends_at=ends_at,
        needed=needed,
        published_at=timezone.now() if published else None,
    )
    for w in workers:
        Assignment.objects.create(shift=shift, worker=w)
    return shift
