"""The statements that write one closed tube, in plain SQL (PostgreSQL, and SQLite ≥ 3.35).

Tube registration is the hottest write of a testing day, so it skips model instances and ORM
compilation: one INSERT of the tube that also settles idempotency (`ON CONFLICT (client_uuid)
DO NOTHING RETURNING id`: no row back means the UUID was registered before), one INSERT …
SELECT of the samples that takes each person's scope path from the registry and only persons
within the actor's scope (fewer rows than references means a reference was wrong), and one
INSERT of the change log row. The caller holds the transaction.

On PostgreSQL the usual tube (every person by id) is one statement instead
(`insert_tube_at_once`): data-modifying CTEs write the tube, its samples and its change log and
read the persons' earlier samples in the round, in one round trip and one implicit transaction.
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
    f"INSERT INTO {_TUBE} (scope_path, round_id, barcode, capacity, point_id, table_id,"  # noqa: S608 - table names and bind parameters only
    " team_id, client_uuid, closed_at, received_at, registered_by_id, result, result_at)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, '', NULL)"
    " ON CONFLICT (client_uuid) DO NOTHING RETURNING id"
)
INSERT_LOG = (
    f"INSERT INTO {_LOG} (scope_path, at, actor_id, channel, action, model, object_id,"  # noqa: S608 - table names and bind parameters only
    " object_repr, before, after, request_id)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, NULL, {json}, %s)"
)


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _when(value: dt.datetime | None):
    return connection.ops.adapt_datetimefield_value(value)


def _tube_params(tube: Tube) -> tuple:
    return (
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


def insert_tube(tube: Tube) -> int | None:
    """Insert the tube; its id, or None when its client UUID is taken (nothing written).
    IntegrityError when the barcode is taken in the round."""
    with connection.cursor() as cursor:
        cursor.execute(INSERT_TUBE, _tube_params(tube))
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
    where, scope = _scope_where("p.scope_path", paths)
    params += scope
    sql = (
        f"INSERT INTO {_SAMPLE} (scope_path, tube_id, round_id, person_id, position, scanned_at)"  # noqa: S608
        " SELECT p.scope_path, %s, %s, v.column1, v.column2, v.column3"
        f" FROM (VALUES {rows}) AS v JOIN {_PERSON} p ON p.id = v.column1{where}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _log_params(actor, tube: Tube, after: dict, *, object_id: bool = True) -> tuple:
    """The change log row's values in INSERT_LOG's order (`object_id=False`: without the
    object id, which the statement fills in)."""
    head = (
        tube.scope_path,
        _when(tube.received_at),
        actor.pk if getattr(actor, "pk", None) else None,
        channel_var.get(),
        ChangeLog.Action.CREATE.value,
        Tube._meta.label_lower,
    )
    tail = (str(tube)[:200], json.dumps(after), request_id_var.get())
    return (*head, str(tube.pk), *tail) if object_id else (*head, *tail)


def insert_change_log(actor, tube: Tube, after: dict) -> None:
    """The audit row of the tube's creation (what `core.audit.change_row` would save)."""
    sql = INSERT_LOG.format(json="CAST(%s AS jsonb)" if _postgres() else "%s")
    with connection.cursor() as cursor:
        cursor.execute(sql, _log_params(actor, tube, after))


def _scope_where(column: str, paths: list[str]) -> tuple[str, list[str]]:
    """(" WHERE …", params) limiting `column` to the scope prefixes `paths` ("" for all)."""
    if ALL_SCOPE in paths:
        return "", []
    where = " WHERE " + " OR ".join([f"{column} LIKE %s ESCAPE '\\'"] * len(paths))
    return where, [_like(p) for p in paths]


def insert_tube_at_once(
    tube: Tube, person_ids: list[int], scanned, paths: list[str], actor, after: dict
) -> tuple[int | None, bool, list[tuple]]:
    """PostgreSQL: write the tube, one sample per person and the change log in one statement,
    only if every person exists within `paths`; and read the persons' samples in the round
    from before it (the double-scan warning rows, as `sampled_rows` gives them).

    Returns (tube id or None, whether every person was found, earlier sample rows). No id with
    every person found means the client UUID was registered before (nothing written); with a
    person missing nothing is written either. IntegrityError when the barcode is taken."""
    if not paths:
        return None, False, []
    rows = ", ".join(["(%s::bigint, %s::integer, %s::timestamptz)"] * len(person_ids))
    values: list = []
    for position, (pid, when) in enumerate(zip(person_ids, scanned, strict=True), start=1):
        values += [pid, position, _when(when) if when is not None else None]
    where, scope = _scope_where("p.scope_path", paths)
    sql = (
        f"WITH v (person_id, position, scanned_at) AS (VALUES {rows}),"  # noqa: S608 - table names and bind parameters only
        " found AS (SELECT v.person_id, v.position, v.scanned_at, p.scope_path"
        f" FROM v JOIN {_PERSON} p ON p.id = v.person_id{where}),"
        " complete AS (SELECT count(*) = %s AS ok FROM found),"
        f" t AS (INSERT INTO {_TUBE} (scope_path, round_id, barcode, capacity, point_id, table_id,"
        " team_id, client_uuid, closed_at, received_at, registered_by_id, result, result_at)"
        " SELECT %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, '', NULL FROM complete WHERE ok"
        " ON CONFLICT (client_uuid) DO NOTHING RETURNING id),"
        f" s AS (INSERT INTO {_SAMPLE}"
        " (scope_path, tube_id, round_id, person_id, position, scanned_at)"
        " SELECT f.scope_path, t.id, %s, f.person_id, f.position, f.scanned_at FROM t, found f),"
        f" l AS (INSERT INTO {_LOG} (scope_path, at, actor_id, channel, action, model, object_id,"
        " object_repr, before, after, request_id)"
        " SELECT %s, %s, %s, %s, %s, %s, t.id::text, %s, NULL, CAST(%s AS jsonb), %s FROM t)"
        " SELECT (SELECT id FROM t), (SELECT ok FROM complete),"
        f" (SELECT json_agg(json_build_array(e.person_id, e.barcode, e.name, e.id_number)"
        f"  ORDER BY e.tube_id, e.position) FROM ({EARLIER_PG.format(exclude='')}) e)"
    )
    params = [
        *values,
        *scope,
        len(person_ids),
        *_tube_params(tube),
        tube.round_id,
        *_log_params(actor, tube, after, object_id=False),
        list(person_ids),
        tube.round_id,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        tube_id, complete, earlier = cursor.fetchone()
    return tube_id, bool(complete), [tuple(row) for row in earlier or ()]


# The persons' samples in a round. On PostgreSQL one index probe per person whatever the
# statistics say: when they were taken before the round began, the planner believes the round
# has a few samples and, given `person_id IN (…)` or a plain join, reads all of the round's
# samples and filters the persons afterwards (milliseconds once the round has 100,000). The
# OFFSET 0 keeps the lateral subquery a per-person probe on the (round, person) index.
EARLIER_PG = (
    "SELECT s.person_id, s.barcode, p.name, p.id_number, s.tube_id, s.position"  # noqa: S608 - table names and bind parameters only
    " FROM unnest(%s::bigint[]) AS q (person_id)"
    " CROSS JOIN LATERAL (SELECT x.person_id, x.tube_id, x.position, b.barcode"
    f"  FROM {_SAMPLE} x JOIN {_TUBE} b ON b.id = x.tube_id"
    "  WHERE x.round_id = %s AND x.person_id = q.person_id{exclude} OFFSET 0) s"
    f" JOIN {_PERSON} p ON p.id = s.person_id"
)
EARLIER_SQLITE = (
    "SELECT s.person_id, b.barcode, p.name, p.id_number, s.tube_id, s.position"  # noqa: S608
    f" FROM {_SAMPLE} s JOIN {_TUBE} b ON b.id = s.tube_id JOIN {_PERSON} p ON p.id = s.person_id"
    " WHERE s.person_id IN ({marks}) AND s.round_id = %s{exclude}"
)


def sampled_rows(round_id: int, person_ids, exclude_tube_id: int | None = None) -> list[tuple]:
    """(person id, barcode, name, ID number) of the persons' samples in the round, in tube
    order, but for the tube `exclude_tube_id` (one query on the (round, person) index)."""
    person_ids = [int(pk) for pk in person_ids]
    if not person_ids:
        return []
    alias = "x" if _postgres() else "s"
    exclude = "" if exclude_tube_id is None else f" AND {alias}.tube_id <> %s"
    if _postgres():
        sql = EARLIER_PG.format(exclude=exclude)
        params = [person_ids, round_id]
    else:
        marks = ", ".join(["%s"] * len(person_ids))
        sql = EARLIER_SQLITE.format(marks=marks, exclude=exclude)
        params = [*person_ids, round_id]
    if exclude_tube_id is not None:
        params.append(exclude_tube_id)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT person_id, barcode, name, id_number FROM ({sql}) e"  # noqa: S608
            " ORDER BY tube_id, position",
            params,
        )
        return cursor.fetchall()
