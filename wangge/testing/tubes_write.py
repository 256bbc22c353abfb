"""The statements that write one closed tube, in plain SQL (PostgreSQL, and SQLite ≥ 3.35).

Tube registration is the hottest write of a testing day, so it skips model instances and ORM
compilation: one INSERT of the tube that also settles idempotency (`ON CONFLICT (client_uuid)
DO NOTHING RETURNING id`: no row back means the UUID was registered before), one INSERT …
SELECT of the samples that takes each person's scope path from the registry and only persons
within the actor's scope (fewer rows than references means a reference was wrong), and one
INSERT of the change log row. The caller holds the transaction.
"""

from __future__ import annotations

import datetime as dt
import json

from django.db import connection

from wangge.core.audit import channel_var, request_id_var
from wangge.core.models import ChangeLog
from wangge.core.scope import ALL_SCOPE
from wangge.people.models import Person

from .models import Sample, Tube

_TUBE, _SAMPLE = Tube._meta.db_table, Sample._meta.db_table
_PERSON, _LOG = Person._meta.db_table, ChangeLog._meta.db_table
_UUID = Tube._meta.get_field("client_uuid")

INSERT_TUBE = (
    f"INSERT INTO {_TUBE} (scope_path, round_id, barcode, capacity, point_id, table_id,"  # noqa: S608 - table names and placeholders only
    " team_id, client_uuid, closed_at, received_at, registered_by_id, result, result_at)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, '', NULL)"
    " ON CONFLICT (client_uuid) DO NOTHING RETURNING id"
)
INSERT_LOG = (
    f"INSERT INTO {_LOG} (scope_path, at, actor_id, channel, action, model, object_id,"  # noqa: S608 - table names and placeholders only
    " object_repr, before, after, request_id)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, NULL, {json}, %s)"
)


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _when(value: dt.datetime | None):
    return connection.ops.adapt_datetimefield_value(value)


def insert_tube(tube: Tube) -> int | None:
    """Insert the tube; its id, or None when its client UUID is taken (nothing written).
    IntegrityError when the barcode is taken in the round."""
    params = (
        tube.scope_path,
        tube.round_id,
        tube.barcode,
        tube.capacity,
        tube.point_id,
        tube.table_id,
        tube.team_id,
        _UUID.get_db_prep_value(tube.client_uuid, connection),
        _when(tube.closed_at),
        _when(tube.received_at),
        tube.registered_by_id,
    )
    with connection.cursor() as cursor:
        cursor.execute(INSERT_TUBE, params)
        row = cursor.fetchone()
    return row[0] if row else None


def _like(path: str) -> str:
    return path.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def insert_samples(tube: Tube, person_ids: list[int], scanned, paths: list[str]) -> int:
    """Insert one sample per person (position = order in `person_ids`, `scanned` the scan times
    or None) for the persons that exist within `paths` (scope prefixes); how many were
    inserted."""
    if not paths:
        return 0
    stamp = "CAST(%s AS timestamp with time zone)" if _postgres() else "%s"
    rows = ", ".join([f"(%s, %s, {stamp})"] * len(person_ids))
    params: list = [tube.pk, tube.round_id]
    for position, (pid, when) in enumerate(zip(person_ids, scanned, strict=True), start=1):
        params += [pid, position, _when(when) if when is not None else None]
    where = ""
    if ALL_SCOPE not in paths:
        where = " WHERE " + " OR ".join(["p.scope_path LIKE %s ESCAPE '\\'"] * len(paths))
        params += [_like(p) for p in paths]
    sql = (
        f"INSERT INTO {_SAMPLE} (scope_path, tube_id, round_id, person_id, position, scanned_at)"  # noqa: S608
        " SELECT p.scope_path, %s, %s, v.column1, v.column2, v.column3"
        f" FROM (VALUES {rows}) AS v JOIN {_PERSON} p ON p.id = v.column1{where}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def insert_change_log(actor, tube: Tube, after: dict) -> None:
    """The audit row of the tube's creation (what `core.audit.change_row` would save)."""
    sql = INSERT_LOG.format(json="CAST(%s AS jsonb)" if _postgres() else "%s")
    params = (
        tube.scope_path,
        _when(tube.received_at),
        actor.pk if getattr(actor, "pk", None) else None,
        channel_var.get(),
        ChangeLog.Action.CREATE.value,
        Tube._meta.label_lower,
        str(tube.pk),
        str(tube)[:200],
        json.dumps(after),
        request_id_var.get(),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def sampled_rows(round_id: int, person_ids, exclude_tube_id: int | None = None) -> list[tuple]:
    """(person id, barcode, name, ID number) of the persons' samples in the round, in tube
    order, but for the tube `exclude_tube_id` (one query on the (round, person) index)."""
    person_ids = [int(pk) for pk in person_ids]
    if not person_ids:
        return []
    marks = ", ".join(["%s"] * len(person_ids))
    sql = (
        f"SELECT s.person_id, t.barcode, p.name, p.id_number FROM {_SAMPLE} s"  # noqa: S608
        f" JOIN {_TUBE} t ON t.id = s.tube_id JOIN {_PERSON} p ON p.id = s.person_id"
        f" WHERE s.round_id = %s AND s.person_id IN ({marks})"
    )
    params = [round_id, *person_ids]
    if exclude_tube_id is not None:
        sql += " AND s.tube_id <> %s"
        params.append(exclude_tube_id)
    with connection.cursor() as cursor:
        cursor.execute(sql + " ORDER BY s.tube_id, s.position", params)
        return cursor.fetchall()
