"""Scope-test entries of the control app's settings part: the shared settings page (a street's
users, and the outsider, get 404)."""

OBJECT_ARGS: dict = {}
LIST_QUERIES: dict = {"control:settings": [""]}
API_OBJECTS: dict = {}
API_FILTERS: dict = {}


def extra(world) -> dict:
    return {}
