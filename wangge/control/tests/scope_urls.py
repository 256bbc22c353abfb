"""The control app's entries for tests/test_outsider_sees_nothing.py: one module per part of the
app, each defining OBJECT_ARGS, LIST_QUERIES, API_OBJECTS, API_FILTERS and extra(world)."""

from . import (
    scope_designations,
    scope_documents,
    scope_followups,
    scope_left,
    scope_orders,
    scope_settings,
    scope_sites,
    scope_transfers,
)

PARTS = (
    scope_designations,
    scope_orders,
    scope_documents,
    scope_followups,
    scope_sites,
    scope_transfers,
    scope_left,
    scope_settings,
)
