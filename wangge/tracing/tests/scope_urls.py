"""The tracing app's entries for tests/test_outsider_sees_nothing.py: one module per part of the
app, each defining OBJECT_ARGS, LIST_QUERIES, API_OBJECTS, API_FILTERS and extra(world)."""

from . import scope_imports, scope_review

PARTS = (scope_imports, scope_review)
