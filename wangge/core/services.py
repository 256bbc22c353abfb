"""Generic audited writes used by every app's services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from .audit import record_change, snapshot
from .models import ChangeLog


def create_object(obj: models.Model, *, actor) -> models.Model:
    """Validate, save and log a new object."""
    obj.full_clean(validate_unique=True)
    with transaction.atomic():
        obj.save()
        record_change(actor, ChangeLog.Action.CREATE, obj, None, snapshot(obj))
    return obj


def update_object(obj: models.Model, data: dict[str, Any], *, actor) -> bool:
    """Set fields from `data`, validate, save and log the difference.

    Returns whether anything changed."""
    before = snapshot(obj)
    for name, value in data.items():
        setattr(obj, name, value)
    after = snapshot(obj)
    if before == after:
        return False
    obj.full_clean(validate_unique=True)
    with transaction.atomic():
        obj.save()
        record_change(actor, ChangeLog.Action.UPDATE, obj, before, snapshot(obj))
    return True


def delete_object(obj: models.Model, *, actor) -> None:
    with transaction.atomic():
        record_change(actor, ChangeLog.Action.DELETE, obj, snapshot(obj), None)
        obj.delete()


def field_errors(exc: ValidationError) -> dict[str, list[str]]:
    """A ValidationError as {field: [messages]} (non-field errors under '__all__')."""
    if hasattr(exc, "message_dict"):
        return {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}
