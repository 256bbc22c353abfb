"""The door part of the canvass app's scope-test entries (see scope_urls)."""

OBJECT_ARGS: dict = {}
LIST_QUERIES: dict = {}
API_OBJECTS: dict = {}
API_FILTERS: dict = {}


def extra(world) -> dict:
    return {}
