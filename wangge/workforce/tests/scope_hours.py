"""Scope-test entries of the workforce app, part hours: hours per worker (with its filters and
the .xlsx), the organisation summary, a worker's certificate, who is left and its exports.
extra() makes, in world.street, an organisation, a worker who served yesterday, and a shift
running now with a worker not checked in and a place left open."""

from __future__ import annotations

import datetime as dt

OBJECT_ARGS: dict = {
    "workforce:certificate": lambda w, x: {"pk": x["hours_worker"].pk},
}
LIST_QUERIES: dict = {
    "workforce:hours": [
        "",
        "?area={grid1}",
        "?area={street}",
        "?kind=cadre",
        "?q=郑",
        "?format=xlsx",
        "?since=2000-01-01&until=2000-12-31",
    ],
    "workforce:organization_summary": ["", "?area={street}", "?format=xlsx"],
    "workforce:left": ["", "?area={grid1}"],
    "workforce:left_export": ["?what=understaffed", "?what=absent", "?what=absent&area={grid1}"],
}
API_OBJECTS: dict = {}
API_FILTERS: dict = {}


def extra(world) -> dict:
    from django.utils import timezone

    from wangge.workforce.models import Assignment, Organization, Post, Shift, Worker

    now = timezone.now()
    org = Organization.objects.create(name="区住建局", area=world.street)
    worker = Worker.objects.create(
        name="郑干部", phone="13622220001", kind="cadre", area=world.street, organization=org
    )
    late = Worker.objects.create(
        name="冯志愿", phone="13622220002", kind="volunteer", area=world.grid1
    )
    post = Post.objects.create(name="兴华采样台", kind="sampling", area=world.grid1)
    past = Shift.objects.create(
        post=post,
        starts_at=now - dt.timedelta(days=1, hours=6),
        ends_at=now - dt.timedelta(days=1),
        needed=1,
        published_at=now - dt.timedelta(days=2),
    )
    Assignment.objects.create(
        shift=past,
        worker=worker,
        checked_in_at=past.starts_at,
        checked_out_at=past.ends_at,
    )
    running = Shift.objects.create(
        post=post,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=5),
        needed=3,
        published_at=now - dt.timedelta(days=1),
    )
    Assignment.objects.create(shift=running, worker=late)
    return {"hours_worker": worker, "hours_late": late, "hours_running": running}
