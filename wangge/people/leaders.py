"""The responsible leader of each grid or building, for the "who is left" lists of every
operation."""

from __future__ import annotations

from .models import LeaderAssignment


def leaders(role: str, **ids) -> dict[int, tuple[str, str]]:
    """{area/building id: (name, phone)} of the first active leader with `role`; one query.
    `ids` is area_id__in=[…] or building_id__in=[…]."""
    ((key, values),) = ids.items()
    column = key.removesuffix("__in")
    out: dict[int, tuple[str, str]] = {}
    rows = (
        LeaderAssignment.objects.filter(role=role, active=True, unit__isnull=True, **ids)
        .order_by(column, "id")
        .values_list(column, "name", "phone")
    )
    for obj_id, name, phone in rows:
        out.setdefault(obj_id, (name, phone))
    return out
