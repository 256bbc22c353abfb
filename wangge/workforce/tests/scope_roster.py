"""Scope-test entries of the workforce app, part roster: posts, their shifts and the day's
roster, one shift, my shifts and the check-in; the API's shifts, assignments and check-ins.
extra() makes a post in the first grid, a published shift of today and a worker on it."""

from __future__ import annotations

OBJECT_ARGS: dict = {
    "workforce:post_detail": lambda w, x: {"pk": x["roster_post"].pk},
    "workforce:post_edit": lambda w, x: {"pk": x["roster_post"].pk},
    "workforce:shift_create": lambda w, x: {"pk": x["roster_post"].pk},
    "workforce:shift_detail": lambda w, x: {"pk": x["roster_shift"].pk},
    "workforce:checkin": lambda w, x: {"pk": x["roster_assignment"].pk},
}
LIST_QUERIES: dict = {
    "workforce:post_list": ["", "?q=采样", "?area={grid1}", "?kind=sampling&show=all"],
    "workforce:post_create": [""],
    "workforce:roster": ["", "?area={grid1}", "?area={street}", "?day=2000-01-01"],
    "workforce:roster_propose": ["", "?area={grid1}"],
    "workforce:roster_publish": [""],
    "workforce:mine": [""],
}
API_OBJECTS: dict = {
    "shift_id": lambda w, x: x["roster_shift"].pk,
    "assignment_id": lambda w, x: x["roster_assignment"].pk,
}
API_FILTERS: dict = {}


def extra(world) -> dict:
    import datetime as dt

    from django.utils import timezone

    from wangge.workforce.models import Assignment, Post, Shift, Worker

    start = timezone.now().replace(minute=0, second=0, microsecond=0)
    post = Post.objects.create(name="兴华社区采样台1", kind="sampling", area=world.grid1)
    shift = Shift.objects.create(
        post=post,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=6),
        needed=2,
        published_at=start,
    )
    worker = Worker.objects.create(
        name="排班测试员", phone="13600001234", kind="volunteer", area=world.grid1
    )
    assignment = Assignment.objects.create(shift=shift, worker=worker)
    return {
        "roster_post": post,
        "roster_shift": shift,
        "roster_worker": worker,
        "roster_assignment": assignment,
    }
