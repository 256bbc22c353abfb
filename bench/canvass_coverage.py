"""Benchmark: a door-knocking campaign's coverage over a district, beside the bare SQL.

    .venv/bin/python bench/canvass_coverage.py [--people 1000000] [--households 500000]
        [--grids 1000] [--repeat 3] [--keep FILE.sqlite3]
    bash scripts/with-postgres.sh .venv/bin/python bench/canvass_coverage.py      # PostgreSQL

Builds a district-size registry with bulk SQL (executemany on SQLite, COPY on PostgreSQL):
a district of streets → communities → grids (10 communities a street, 10 grids a community),
one estate a grid, buildings of 3 units × 6 floors × 2 rooms, the households spread evenly
over the grids (2 % marked vacant in the registry), the people over the households (1–4 a
household, one residence each), a grid leader per grid and a building leader per building.
A campaign over the whole district (made by the services, from the ready returnee
questionnaire) has half the households visited: one Visit and one HouseholdStatus each,
answered 60 %, nobody home 20 %, vacant 8 %, refused 7 %, moved 5 %.

Then it measures in the same run, each a median of --repeat rounds (one run of each a round),
printed under "seconds", and prints under "ratios" each of ours ÷ its bare counterpart:

  ledger        coverage.ledger(campaign, None): every count per grid and building, with the
                grid and building leaders
  unit_counts   coverage.unit_counts(campaign, None): the ledger's grouped query alone (per
                unit: 42,000 groups at full size), read into Counts
  sql_group     bare SQL: one GROUP BY grid with the six counts, fetched
  rows          coverage.household_rows(campaign, None): the not-reached households, read and
                turned into rows (no file written)
  sql_rows      bare SQL: one SELECT of the not-reached rows, same columns and order, fetched
  export_csv    `wangge canvass coverage --campaign … --format csv --output FILE`
  bare_csv      the bare SELECT's rows written as they come by csv.writer
  export_xlsx   the same command with --format xlsx
  bare_xlsx     the bare SELECT's rows written as they come by xlsxwriter (constant memory)

The database is a fresh SQLite file in a temporary directory, or a new database on the
PostgreSQL server of WANGGE_DATABASE_URL (a postgres:// URL; dropped at the end). --keep
FILE builds into FILE (SQLite) once and reuses it afterwards. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from import_registry import GIVEN, SURNAMES, machine  # noqa: E402
from scan_load import drop_database, fresh_database, is_postgres  # noqa: E402

BENCH_CAMPAIGN = "区级敲门行动（基准）"
ROOMS, FLOORS, UNITS = 2, 6, 3  # per floor, per unit, per building
ESTATES = ("阳光", "和平", "幸福", "锦绣", "丰泽")
OUTCOMES = [("answered", 60), ("absent", 20), ("vacant", 8), ("refused", 7), ("moved", 5)]


# --- building the registry -------------------------------------------------------------------


class Table:
    """Rows of one model as value tuples in database form: the columns given, then every other
    column at its default (auto_now fields at `now`)."""

    def __init__(self, model, given: str, now):
        from django.db import connection

        given = given.split()
        self.model = model
        fields = model._meta.concrete_fields
        named = {f.attname: f for f in fields} | {f.name: f for f in fields}
        self.columns = [named[n].column for n in given]
        tail = []
        for f in fields:
            if f.attname in given or f.name in given:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = now
            else:
                value = f.get_default()  # "" for text without a default, None when nullable
            if value is None and not f.null:
                raise ValueError(f"{model.__name__}.{f.name} needs a value")
            self.columns.append(f.column)
            tail.append(prep(f, value, connection))
        self.tail = tuple(tail)

    def insert(self, rows) -> int:
        from wangge.people.import_store import insert_rows

        batch, count = [], 0
        for row in rows:
            batch.append(row + self.tail)
            if len(batch) == 50_000:
                insert_rows(self.model, self.columns, batch)
                count += len(batch)
                batch = []
        insert_rows(self.model, self.columns, batch)
        return count + len(batch)


def prep(field, value, connection):
    if value is None:
        return None
    if field.get_internal_type() == "JSONField":
        return json.dumps(value)
    return field.get_db_prep_save(value, connection)


def split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def household_sizes(households: int, people: int, rnd: random.Random) -> list[int]:
    """`people` spread over `households`, 1–4 a household (exactly `people` in all)."""
    sizes = split(people, households)
    rnd.shuffle(sizes)
    for i in range(0, households - 1, 2):
        d = rnd.choice((-1, 0, 0, 1))
        if sizes[i] - d >= 1 and sizes[i + 1] + d >= 1 and max(sizes[i] - d, sizes[i + 1] + d) <= 4:
            sizes[i] -= d
            sizes[i + 1] += d
    return sizes


def name(rnd: random.Random) -> str:
    return (
        rnd.choice(SURNAMES) + rnd.choice(GIVEN) + (rnd.choice(GIVEN) if rnd.random() < 0.6 else "")
    )


def phone(rnd: random.Random) -> str:
    return f"1{rnd.choice('3578')}{rnd.randrange(10**9):09d}"


def build(args, rnd: random.Random) -> dict:
    """The district, its registry and the campaign with half the households visited."""
    from django.db import transaction

    started = time.perf_counter()
    with transaction.atomic():
        counts, paths = build_registry(args, rnd)
        counts.update(build_campaign(args, rnd, paths))
    analyze()
    counts["build_seconds"] = round(time.perf_counter() - started, 1)
    return counts


def build_areas(grid_count: int) -> tuple[list[tuple], list[tuple]]:
    """Area rows (city, district, streets, communities, grids) and (id, path, community id,
    community path) of each grid."""
    rows = [(1, "吉林市", "2202", 1, None, "/1/"), (2, "船营区", "220204", 2, 1, "/1/2/")]
    grids: list[tuple] = []
    communities: list[tuple] = []
    next_id = 3
    n_communities = max(1, grid_count // 10)
    n_streets = max(1, n_communities // 10)
    for s, per_street in enumerate(split(n_communities, n_streets), start=1):
        sid, spath = next_id, f"/1/2/{next_id}/"
        next_id += 1
        rows.append((sid, f"第{s}街道", f"220204{s:03d}", 3, 2, spath))
        for c in range(1, per_street + 1):
            cid, cpath, code = next_id, f"{spath}{next_id}/", f"220204{s:03d}{c:03d}"
            next_id += 1
            rows.append((cid, f"第{s}街道第{c}社区", code, 4, sid, cpath))
            communities.append((cid, cpath, code))
    per_community = split(grid_count, len(communities))
    for (cid, cpath, code), n in zip(communities, per_community, strict=True):
        for g in range(1, n + 1):
            gid, gpath = next_id, f"{cpath}{next_id}/"
            next_id += 1
            rows.append((gid, f"第{len(grids) + 1}网格", f"{code}{g:03d}", 5, cid, gpath))
            grids.append((gid, gpath, cid, cpath))
    return rows, grids


def build_registry(args, rnd: random.Random) -> tuple[dict[str, int], list[str]]:
    """Areas, estates, buildings, units, households, persons, residences and leaders; returns
    the counts and each household's scope path (by id - 1)."""
    from django.utils import timezone

    from wangge.people.models import LeaderAssignment, Person, Residence
    from wangge.places.models import Area, Building, Estate, Household, Unit

    now = timezone.now()
    counts: dict[str, int] = {}
    area_rows, grids = build_areas(args.grids)
    counts["areas"] = Table(Area, "id name code level parent_id path", now).insert(area_rows)
    estates = Table(Estate, "id name area_id scope_path", now)
    counts["estates"] = estates.insert(
        (i + 1, f"{ESTATES[i % 5]}小区{i + 1}", cid, cpath)
        for i, (_gid, _gpath, cid, cpath) in enumerate(grids)
    )
    per_grid = split(args.households, args.grids)
    sizes = household_sizes(args.households, args.people, rnd)
    b_rows, u_rows, h_rows, p_rows, r_rows, paths = [], [], [], [], [], []
    b_id = u_id = h_id = p_id = 0
    per_unit, per_building = FLOORS * ROOMS, FLOORS * ROOMS * UNITS
    for g, (gid, gpath, _cid, _cpath) in enumerate(grids):
        bpath = upath = ""
        for i in range(per_grid[g]):
            if i % per_building == 0:
                b_id, number = b_id + 1, i // per_building + 1
                bpath = f"{gpath}b{b_id}/"
                b_rows.append((b_id, g + 1, gid, str(number), FLOORS, number, bpath))
            if i % per_unit == 0:
                u_id, number = u_id + 1, i % per_building // per_unit + 1
                upath = f"{bpath}u{u_id}/"
                u_rows.append((u_id, b_id, str(number), ROOMS, number, upath))
            h_id += 1
            floor, head, size = i % per_unit // ROOMS + 1, name(rnd), sizes[h_id - 1]
            room = f"{floor}{i % ROOMS + 1:02d}"
            vacant = rnd.random() < 0.02
            h_rows.append((h_id, b_id, u_id, floor, room, head, size, phone(rnd), vacant, upath))
            paths.append(upath)
            for k in range(size):
                p_id += 1
                tel, idn = phone(rnd), f"220204{1950 + p_id % 60}{p_id:08d}"  # unique, 18 long
                who = head if k == 0 else name(rnd)
                p_rows.append((p_id, who, idn, tel, tel[-4:], idn[-4:], upath))
                r_rows.append((p_id, p_id, h_id, "householder" if k == 0 else "member", upath))
    columns = "id estate_id area_id number floors sort_key scope_path"
    counts["buildings"] = Table(Building, columns, now).insert(b_rows)
    columns = "id building_id number rooms_per_floor sort_key scope_path"
    counts["units"] = Table(Unit, columns, now).insert(u_rows)
    columns = "id building_id unit_id floor room householder_name people_count phone vacant"
    counts["households"] = Table(Household, columns + " scope_path", now).insert(h_rows)
    columns = "id name id_number phone phone_tail id_tail scope_path"
    counts["persons"] = Table(Person, columns, now).insert(p_rows)
    columns = "id person_id household_id relation scope_path"
    counts["residences"] = Table(Residence, columns, now).insert(r_rows)
    l_rows = [
        (i + 1, "grid", name(rnd), phone(rnd), gid, None, gpath)
        for i, (gid, gpath, _c, _p) in enumerate(grids)
    ] + [
        (len(grids) + i + 1, "building", name(rnd), phone(rnd), None, b[0], b[6])
        for i, b in enumerate(b_rows)
    ]
    columns = "id role name phone area_id building_id scope_path"
    counts["leaders"] = Table(LeaderAssignment, columns, now).insert(l_rows)
    reset_sequences([Area, Estate, Building, Unit, Household, Person, Residence, LeaderAssignment])
    return counts, paths


def build_campaign(args, rnd: random.Random, paths: list[str]) -> dict[str, int]:
    """The campaign over the district (through the services) with half the households
    visited: a Visit and a HouseholdStatus each."""
    from django.db import connection
    from django.utils import timezone

    from wangge.accounts.models import User
    from wangge.canvass.library import questionnaire_from_library
    from wangge.canvass.models import HouseholdStatus, Visit
    from wangge.canvass.services import create_campaign
    from wangge.places.models import Area

    now, today = timezone.now(), timezone.localdate()
    actor = User.objects.create_superuser("bench", "bench@example.org", None)
    district = Area.objects.get(pk=2)
    campaign = create_campaign(
        actor=actor,
        questionnaire=questionnaire_from_library("returnee", area=district, actor=actor),
        copy=False,
        name=BENCH_CAMPAIGN,
        area=district,
        starts_on=today - dt.timedelta(days=6),
        ends_on=today + dt.timedelta(days=7),
        methods=["visit", "phone", "wechat"],
    )
    adapt = connection.ops.adapt_datetimefield_value
    days = [adapt(now - dt.timedelta(days=d, hours=h)) for d in range(6) for h in (0, 3, 6, 9)]
    kinds = [outcome for outcome, weight in OUTCOMES for _ in range(weight)]
    visited = sorted(rnd.sample(range(1, args.households + 1), args.households // 2))
    v_rows, s_rows = [], []
    for n, hid in enumerate(visited, start=1):
        outcome, at, path = rnd.choice(kinds), rnd.choice(days), paths[hid - 1]
        reached = outcome == "answered"
        visits = 1 if reached else rnd.randint(1, 3)
        v_rows.append((n, campaign.pk, hid, "visit", outcome, at, "走访员", path))
        s_rows.append((n, campaign.pk, hid, outcome, visits, n, at, at if reached else None, path))
    columns = "id campaign_id household_id method outcome visited_at worker_name scope_path"
    counts = {"visits": Table(Visit, columns, now).insert(v_rows)}
    columns = "id campaign_id household_id outcome visits last_visit_id last_at reached_at"
    counts["statuses"] = Table(HouseholdStatus, columns + " scope_path", now).insert(s_rows)
    reset_sequences([Visit, HouseholdStatus])
    return counts


def reset_sequences(models) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def analyze() -> None:
    """Planner statistics after the bulk load, on both databases (as after an import)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- the bare SQL ----------------------------------------------------------------------------

GROUP_SQL = """
SELECT b.area_id,
       COUNT(*),
       SUM(CASE WHEN s.outcome = 'answered' THEN 1 ELSE 0 END),
       SUM(CASE WHEN s.outcome = 'absent' THEN 1 ELSE 0 END),
       SUM(CASE WHEN s.outcome = 'refused' THEN 1 ELSE 0 END),
       SUM(CASE WHEN s.outcome = 'vacant' OR (s.outcome IS NULL AND h.vacant) THEN 1 ELSE 0 END),
       SUM(CASE WHEN s.outcome = 'moved' THEN 1 ELSE 0 END),
       SUM(CASE WHEN s.outcome IS NULL AND NOT h.vacant THEN 1 ELSE 0 END)
FROM places_household h
JOIN places_building b ON b.id = h.building_id
LEFT JOIN canvass_householdstatus s ON s.household_id = h.id AND s.campaign_id = %s
WHERE h.scope_path LIKE %s
GROUP BY b.area_id
"""

ROWS_SQL = """
SELECT h.id, g.name, b.number, b.name, e.name, u.number, h.floor, h.room, h.householder_name,
       h.phone, s.outcome, s.visits, s.last_at, b.area_id
FROM places_household h
JOIN places_building b ON b.id = h.building_id
JOIN places_area g ON g.id = b.area_id
LEFT JOIN places_estate e ON e.id = b.estate_id
JOIN places_unit u ON u.id = h.unit_id
LEFT JOIN canvass_householdstatus s ON s.household_id = h.id AND s.campaign_id = %s
WHERE h.scope_path LIKE %s
  AND (s.outcome IN ('absent', 'refused') OR (s.outcome IS NULL AND NOT h.vacant))
ORDER BY g.code, e.name, b.sort_key, u.sort_key, h.floor, h.room, h.id
"""


def fetch(sql: str, campaign) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, [campaign.pk, campaign.area.path + "%"])
        return cursor.fetchall()


def bare(sql: str, campaign) -> int:
    return len(fetch(sql, campaign))


def bare_csv(campaign, target: Path) -> int:
    """The bare SELECT's rows written as they come by csv.writer."""
    import csv

    with open(target, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(fetch(ROWS_SQL, campaign))
    return target.stat().st_size


def bare_xlsx(campaign, target: Path) -> int:
    """The bare SELECT's rows written as they come by xlsxwriter (constant memory, one
    write_row a row)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(target), {"constant_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate(fetch(ROWS_SQL, campaign)):
        sheet.write_row(r, 0, [v.isoformat() if hasattr(v, "isoformat") else v for v in row])
    book.close()
    return target.stat().st_size


# --- measuring -------------------------------------------------------------------------------


def export(campaign, fmt: str, target: Path) -> int:
    """`wangge canvass coverage --campaign … --format fmt --output target`."""
    import io

    from django.core.management import call_command

    args = ["--campaign", str(campaign.pk), "--format", fmt, "--output", str(target)]
    call_command("canvass", "coverage", *args, stdout=io.StringIO(), stderr=io.StringIO())
    return target.stat().st_size


# (ours, bare counterpart): each ratio printed is ours ÷ bare.
PAIRS = [
    ("ledger", "sql_group"),
    ("unit_counts", "sql_group"),
    ("rows", "sql_rows"),
    ("export_csv", "sql_rows"),
    ("export_xlsx", "sql_rows"),
    ("export_csv", "bare_csv"),
    ("export_xlsx", "bare_xlsx"),
]


def measure(campaign, repeat: int, tmp: Path) -> dict:
    from wangge.canvass.coverage import household_rows, ledger, unit_counts
    from wangge.core.gcpause import gc_paused

    def rows() -> int:
        with gc_paused():
            return sum(1 for _ in household_rows(campaign, None))

    # One run of each a round, ours beside its bare counterpart, so that both see the same
    # machine (other work on the two cores shifts whole rounds, not one side).
    runs = {
        "ledger": lambda: ledger(campaign, None),
        "unit_counts": lambda: unit_counts(campaign, None),
        "sql_group": lambda: bare(GROUP_SQL, campaign),
        "rows": rows,
        "sql_rows": lambda: bare(ROWS_SQL, campaign),
        "export_csv": lambda: export(campaign, "csv", tmp / "not_reached.csv"),
        "bare_csv": lambda: bare_csv(campaign, tmp / "bare.csv"),
        "export_xlsx": lambda: export(campaign, "xlsx", tmp / "not_reached.xlsx"),
        "bare_xlsx": lambda: bare_xlsx(campaign, tmp / "bare.xlsx"),
    }
    times: dict[str, list[float]] = {name: [] for name in runs}
    got: dict = {}
    for _ in range(repeat):
        for name, fn in runs.items():
            t = time.perf_counter()
            got[name] = fn()
            times[name].append(time.perf_counter() - t)
    med = {name: statistics.median(values) for name, values in times.items()}
    board = got["ledger"]
    assert got["sql_group"] == len(board.grids), (got["sql_group"], len(board.grids))
    assert got["sql_rows"] == got["rows"] == board.total.not_reached, (got["sql_rows"], got["rows"])
    return {
        "ledger_grids": len(board.grids),
        "ledger_buildings": sum(len(g.children) for g in board.grids),
        "total": board.total.as_dict(),
        "not_reached_rows": got["rows"],
        "csv_mb": round(got["export_csv"] / 1e6, 1),
        "xlsx_mb": round(got["export_xlsx"] / 1e6, 1),
        "seconds": {name: round(value, 3) for name, value in med.items()},
        "ratios": {f"{a}/{b}": round(med[a] / med[b], 2) for a, b in PAIRS},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--households", type=int, default=500_000)
    parser.add_argument("--grids", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=3, help="median of this many runs")
    parser.add_argument("--keep", default="", help="SQLite file to build once and reuse")
    parser.add_argument("--seed", type=int, default=20220326)
    args = parser.parse_args()
    if not 1 <= args.households <= args.people <= 4 * args.households:
        parser.error("need households <= people <= 4 × households")

    tmp = Path(tempfile.mkdtemp(prefix="wangge-canvass-"))
    url = os.environ.get("WANGGE_DATABASE_URL", "")
    postgres = is_postgres(url)
    if postgres:
        url = fresh_database(url)
    else:
        url = f"sqlite:///{Path(args.keep).resolve() if args.keep else tmp / 'bench.sqlite3'}"
    os.environ["WANGGE_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wangge.settings")
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        from wangge.canvass.models import Campaign
        from wangge.core.audit import channel_var, new_request_id

        call_command("migrate", verbosity=0)
        channel_var.set("cli")
        new_request_id()
        campaign = Campaign.objects.filter(name=BENCH_CAMPAIGN).select_related("area").first()
        if campaign is None:
            sizes = build(args, random.Random(args.seed))
            campaign = Campaign.objects.select_related("area").get(name=BENCH_CAMPAIGN)
        else:
            sizes = {"reused": str(args.keep)}
        from wangge.people.models import Person
        from wangge.places.models import Area, Household

        sizes.update(
            people=Person.objects.count(),
            households=Household.objects.count(),
            grids=Area.objects.filter(level=Area.Level.GRID).count(),
            visited=campaign.statuses.count(),
        )
        figures = measure(campaign, args.repeat, tmp)
        if connection.vendor == "postgresql":
            version = str(connection.cursor().connection.info.server_version)
        else:
            import sqlite3

            version = sqlite3.sqlite_version
        print(
            json.dumps(
                {
                    "db": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
                    "db_version": version,
                    "repeat": args.repeat,
                    **sizes,
                    **figures,
                    "machine": machine(),
                },
                ensure_ascii=False,
            )
        )
    finally:
        if postgres:
            drop_database(url)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
