"""Benchmark: the 4 p.m. daily report over a district with every operation populated.

    .venv/bin/python bench/daily_report.py [--people 1000000] [--households 500000]
        [--grids 1000] [--repeat 3] [--sample 50] [--keep FILE.sqlite3]
    bash scripts/with-postgres.sh .venv/bin/python bench/daily_report.py      # PostgreSQL

Builds the district of bench/canvass_coverage.py (its builder functions: areas, estates,
buildings, units, households, people, leaders, and the campaign with half the households
visited), then every operation of one day with bulk SQL (bench/daily_report_data.py: the
day's testing round, returnees, control orders with their follow-ups, gates with passes and
the day's passages, support requests, the roster, inspections and findings, disinfection,
venues, grid reports). The report's day is yesterday, so that its cut-off (16:00) has passed
at whatever hour the bench runs.

Then it measures, each a median of --repeat rounds (one run of each a round):

  compute        figures.compute(at): every figure for every area of the chain (grouped by
                 scope path, rolled up)
  freeze         services_reports.freeze(day, at=at): compute, the units not reported
                 (missing) and one ReportArea per area written; the frozen report is deleted
                 before each round
  missing        missing.missing(day, at) alone (part of freeze)
  figure.<key>   each figure alone (its grouped query and its roll-up)
  naive_sample   figures.for_area(at, path) for --sample grids (one COUNT per figure per area)
  naive_all      naive_sample extrapolated to every area of the chain (grids cost the least:
                 a lower bound)
  district_once  figures.for_area(at, district path): every figure counted once over all
  bare_<name>    the bare SQL of the largest figures, grouped by scope path, fetched

and prints the plans of the --explain largest figures' grouped queries (EXPLAIN ANALYZE on
PostgreSQL, EXPLAIN QUERY PLAN on SQLite).

Prints one JSON object: sizes, build seconds, "seconds", "figures" (per-figure seconds, largest
first), "ratios" and the district's frozen figures (every one should be non-zero).
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

from canvass_coverage import analyze, build_campaign, build_registry  # noqa: E402
from import_registry import machine  # noqa: E402
from scan_load import drop_database, fresh_database, is_postgres  # noqa: E402

ROUND_NAME = "全员核酸第1轮（基准）"  # marks a database already built (--keep)

# The bare SQL of the largest figures: the same rows grouped by scope path, fetched.
BARE = {
    # testing.not_yet: residents living in the round's area without a sample in the round.
    "testing.not_yet": """
SELECT p.scope_path, COUNT(*) FROM people_person p
WHERE p.scope_path LIKE %(area)s
  AND EXISTS (SELECT 1 FROM people_residence r
              WHERE r.person_id = p.id AND r.living AND r.until IS NULL)
  AND NOT EXISTS (SELECT 1 FROM testing_sample s
                  WHERE s.round_id = %(round)s AND s.person_id = p.id)
GROUP BY p.scope_path
""",
    # canvass.not_reached: the campaign's households without a reaching visit (coverage list).
    "canvass.not_reached": """
SELECT h.scope_path, COUNT(*) FROM places_household h
LEFT JOIN canvass_householdstatus s ON s.household_id = h.id AND s.campaign_id = %(campaign)s
WHERE h.scope_path LIKE %(area)s
  AND (s.outcome IN ('absent', 'refused') OR (s.outcome IS NULL AND NOT h.vacant))
GROUP BY h.scope_path
""",
    # checkpoints.people_out: the day's passages up to the cut-off, persons let out.
    "checkpoints.people_out": """
SELECT g.scope_path, COUNT(*) FROM checkpoints_passage g
JOIN checkpoints_checkpoint c ON c.id = g.checkpoint_id
WHERE g.at >= %(start)s AND g.at < %(end)s AND g.at <= %(at)s AND c.active
  AND g.outcome IN ('allowed', 'green') AND g.plate = '' AND g.direction = 'out'
GROUP BY g.scope_path
""",
}


def build(args, rnd: random.Random, day: dt.date) -> dict:
    from daily_report_data import build_day
    from django.db import transaction

    started = time.perf_counter()
    with transaction.atomic():
        counts, paths = build_registry(args, rnd)
        counts.update(build_campaign(args, rnd, paths))
        registry = time.perf_counter()
        counts.update(build_day(day, rnd))
    analyze()
    counts["build_registry_seconds"] = round(registry - started, 1)
    counts["build_operations_seconds"] = round(time.perf_counter() - registry, 1)
    return counts


def bare(sql: str, params: dict) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return len(cursor.fetchall())


def measure(day: dt.date, at: dt.datetime, args) -> dict:
    from django.db import connection

    from wangge.canvass.models import Campaign
    from wangge.command import figures, missing, services_reports
    from wangge.command.models import DailyReport
    from wangge.places.models import Area
    from wangge.testing.models import Round

    registry = figures.registry()
    areas = list(Area.objects.order_by("path").values_list("path", "level"))
    grids = [p for p, level in areas if level == Area.Level.GRID]
    sample = random.Random(1).sample(grids, min(args.sample, len(grids)))
    district = Area.objects.get(level=Area.Level.DISTRICT).path
    start = dt.datetime.combine(day, dt.time(0), tzinfo=at.tzinfo)
    adapt = connection.ops.adapt_datetimefield_value
    params = {
        "area": district + "%",
        "round": Round.objects.get(name=ROUND_NAME).pk,
        "campaign": Campaign.objects.filter(starts_on__lte=day, ends_on__gte=day).first().pk,
        "start": adapt(start),
        "end": adapt(start + dt.timedelta(days=1)),
        "at": adapt(at),
    }

    def freeze():
        DailyReport.objects.filter(day=day).delete()
        return services_reports.freeze(day, at=at)[0]

    runs = {
        "compute": lambda: figures.compute(at),
        "freeze": freeze,
        "missing": lambda: missing.missing(day, at),
        "naive_sample": lambda: [figures.for_area(at, p) for p in sample],
        "district_once": lambda: figures.for_area(at, district),
        **{f"bare_{key}": (lambda sql=sql: bare(sql, params)) for key, sql in BARE.items()},
        **{f"figure.{f.key}": (lambda f=f: figures.rollup(f.per_path(at))) for f in registry},
    }
    times: dict[str, list[float]] = {name: [] for name in runs}
    got: dict = {}
    for _ in range(args.repeat):
        for name, fn in runs.items():
            t = time.perf_counter()
            got[name] = fn()
            times[name].append(time.perf_counter() - t)
    med = {name: statistics.median(values) for name, values in times.items()}
    med["naive_all"] = med["naive_sample"] / len(sample) * len(areas)

    report = got["freeze"]
    top = report.areas.get(area__path=district)
    counts = got["compute"]
    for key, value in top.figures.items():  # frozen = computed = the district's own count
        assert value == counts[key].get(district, 0), key
    assert got["district_once"] == top.figures, "for_area(district) differs from the report"
    per_figure = sorted(
        ((k[len("figure.") :], round(v, 3)) for k, v in med.items() if k.startswith("figure.")),
        key=lambda kv: -kv[1],
    )
    seconds = {k: round(v, 3) for k, v in med.items() if not k.startswith("figure.")}
    ratios = {
        "naive_all/compute": round(med["naive_all"] / med["compute"], 1),
        "freeze/compute": round(med["freeze"] / med["compute"], 2),
        **{
            f"{key}/bare": round(med[f"figure.{key}"] / med[f"bare_{key}"], 2)
            for key in BARE
            if f"figure.{key}" in med
        },
    }
    return {
        "day": day.isoformat(),
        "at": at.isoformat(),
        "figures_count": len(registry),
        "areas": len(areas),
        "report_rows": report.areas.count(),
        "report_seconds_recorded": report.seconds,
        "not_reported": len(got["missing"]),
        "naive_sample_grids": len(sample),
        "seconds": seconds,
        "ratios": ratios,
        "figures": dict(per_figure),
        "district": top.figures,
        "empty_figures": [k for k, v in top.figures.items() if not v],
        "explain": {key: explain(key, at) for key, _ in per_figure[: args.explain]},
    }


def explain(key: str, at: dt.datetime) -> list[str]:
    """The plan of one figure's grouped query (EXPLAIN ANALYZE on PostgreSQL)."""
    from django.db import connection
    from django.db.models import Count

    from wangge.command.figures import by_key

    f = by_key()[key]
    qs = f.rows(at).order_by().values("scope_path").annotate(n=Count(f.column, distinct=True))
    sql, params = qs.query.sql_with_params()
    if connection.vendor == "postgresql":
        sql = "EXPLAIN (ANALYZE, BUFFERS) " + sql
    else:
        sql = "EXPLAIN QUERY PLAN " + sql
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [" ".join(str(v) for v in row[-1:]) for row in cursor.fetchall()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--households", type=int, default=0, help="default: people ÷ 2")
    parser.add_argument("--grids", type=int, default=0, help="default: people ÷ 1,000")
    parser.add_argument("--repeat", type=int, default=3, help="median of this many runs")
    parser.add_argument("--sample", type=int, default=50, help="grids counted the naive way")
    parser.add_argument("--keep", default="", help="SQLite file to build once and reuse")
    parser.add_argument("--seed", type=int, default=20220326)
    parser.add_argument("--explain", type=int, default=3, help="plans of the N largest figures")
    args = parser.parse_args()
    args.households = args.households or args.people // 2
    args.grids = args.grids or max(10, args.people // 1000)
    if not 1 <= args.households <= args.people <= 4 * args.households:
        parser.error("need households <= people <= 4 × households")

    tmp = Path(tempfile.mkdtemp(prefix="wangge-report-"))
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
        from django.utils import timezone

        from wangge.command.services_reports import cut_off_at
        from wangge.core.audit import channel_var, new_request_id
        from wangge.people.models import Person
        from wangge.places.models import Area
        from wangge.testing.models import Round

        call_command("migrate", verbosity=0)
        channel_var.set("cli")
        new_request_id()
        rnd_row = Round.objects.filter(name=ROUND_NAME).first()
        if rnd_row is None:
            day = timezone.localdate() - dt.timedelta(days=1)
            sizes = build(args, random.Random(args.seed), day)
        else:
            day, sizes = rnd_row.date, {"reused": str(args.keep)}
        sizes.update(
            people=Person.objects.count(),
            grids=Area.objects.filter(level=Area.Level.GRID).count(),
        )
        figures = measure(day, cut_off_at(day), args)
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
