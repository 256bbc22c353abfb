"""Scope-test entries of the supervision app, part disinfection: the places (list, search,
filters, one, edit, create with a building preset), logging (with a place or building preset),
the day's log and its export, a log's photo, the compliance view and its export. extra() makes
b1's unit-entrance places in grid 1 and logs one of them (with a photo name)."""

from __future__ import annotations

OBJECT_ARGS: dict = {
    "supervision:place_detail": lambda w, x: {"pk": x["disinfection_place"].pk},
    "supervision:place_edit": lambda w, x: {"pk": x["disinfection_place"].pk},
    "supervision:log_photo": lambda w, x: {"pk": x["disinfection_log"].pk},
}
LIST_QUERIES: dict = {
    "supervision:place_list": [
        "",
        "?q=单元",
        "?area={grid1}",
        "?area={street}",
        "?kind=unit_entrance",
        "?state=all",
    ],
    "supervision:place_create": ["", "?building={b1}"],
    "supervision:log_create": ["", "?building={b1}"],
    "supervision:log_list": ["", "?area={grid1}", "?q=钱楼长"],
    "supervision:log_export": ["", "?area={grid1}"],
    "supervision:compliance": ["", "?area={grid1}", "?area={street}", "?print=1"],
    "supervision:compliance_export": ["", "?area={grid1}"],
}
API_OBJECTS: dict = {}
API_FILTERS: dict = {}  # "area" is a shared name (area → world.grid1)


def extra(world) -> dict:
    from wangge.supervision.models_disinfection import DisinfectionLog
    from wangge.supervision.services_disinfection import create_unit_places, log_disinfection

    commander = world.users.commander
    places = create_unit_places(world.b1, actor=commander)
    log, _ = log_disinfection(places[0], actor=commander, agent="含氯消毒剂", done_by="钱楼长")
    DisinfectionLog.objects.filter(pk=log.pk).update(photo="disinfection/missing.png")
    log.refresh_from_db()
    return {"disinfection_place": places[0], "disinfection_log": log}
