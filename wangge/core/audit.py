"""Writing the change log and the access log. Services call these; signals do not."""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import models

from .models import AccessLog, ChangeLog

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar(
    "wangge_request_id", default=""
)
channel_var: contextvars.ContextVar[str] = contextvars.ContextVar("wangge_channel", default="web")


def new_request_id() -> str:
    rid = str(uuid.uuid4())
    request_id_var.set(rid)
    return rid


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The audited field values of `obj` (concrete fields, foreign keys as ids)."""
    names = fields or [
        f.attname for f in obj._meta.concrete_fields if f.name not in {"scope_path", "updated_at"}
    ]
    return {name: _jsonable(getattr(obj, name)) for name in names}


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def change_row(actor, action: str, obj: models.Model, before=None, after=None) -> ChangeLog:
    """An unsaved ChangeLog row (for bulk writes)."""
    return ChangeLog(
        actor=actor if getattr(actor, "pk", None) else None,
        channel=channel_var.get(),
        action=action,
        model=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        before=before,
        after=after,
        request_id=request_id_var.get(),
        scope_path=getattr(obj, "scope_path", "") or getattr(obj, "path", ""),
    )


def record_change(
    actor, action: str, obj: models.Model, before=None, after=None
) -> ChangeLog | None:
    """Log one create/update/delete. An update that changed nothing is not logged."""
    if action == ChangeLog.Action.UPDATE and before is not None and after is not None:
        before, after = diff(before, after)
        if not after:
            return None
    row = change_row(actor, action, obj, before, after)
    row.save()
    return row


def record_access(
    actor,
    kind: str,
    obj_or_label,
    *,
    fields: str = "",
    rows: int = 1,
    scope_path: str = "",
    object_id: str = "",
) -> AccessLog:
    """Log a view/export/print of personal data."""
    if isinstance(obj_or_label, models.Model):
        model, oid, rep = obj_or_label._meta.label_lower, str(obj_or_label.pk), str(obj_or_label)
        scope_path = scope_path or getattr(obj_or_label, "scope_path", "")
    else:
        model, oid, rep = "", object_id, str(obj_or_label)
    return AccessLog.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        kind=kind,
        model=model,
        object_id=oid,
        object_repr=rep[:200],
        fields=fields,
        rows=rows,
        request_id=request_id_var.get(),
        scope_path=scope_path,
    )
