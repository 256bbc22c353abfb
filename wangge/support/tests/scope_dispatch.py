"""Scope-test entries of the support app, part dispatch: the board and assigning, delivery
routes (the buildings' list, making one, one route), who is left with its export, the settings
page; the API's assign, board and routes. extra() makes, in world.street, an overdue grocery
request of h101 on a route and a new one of h102, with a street cadre as the worker."""

OBJECT_ARGS: dict = {
    "support:request_assign": lambda w, x: {"pk": x["dispatch_request"].pk},
    "support:route_detail": lambda w, x: {"pk": x["dispatch_route"].pk},
}
LIST_QUERIES: dict = {
    "support:board": [
        "",
        "?grid={grid1}",
        "?grid={street}",
        "?show=overdue",
        "?show=new&grid={grid1}",
        "?show=in_progress",
        "?show=done",
    ],
    "support:route_list": ["", "?day=2000-01-01"],
    "support:route_create": [""],
    "support:left": ["", "?area={grid1}", "?area={street}"],
    "support:left_export": ["", "?area={grid1}"],
    "support:settings": [""],
}
API_OBJECTS: dict = {"request_id": lambda w, x: x["dispatch_request"].pk}
API_FILTERS: dict = {}


def extra(world) -> dict:
    from wangge.support.services_dispatch import make_route

    from .fixtures_dispatch import make_request, make_worker

    worker = make_worker(world.street, name="钱配送")
    late = make_request(world.h101, due_in_minutes=-90, text="米面油")
    new = make_request(world.h102, "medicine", medicine_name="硝苯地平")
    route = make_route([late], actor=world.users.commander, worker=worker)
    return {
        "dispatch_worker": worker,
        "dispatch_request": new,
        "dispatch_late": late,
        "dispatch_route": route,
    }
