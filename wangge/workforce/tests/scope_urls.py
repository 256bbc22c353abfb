"""The workforce app's entries for tests/test_outsider_sees_nothing.py: one module per part of the
app, each defining OBJECT_ARGS, LIST_QUERIES, API_OBJECTS, API_FILTERS and extra(world)."""

from . import scope_hours, scope_registry, scope_roster

PARTS = (scope_registry, scope_roster, scope_hours)
