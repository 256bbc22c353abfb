"""Scope-test entries of the control app's orders part."""

OBJECT_ARGS: dict = {}
LIST_QUERIES: dict = {}
API_OBJECTS: dict = {}
API_FILTERS: dict = {}


def extra(world) -> dict:
    return {}
