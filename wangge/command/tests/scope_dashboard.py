"""Scope-test entries of the command app, part dashboard: the dashboard and its panel (the
street, a grid, the wall mode), who is not at their post and its export; the dashboard API.
extra() makes, in world.street, an under-staffed post of grid 1 with a worker not checked in,
an overdue medicine request and a quarantine site that has not reported."""

OBJECT_ARGS: dict = {}
LIST_QUERIES: dict = {
    "command:dashboard": ["", "?area={street}", "?area={grid1}&wall=1", "?days=14"],
    "command:dashboard_panel": ["", "?area={street}", "?area={grid1}"],
    "command:attendance": ["", "?area={street}", "?area={grid1}"],
    "command:attendance_export": ["", "?area={street}"],
}
API_OBJECTS: dict = {}
API_FILTERS: dict = {}


def extra(world) -> dict:
    import datetime as dt

    from django.utils import timezone

    from wangge.control.models_sites import Site
    from wangge.support.tests.fixtures_dispatch import make_request
    from wangge.workforce.models import Assignment
    from wangge.workforce.tests.fixtures_roster import make_post, make_shift, make_worker

    now = timezone.now()
    post = make_post(world.grid1, name="看板值守岗", kind="gate")
    shift = make_shift(post, now - dt.timedelta(hours=1), needed=3, published_at=now)
    worker = make_worker(world.grid1, name="周未到")
    Assignment.objects.create(shift=shift, worker=worker)
    late = make_request(world.h101, "medicine", due_in_minutes=-30, medicine_name="阿司匹林")
    site = Site.objects.create(name="看板隔离点", area=world.community, phone="13655550002")
    return {
        "dashboard_post": post,
        "dashboard_worker": worker,
        "dashboard_medicine": late,
        "dashboard_site": site,
    }
