"""The canvass app's entries for tests/test_outsider_sees_nothing.py: one module per part of the
app, each defining OBJECT_ARGS, LIST_QUERIES, API_OBJECTS, API_FILTERS and extra(world)."""

from . import scope_api, scope_campaigns, scope_coverage, scope_door, scope_returnees

PARTS = (scope_campaigns, scope_door, scope_coverage, scope_returnees, scope_api)
