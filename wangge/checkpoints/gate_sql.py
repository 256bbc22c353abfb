"""The hot path of a gate: a pass scanned online, in plain SQL (PostgreSQL, and SQLite ≥ 3.35).

A busy gate scans hundreds of passes an hour and a street's gates thousands, so the common
scan — a pass going out — skips ORM compilation: after the signature is checked in Python, one
INSERT … SELECT reads the pass, its household's estate, whether a sealing designation covers
the household, whether anyone is confined there, and the household's exits in the quota
period, and writes the passage when only the quota may stop it (ON CONFLICT (client_uuid) DO
NOTHING RETURNING id, outcome).

Only the two common answers are settled here: let through, or refused for the quota. No row
back (a revoked or expired pass, a household of another estate, sealed, confined, or a retry
whose UUID is taken), a gate closed now, or a policy the statement cannot window, and
gate.record decides the usual way, with its reasons; test_gate_sql.py checks that both paths
agree.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.control.models import ControlOrder, DesignationLevel, OrderType, RiskDesignation
from wangge.places.models import Building, Household

from .models import Checkpoint, Pass, Passage, PassPolicy
from .signing import Claim

_PASS, _HH, _BUILDING = Pass._meta.db_table, Household._meta.db_table, Building._meta.db_table
_DESIGNATION, _LEVEL = RiskDesignation._meta.db_table, DesignationLevel._meta.db_table
_ORDER, _TYPE = ControlOrder._meta.db_table, OrderType._meta.db_table
_PASSAGE = Passage._meta.db_table
_COLUMNS = [f.column for f in Passage._meta.concrete_fields if f.column != "id"]

# One statement: read the pass, its household's estate and what may stop it, and insert the
# passage when nothing but the quota does (let through, or refused for the quota). No row back:
# something else stops it, or the client UUID was recorded before; gate.record then decides.
_VALUES = ", ".join(_COLUMNS)
# The constants are written into the statement (so that a generic plan can still use the quota
# index, whose predicate names them); everything else is a named parameter, bound once however
# often the statement uses it.
_OUT, _ALLOWED = Passage.Direction.OUT.value, Passage.Outcome.ALLOWED.value
_REFUSED = Passage.Outcome.REFUSED.value
_ACTIVE = ControlOrder.Status.ACTIVE.value
_CONFINING = ", ".join(
    f"'{k.value}'" for k in (OrderType.Kind.HOME_QUARANTINE, OrderType.Kind.CENTRAL_QUARANTINE)
)
RECORD = (
    f"INSERT INTO {_PASSAGE} ({_VALUES})"  # noqa: S608 - table names, code constants and bind parameters only
    f" SELECT %(scope)s, %(checkpoint)s, %(at)s, '{_OUT}',"
    f"  CASE WHEN r.used >= %(persons)s THEN '{_REFUSED}' ELSE '{_ALLOWED}' END,"
    "  CASE WHEN r.used >= %(persons)s THEN 'quota' ELSE '' END,"
    "  CASE WHEN r.used >= %(persons)s THEN %(reason)s ELSE '' END,"
    "  r.household_id, NULL, r.pass_id, '', NULL, '', '', '', '', %(key)s, FALSE, %(actor)s,"
    "  %(now)s"
    " FROM (SELECT p.id AS pass_id, p.household_id, p.revoked_at, p.valid_until, b.estate_id,"
    f"  EXISTS (SELECT 1 FROM {_DESIGNATION} d JOIN {_LEVEL} l ON l.id = d.level_id"
    "   WHERE l.seals AND d.starts_at <= %(at)s AND (d.ends_at IS NULL OR d.ends_at > %(at)s)"
    "   AND (d.unit_id = h.unit_id OR d.building_id = h.building_id"
    "   OR d.estate_id = b.estate_id)) AS sealed,"
    f"  EXISTS (SELECT 1 FROM {_ORDER} o JOIN {_TYPE} t ON t.id = o.order_type_id"
    f"   WHERE o.household_id = h.id AND o.status = '{_ACTIVE}' AND o.starts_on <= %(day)s"
    f"   AND o.ends_on >= %(day)s AND t.kind IN ({_CONFINING})) AS confined,"
    f"  (SELECT COUNT(*) FROM {_PASSAGE} q WHERE q.household_id = h.id AND q.direction = '{_OUT}'"
    f"   AND q.outcome = '{_ALLOWED}' AND q.at >= %(since)s AND q.at < %(until)s"
    "   AND q.at <= %(at)s) AS used"
    f"  FROM {_PASS} p JOIN {_HH} h ON h.id = p.household_id"
    "  {building}"
    "  WHERE p.id = %(pass)s AND p.household_id = %(household)s {fence}) r"
    " WHERE r.revoked_at IS NULL AND r.valid_until >= %(day)s AND r.estate_id IN ({served})"
    "  AND NOT r.sealed AND NOT r.confined"
    " ON CONFLICT (client_uuid) DO NOTHING RETURNING id, outcome"
)


# What differs by database. On PostgreSQL the household's building is a lookup by its key (OFFSET 0
# keeps it one: as a join, the generic plan of the prepared statement scans every building), and
# OFFSET 0 fences the inner row so that its quota count is computed once, not in each CASE.
# SQLite has no LATERAL and no OFFSET without LIMIT.
_VENDOR = {
    "postgresql": {
        "building": (
            f"CROSS JOIN LATERAL (SELECT estate_id FROM {_BUILDING}"  # noqa: S608 - a table name
            " WHERE id = h.building_id OFFSET 0) b"
        ),
        "fence": "OFFSET 0",
    },
    "sqlite": {"building": f"JOIN {_BUILDING} b ON b.id = h.building_id", "fence": ""},
}


def _window(policies: dict[int, PassPolicy], served, at: dt.datetime):
    """The quota period holding `at`, when every estate the gate serves has a policy of the
    same period (the usual gate: one estate); (policy by estate, since, until) or None."""
    from .gate import period_start

    chosen = [policies.get(e) for e in served]
    if not chosen or any(p is None for p in chosen):
        return None
    starts = {period_start(p, at) for p in chosen}
    shapes = {(max(p.period_days, 1), p.persons) for p in chosen}
    if len(starts) != 1 or len(shapes) != 1:
        return None
    since = starts.pop()
    return chosen[0], since, since + dt.timedelta(days=chosen[0].period_days or 1)


def record_pass(
    checkpoint: Checkpoint,
    claim: Claim,
    *,
    actor,
    direction: str,
    at: dt.datetime,
    key: uuid.UUID | None,
    served,
    policies: dict[int, PassPolicy],
) -> tuple[Passage, bool] | None:
    """Record a genuine pass's scan going out when it is let through or refused for the quota;
    None when the usual path must decide (see the module's note)."""
    from .gate import OUT, gate_is_open

    if direction != OUT or key is None or not served or not checkpoint.residents_only:
        return None
    if not gate_is_open(checkpoint, at):
        return None
    window = _window(policies, served, at)
    if window is None:
        return None
    policy, since, until = window
    ops = connection.ops
    when = ops.adapt_datetimefield_value
    now = timezone.now()
    reason = quota_reason(policy)
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    estates = sorted(served)
    params = {
        "scope": checkpoint.scope_path,
        "checkpoint": checkpoint.pk,
        "at": when(at),
        "persons": policy.persons,
        "reason": reason,
        "key": Passage._meta.get_field("client_uuid").get_db_prep_value(key, connection),
        "actor": actor_id,
        "now": when(now),
        "day": ops.adapt_datefield_value(timezone.localdate(at)),
        "since": when(since),
        "until": when(until),
        "pass": claim.pass_id,
        "household": claim.household_id,
        **{f"estate{i}": pk for i, pk in enumerate(estates)},
    }
    served_sql = ", ".join(f"%(estate{i})s" for i in range(len(estates)))
    sql = RECORD.format(served=served_sql, **_VENDOR[connection.vendor])
    row = _execute(sql, params)
    if row is None:
        return None
    pk, outcome = row
    passage = Passage(
        pk=pk,
        scope_path=checkpoint.scope_path,
        checkpoint_id=checkpoint.pk,
        at=at,
        direction=OUT,
        outcome=outcome,
        code="quota" if outcome == _REFUSED else "",
        reason=reason if outcome == _REFUSED else "",
        household_id=claim.household_id,
        pass_card_id=claim.pass_id,
        client_uuid=key,
        recorded_by_id=actor_id,
        received_at=now,
    )
    passage._state.adding = False
    return passage, True


def _execute(sql: str, params: dict):
    """The statement's one row or None. On PostgreSQL through a cursor that binds on the server
    and prepares the statement once per connection (Django's cursors bind on the client, so each
    scan would be planned again: 0.64 ms of the database's CPU against 0.17 ms to run it)."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    import psycopg

    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=True)
        return cursor.fetchone()


def quota_reason(policy: PassPolicy) -> str:
    if policy.period_days == 1:
        return _("本户今日外出名额已用完（每户每天%(n)d人）") % {"n": policy.persons}
    return _("本户本周期外出名额已用完（每户每%(d)d天%(n)d人）") % {
        "d": policy.period_days,
        "n": policy.persons,
    }
