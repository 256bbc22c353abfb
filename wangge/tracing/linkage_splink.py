"""The probabilistic part of contact-list linkage: a Splink (DuckDB) model with fixed m and u
probabilities, so that a request never trains (no EM): the same rows always give the same
scores, and scoring a day's lists takes seconds.

How the probabilities were chosen (m = P(level | same person), u = P(level | two different
people)); the match weight of a level is log2(m / u):

- name: exact simplified name m .88 / u .001 (common names — 张伟, 王芳 — are ~0.25 % of a
  population, so u is well above 1/#names); same pinyin but different characters (homophones
  typed by ear: 张伟 / 章伟) m .06 / u .0005; pinyin Jaro-Winkler ≥ .9 (a typo) m .03 / u .003;
  else m .03 / u .996 (weight ≈ −5: a different name is strong evidence of a different person).
- ID number: exact m .90 / u 1e-7; both valid but different m .001 / u .99 (weight ≈ −10: two
  valid ID numbers are two people — the clustering also refuses such merges outright);
  Damerau-Levenshtein ≤ 2 (a mistyped or swapped digit, which the check digit turns invalid)
  m .08 / u 1e-6; same birth-date part m .005 / u 1e-4; else m .015 / u .9999. Missing: no
  evidence either way.
- phone: exact m .75 / u 5e-5 (households share a phone, so u is above 1/#phones); one edit or
  swap m .10 / u 2e-5; else m .15 / u .99993 (weight ≈ −2.7: people give another number — a
  relative's, the work phone — so a different phone is weak evidence).
- birth date: exact m .95 / u 5e-5 (≈ 1 / (365 × 60)); same year and month or one digit off
  m .03 / u .002; else m .02 / u .998.
- address: exact m .40 / u .002; character Jaccard ≥ .8 m .30 / u .05; else m .30 / u .948 —
  weak, since lists write addresses as they please.

The prior (probability_two_random_records_match) is 1e-5: every list row has about one true
match among the ~10⁵–10⁶ records it could be compared with. With it, exact name and phone
alone (no ID) weigh 9.8 + 13.9 − 16.6 ≈ 7 (p ≈ .99), a homophone with the same phone ≈ 4.2
(p ≈ .95), the same name and birth date with another phone ≈ 4.6 (p ≈ .96): all merge at
MERGE_AT = .92; a similar given name with the same phone and nothing else (a relative, or a
typo) ≈ 0.6 goes to review (REVIEW_AT = .60). On generated lists (1,000,000 registry people,
~200,000 rows) these values gave pairwise precision ≈ .999 and recall ≈ .995 with under 0.1 %
of the rows in review; they are plain constants, to be re-tuned on real lists.
"""

from __future__ import annotations

import logging

import duckdb
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator

PRIOR = 1e-5

# Pairs at or above MERGE_AT merge; [REVIEW_AT, MERGE_AT) go to the review queue.
MERGE_AT = 0.92
REVIEW_AT = 0.60

# A blocking key value shared by more records than this (a hotline written for everyone, a
# placeholder 13800000000) generates too many pairs and tells nothing: it does not block.
MAX_BLOCK = 60


def _lv(level, m: float, u: float):
    return level.configure(m_probability=m, u_probability=u)


def comparisons() -> list:
    name = cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.NullLevel("name_py"),
            _lv(cll.ExactMatchLevel("name"), 0.88, 0.001),
            _lv(cll.ExactMatchLevel("name_py"), 0.06, 0.0005),
            _lv(cll.JaroWinklerLevel("name_py", 0.9), 0.03, 0.003),
            _lv(cll.ElseLevel(), 0.03, 0.996),
        ],
    )
    id_number = cl.CustomComparison(
        output_column_name="id_number",
        comparison_levels=[
            cll.NullLevel("id_number"),
            _lv(cll.ExactMatchLevel("id_number"), 0.90, 1e-7),
            _lv(
                cll.CustomLevel(
                    "id_valid_l IS NOT NULL AND id_valid_r IS NOT NULL", "两个不同的有效身份证号"
                ),
                0.001,
                0.99,
            ),
            _lv(cll.DamerauLevenshteinLevel("id_number", 2), 0.08, 1e-6),
            _lv(
                cll.CustomLevel(
                    "substr(id_number_l, 7, 8) = substr(id_number_r, 7, 8)", "出生日期段相同"
                ),
                0.005,
                1e-4,
            ),
            _lv(cll.ElseLevel(), 0.015, 0.9999),
        ],
    )
    phone = cl.CustomComparison(
        output_column_name="phone",
        comparison_levels=[
            cll.NullLevel("phone_digits"),
            _lv(cll.ExactMatchLevel("phone_digits"), 0.75, 5e-5),
            _lv(cll.DamerauLevenshteinLevel("phone_digits", 1), 0.10, 2e-5),
            _lv(cll.ElseLevel(), 0.15, 0.99993),
        ],
    )
    birth = cl.CustomComparison(
        output_column_name="birth",
        comparison_levels=[
            cll.NullLevel("birth"),
            _lv(cll.ExactMatchLevel("birth"), 0.95, 5e-5),
            _lv(
                cll.CustomLevel(
                    "substr(birth_l, 1, 7) = substr(birth_r, 1, 7) "
                    "OR damerau_levenshtein(birth_l, birth_r) <= 1",
                    "同年同月或一位之差",
                ),
                0.03,
                0.002,
            ),
            _lv(cll.ElseLevel(), 0.02, 0.998),
        ],
    )
    address = cl.CustomComparison(
        output_column_name="address",
        comparison_levels=[
            cll.NullLevel("address"),
            _lv(cll.ExactMatchLevel("address"), 0.40, 0.002),
            _lv(cll.JaccardLevel("address", 0.8), 0.30, 0.05),
            _lv(cll.ElseLevel(), 0.30, 0.948),
        ],
    )
    return [name, id_number, phone, birth, address]


# What each comparison's gamma value means (for the review page's evidence), by comparison.
LEVEL_LABELS = {
    "name": {-1: "missing", 3: "exact", 2: "pinyin", 1: "similar", 0: "different"},
    "id_number": {
        -1: "missing",
        4: "exact",
        3: "both_valid_different",
        2: "1-2 digits",
        1: "same_birth",
        0: "different",
    },
    "phone": {-1: "missing", 2: "exact", 1: "1 digit", 0: "different"},
    "birth": {-1: "missing", 2: "exact", 1: "close", 0: "different"},
    "address": {-1: "missing", 2: "exact", 1: "similar", 0: "different"},
}

# Blocking keys (computed in SQL on the input table, NULL when a value is too common):
# - b_id: the ID number; b_phone: the phone;
# - b_name_birth: pinyin + birth date (no ID, or an ID mistyped outside the birth part);
# - b_id6: first 6 of the ID + birth + initials (a name typo with an ID mistyped at its end);
# - b_phone8: last 8 digits of the phone + surname pinyin (a phone mistyped at its start);
# - b_pw1..3: pinyin + one of three disjoint windows of the phone (a swap or a typo in the
#   phone touches at most two of them);
# - b_iw1..3: pinyin + one of three disjoint windows of the ID number.
BLOCK_KEYS = {
    "b_id": "id_number",
    "b_phone": "phone_digits",
    "b_name_birth": "name_py || '|' || birth",
    "b_id6": "substr(id_number, 1, 6) || '|' || birth || '|' || initials",
    "b_phone8": "right(phone_digits, 8) || '|' || surname_py",
    "b_pw1": "name_py || '|' || substr(phone_digits, 1, 5)",
    "b_pw2": "name_py || '|' || substr(phone_digits, 6, 3)",
    "b_pw3": "name_py || '|' || substr(phone_digits, 9)",
    "b_iw1": "name_py || '|' || substr(id_number, 1, 6) || substr(id_number, 16, 2)",
    "b_iw2": "name_py || '|' || substr(id_number, 7, 6)",
    "b_iw3": "name_py || '|' || substr(id_number, 13, 6)",
}


def run(con: duckdb.DuckDBPyConnection, sql: str) -> list:
    """Execute and fetch (DuckDB refuses new work while a result is unfinished)."""
    return con.execute(sql).fetchall()


def add_block_keys(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Add the blocking-key columns to `table`, NULL where a value is shared by > MAX_BLOCK."""
    exprs = ", ".join(
        f"CASE WHEN count(*) OVER (PARTITION BY {expr}) > {MAX_BLOCK} THEN NULL "
        f"ELSE {expr} END AS {key}"
        for key, expr in BLOCK_KEYS.items()
    )
    run(con, f"CREATE OR REPLACE TABLE {table} AS SELECT *, {exprs} FROM {table}")  # noqa: S608


def blocking_rules() -> list[str]:
    """One rule per key; never two registry records (the registry is not deduplicated here)."""
    return [
        f"l.{key} = r.{key} AND NOT (l.source = 'registry' AND r.source = 'registry')"
        for key in BLOCK_KEYS
    ]


def settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=blocking_rules(),
        probability_two_random_records_match=PRIOR,
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=False,
        additional_columns_to_retain=[],
    )


def score_pairs(con: duckdb.DuckDBPyConnection, table: str, *, min_probability: float) -> list:
    """Scored candidate pairs of `table` (which has the link and blocking-key columns):
    [(uid_l, uid_r, match_probability, {comparison: level label})] at or above
    min_probability."""
    if not run(con, f"SELECT count(*) FROM {table}")[0][0]:  # noqa: S608
        return []
    db = DuckDBAPI(con)
    linker = Linker(db.register(table), settings(), log_level=logging.WARNING)
    splink_logger = logging.getLogger("splink")
    level = splink_logger.level
    splink_logger.setLevel(logging.WARNING)
    try:
        pred = linker.inference.predict(
            threshold_match_probability=min_probability, warning_mode="never"
        )
    finally:
        splink_logger.setLevel(level)
    gammas = list(LEVEL_LABELS)
    cols = ", ".join(f"gamma_{g}" for g in gammas)
    sql = f"SELECT unique_id_l, unique_id_r, match_probability, {cols} FROM {pred.physical_name}"  # noqa: S608
    out = []
    for row in con.execute(sql).fetchall():
        evidence = {g: LEVEL_LABELS[g].get(v, str(v)) for g, v in zip(gammas, row[3:], strict=True)}
        out.append((row[0], row[1], float(row[2]), evidence))
    pred.drop_table_from_database_and_remove_from_cache()
    return out
