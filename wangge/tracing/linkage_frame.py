"""The linkage engine on in-memory tables (no ORM): `link_frame(records, registry)`.

1. Exact keys in DuckDB: the same valid ID number; the same phone and the same simplified
   name — within the records and against the registry.
2. Splink (fixed m/u, see linkage_splink) on the records and the registry records that share
   a blocking key with one of them (a registry of a million people shrinks to the few
   thousand that could match).
3. Constrained clustering (linkage_cluster): worker decisions first, then exact pairs, then
   probabilistic pairs ≥ MERGE_AT, strongest first; pairs in [REVIEW_AT, MERGE_AT) between
   clusters that stay apart, and strong pairs refused only because each side already has its
   own merged/registry person, are the review queue.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from .linkage_cluster import Clusters
from .linkage_keys import decision_key, identity_key, link_columns
from .linkage_splink import BLOCK_KEYS, MERGE_AT, REVIEW_AT, add_block_keys, run, score_pairs

COLUMNS = (
    "unique_id",
    "name",
    "name_py",
    "initials",
    "surname_py",
    "id_number",
    "id_valid",
    "phone",
    "phone_digits",
    "birth",
    "address",
    "source",
    "anchor",
)
REGISTRY = "registry"


@dataclass
class ReviewPair:
    a: str
    b: str
    score: float
    evidence: dict


@dataclass
class Links:
    # Each cluster: the record uids (never registry uids) of one person.
    clusters: list[list[str]] = field(default_factory=list)
    # cluster index -> (registry uid, how matched: "id", "phone_name", "probabilistic", …)
    registry: dict[int, tuple[str, str]] = field(default_factory=dict)
    # record uid -> (how it joined its cluster, score); absent: alone ("new")
    how: dict[str, tuple[str, float]] = field(default_factory=dict)
    review: list[ReviewPair] = field(default_factory=list)
    # exact / probabilistic: pairs accepted; refused: strong pairs a constraint kept apart;
    # review: review pairs; registry: clusters matched to the registry; clusters: people.
    counts: dict[str, int] = field(default_factory=dict)

    def cluster_of(self) -> dict[str, int]:
        return {uid: i for i, members in enumerate(self.clusters) for uid in members}


def prepare(rows: Iterable, *, registry: bool = False) -> pa.Table:
    """The engine's columns for records (dicts with unique_id, name, id_number, phone,
    birth, address, source, anchor; name_py and other derived columns computed if missing)."""
    if isinstance(rows, pa.Table):
        if all(c in rows.column_names for c in COLUMNS):
            return rows.select(list(COLUMNS))
        rows = rows.to_pylist()
    out = []
    for r in rows:
        uid = str(r["unique_id"])
        if all(c in r for c in COLUMNS[1:-2]):
            cols = {c: r.get(c) or None for c in COLUMNS}
            cols["unique_id"] = uid
        else:
            cols = link_columns(r, unique_id=uid, source=r.get("source", ""))
        cols["anchor"] = r.get("anchor") or ""
        if registry:
            cols["source"] = REGISTRY
            cols["anchor"] = (cols["anchor"] + f" reg:{uid}").strip()
        else:
            cols["source"] = str(cols.get("source") or "")
        out.append(cols)
    schema = pa.schema([(c, pa.string()) for c in COLUMNS])
    return pa.Table.from_pylist(out, schema=schema)


def _tags(anchor: str, id_valid: str | None) -> dict[str, str]:
    tags = {"id": id_valid or ""}
    for item in (anchor or "").split():
        cat, _, _value = item.partition(":")
        tags[cat] = item
    return tags


_EXACT_SQL = """
SELECT a.unique_id, b.unique_id, '{how}' FROM recs a JOIN {other} b ON {on}
WHERE {extra} a.unique_id <> b.unique_id
"""


def _exact_edges(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    edges: list[tuple[str, str, str]] = []
    for how, on in (
        ("id", "a.id_valid = b.id_valid"),
        ("phone_name", "a.phone_digits = b.phone_digits AND a.name = b.name"),
    ):
        # Within the records: a star from each group's smallest uid (enough for union-find).
        keys = [k.split(" = ")[0].replace("a.", "") for k in on.split(" AND ")]
        group = ", ".join(keys)
        edges += con.execute(
            f"SELECT min(unique_id) OVER (PARTITION BY {group}), unique_id, '{how}' "  # noqa: S608
            f"FROM recs WHERE {' AND '.join(k + ' IS NOT NULL' for k in keys)} "
            f"QUALIFY min(unique_id) OVER (PARTITION BY {group}) <> unique_id"
        ).fetchall()
        edges += con.execute(
            _EXACT_SQL.format(how=how, other="reg", on=on, extra="")  # noqa: S608
        ).fetchall()
    return edges


def _candidates(con: duckdb.DuckDBPyConnection) -> None:
    """Table `cand`: the records and the registry records sharing any blocking key with one."""
    for t in ("recs", "reg"):
        add_block_keys_raw(con, t, BLOCK_KEYS)
    wheres = " OR ".join(
        f"{k} IN (SELECT {k} FROM recs WHERE {k} IS NOT NULL)"  # noqa: S608
        for k in BLOCK_KEYS
    )
    cols = ", ".join(COLUMNS)
    run(
        con,
        f"CREATE TABLE cand AS SELECT {cols} FROM recs "  # noqa: S608
        f"UNION ALL SELECT {cols} FROM reg WHERE {wheres}",
    )
    add_block_keys(con, "cand")


def add_block_keys_raw(con: duckdb.DuckDBPyConnection, table: str, keys: dict) -> None:
    """Blocking-key columns without the frequency cap (to select registry candidates)."""
    exprs = ", ".join(f"{expr} AS {key}" for key, expr in keys.items())
    run(con, f"CREATE OR REPLACE TABLE {table} AS SELECT *, {exprs} FROM {table}")  # noqa: S608


def link_frame(
    records,
    registry=(),
    *,
    decisions: dict[tuple[str, str], bool] | None = None,
    merge_at: float = MERGE_AT,
    review_at: float = REVIEW_AT,
) -> Links:
    """Link `records` (list rows, existing merged people) with each other and with `registry`.

    `decisions` maps sorted identity-key pairs (see linkage_keys.identity_key) to a worker's
    decision: True merges the pair whatever the scores, False keeps it apart."""
    recs, reg = prepare(records), prepare(registry, registry=True)
    con = duckdb.connect()
    try:
        con.register("recs_in", recs)
        con.register("reg_in", reg)
        run(con, "CREATE TABLE recs AS SELECT * FROM recs_in")
        run(con, "CREATE TABLE reg AS SELECT * FROM reg_in")
        con.unregister("recs_in")
        con.unregister("reg_in")
        exact = _exact_edges(con)
        _candidates(con)
        scored = score_pairs(con, "cand", min_probability=review_at)
        info = {
            row[0]: row
            for row in con.execute(
                "SELECT unique_id, anchor, id_valid, name, id_number, phone, birth, source "
                "FROM cand"
            ).fetchall()
        }
    finally:
        con.close()
    return _cluster(recs, info, exact, scored, decisions or {}, merge_at)


def _key(row) -> str:
    _uid, _anchor, _idv, name, id_number, phone, birth, _src = row
    return identity_key({"name": name, "id_number": id_number, "phone": phone, "birth": birth})


def _cluster(recs: pa.Table, info: dict, exact, scored, decisions, merge_at: float) -> Links:
    c = Clusters()
    rec_uids = recs.column("unique_id").to_pylist()
    for uid, anchor, idv in zip(
        rec_uids,
        recs.column("anchor").to_pylist(),
        recs.column("id_valid").to_pylist(),
        strict=True,
    ):
        c.add(uid, _tags(anchor, idv))
    for uid, row in info.items():
        if row[7] == REGISTRY:
            c.add(uid, _tags(row[1], row[2]))
    keys: dict[str, str] = {}

    def decided(a: str, b: str) -> bool | None:
        if not decisions or a not in info or b not in info:
            return None
        ka = keys.setdefault(a, _key(info[a]))
        kb = keys.setdefault(b, _key(info[b]))
        return decisions.get(decision_key(ka, kb))

    counts = dict.fromkeys(("exact", "probabilistic", "review", "refused"), 0)
    # Worker decisions on any scored or exact pair come first.
    pairs = [(a, b, 1.0, "exact", {}) for a, b, _how in exact] + [
        (a, b, p, "probabilistic", ev) for a, b, p, ev in scored
    ]
    for a, b, _p, _kind, _ev in pairs:
        d = decided(a, b)
        if d is True:
            c.union(a, b, "review", 1.0, force=True)
        elif d is False:
            c.keep_apart(a, b)
    for a, b, how in exact:
        if not c.union(a, b, how, 1.0):
            counts["exact"] += 1
    scored.sort(key=lambda t: (-t[2], t[0], t[1]))
    grey: list[tuple[str, str, float, dict]] = []
    for a, b, p, ev in scored:
        if p >= merge_at:
            why = c.union(a, b, "probabilistic", p)
            if not why:
                counts["probabilistic"] += 1
                continue
            counts["refused"] += 1
            if why in ("id", "decision", "reg"):
                continue  # two valid IDs, a worker's "not the same", two registry people
        grey.append((a, b, p, ev))
    review: dict[tuple[str, str], ReviewPair] = {}
    for a, b, p, ev in grey:
        ra, rb = c.find(a), c.find(b)
        if ra == rb or c.conflict(ra, rb) in ("id", "decision", "reg"):
            continue
        if info.get(a, ("",) * 8)[7] == REGISTRY and info.get(b, ("",) * 8)[7] == REGISTRY:
            continue
        if decided(a, b) is not None:
            continue
        k = (ra, rb) if ra <= rb else (rb, ra)
        if k not in review or review[k].score < p:
            review[k] = ReviewPair(a, b, p, ev)
    links = Links(review=sorted(review.values(), key=lambda r: (-r.score, r.a, r.b)))
    groups: dict[str, list[str]] = {}
    for uid in rec_uids:
        groups.setdefault(c.find(uid), []).append(uid)
    reg_of: dict[str, tuple[str, str]] = {}
    for uid, row in info.items():
        if row[7] == REGISTRY and (root := c.find(uid)) in groups:
            reg_of[root] = (uid, c.how.get(uid, ("probabilistic", 0.0))[0])
    for i, (root, members) in enumerate(groups.items()):
        links.clusters.append(members)
        if root in reg_of:
            links.registry[i] = reg_of[root]
    links.how = {u: c.how[u] for u in rec_uids if u in c.how}
    counts["review"] = len(links.review)
    counts["registry"] = len(links.registry)
    counts["clusters"] = len(links.clusters)
    links.counts = counts
    return links
