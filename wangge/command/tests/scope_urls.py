"""The command app's entries for tests/test_outsider_sees_nothing.py, merged from one module
per part of the app, each defining OBJECT_ARGS, LIST_QUERIES, API_OBJECTS, API_FILTERS and
extra(world)."""

from __future__ import annotations

from . import scope_dashboard, scope_reports, scope_residents

PARTS = (scope_reports, scope_dashboard, scope_residents)
OBJECT_ARGS: dict = {}
LIST_QUERIES: dict = {}
API_OBJECTS: dict = {}
API_FILTERS: dict = {}
for _part in PARTS:
    OBJECT_ARGS.update(_part.OBJECT_ARGS)
    LIST_QUERIES.update(_part.LIST_QUERIES)
    API_OBJECTS.update(_part.API_OBJECTS)
    API_FILTERS.update(_part.API_FILTERS)


def extra(world) -> dict:
    out: dict = {}
    for part in PARTS:
        out.update(part.extra(world))  # noqa: S610 - a test helper, not QuerySet.extra
    return out
