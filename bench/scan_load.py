"""Benchmark: tube registration under load, against the project served as in production.

    .venv/bin/python bench/scan_load.py [--clients 16] [--seconds 20] [--rounds 6]
    bash scripts/with-postgres.sh .venv/bin/python bench/scan_load.py      # PostgreSQL

Prepares a database (a fresh SQLite file in WAL mode in a temporary directory, or a new
database created on the PostgreSQL server of WANGGE_DATABASE_URL when that is a postgres://
URL), builds the demo street (`wangge demo`, scale 1.0: 39,303 people) with yesterday's round
(everybody sampled, as on any day of an outbreak but the first) and ANALYZEs it, creates
rounds with one sampling point each, a table per client and an API token per client (one
phone per table), then serves the project as in production (scripts/serve.sh: one worker
per core, 2 threads each) on 127.0.0.1 and runs N client processes. Each client keeps one HTTP
connection open and posts closed tubes of 10 distinct people (by person id; every person is
used once per round, with fresh client UUIDs) until the time is up or its people run out.

Then it checks the database: every acknowledged tube must be there once with its 10 samples
(`lost` counts those missing), and no tube or (round, person) sample may exist twice
(`duplicated`). On PostgreSQL it then runs pgbench in the same run: a custom script inserting
one tube row and 10 sample rows (one multi-row INSERT) per transaction into the same tables,
with the same clients, for 10 s, and reports the project's rate as a fraction of it.

Prints one JSON object. CPU seconds used by the server, the clients and PostgreSQL during the
load are reported per tube, to show what limits the rate on this machine.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import multiprocessing
import os
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from import_registry import machine  # noqa: E402
from loadkit import (  # noqa: E402
    CpuMeter,
    Server,
    TubeClient,
    TubeJob,
    cpu_seconds,
    free_port,
    postgres_pids,
    server_env,
)

POOL = 10
PGBENCH_SECONDS = 10


def is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


def fresh_database(url: str) -> str:
    """A new, empty database beside the one of `url` (the role needs CREATEDB), so that the
    bench can run several times against one server and never touches existing data."""
    import psycopg

    name = f"wangge_scan_{os.getpid()}_{int(time.time())}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlparse(url)._replace(path="/" + name).geturl()


def drop_database(url: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    admin = urlparse(url)._replace(path="/postgres").geturl()
    for _attempt in range(10):  # the server's connections close as its workers exit
        try:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{urlparse(url).path[1:]}"')
            return
        except psycopg.errors.ObjectInUse:
            time.sleep(0.5)


def prepare(args) -> dict:
    """Migrate, build the demo street, create rounds, points, tables, a commander and tokens."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.utils import timezone

    from wangge.accounts.models import ApiToken, RoleAssignment, User
    from wangge.accounts.roles import Role
    from wangge.core.demo.build import build_demo
    from wangge.people.models import Person
    from wangge.testing.models import Round, SamplingPoint, SamplingTable

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    street = build_demo(scale=args.scale).street
    demo_seconds = time.perf_counter() - started
    user = User.objects.create_user("bench_commander", password=None, display_name="bench")
    RoleAssignment.objects.create(user=user, role=Role.COMMANDER, area=street)
    rounds = []
    for r in range(args.rounds + 1):  # the last one is pgbench's
        rnd = Round.objects.create(
            number=100 + r,
            area=street,
            date=timezone.localdate(),
            pool_size=POOL,
            status=Round.Status.ACTIVE,
        )
        point = SamplingPoint.objects.create(round=rnd, number=1, name="1号采样点", area=street)
        tables = [
            SamplingTable.objects.create(point=point, number=c + 1) for c in range(args.clients)
        ]
        rounds.append({"id": rnd.pk, "point": point.pk, "tables": [t.pk for t in tables]})
    tokens = [ApiToken.issue(user, f"bench table {c + 1}")[1] for c in range(args.clients)]
    people = list(
        Person.objects.filter(scope_path__startswith=street.path)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    yesterday(street, user, people)
    with connections["default"].cursor() as cursor:  # planner statistics after the bulk load
        cursor.execute("ANALYZE")
    info = {
        "rounds": rounds[:-1],
        "pgbench_round": rounds[-1],
        "tokens": tokens,
        "people": people,
        "user": user.pk,
        "path": street.path,
        "demo_seconds": round(demo_seconds, 1),
    }
    connections.close_all()
    return info


def yesterday(street, user, people: list[int]) -> None:
    """The round the street did the day before, everybody sampled and negative: a street in
    the middle of an outbreak has tubes and samples already, and the database's statistics
    know it (against empty tables, as on the first minutes of the first round, PostgreSQL plans
    its foreign-key checks as scans of the tube table, whose cost grows with every tube)."""
    import datetime as dt

    from django.utils import timezone

    from wangge.testing.models import Round, Sample, SamplingPoint, Tube

    day = timezone.localdate() - dt.timedelta(days=1)
    rnd = Round.objects.create(
        number=99, area=street, date=day, pool_size=POOL, status=Round.Status.CLOSED
    )
    point = SamplingPoint.objects.create(round=rnd, number=1, name="1号采样点", area=street)
    now = timezone.now() - dt.timedelta(days=1)
    tubes = Tube.objects.bulk_create(
        Tube(
            round=rnd,
            barcode=f"Y{i:07d}",
            capacity=POOL,
            point=point,
            closed_at=now,
            received_at=now,
            registered_by=user,
            result=Tube.Result.NEGATIVE,
            result_at=now,
            scope_path=point.scope_path,
        )
        for i in range(len(people) // POOL)
    )
    Sample.objects.bulk_create(
        (
            Sample(tube=tube, round=rnd, person_id=pid, position=k + 1, scope_path=street.path)
            for tube, i in zip(tubes, range(0, len(people), POOL), strict=False)
            for k, pid in enumerate(people[i : i + POOL])
        ),
        batch_size=5000,
    )


def plan_jobs(info: dict, clients: int) -> list[list[TubeJob]]:
    """Per client, the tubes it will send: each round's people cut into tubes of 10, dealt to
    the clients in turn; a client sends round after round."""
    people = info["people"]
    tubes = [people[i : i + POOL] for i in range(0, len(people) - POOL + 1, POOL)]
    plans: list[list[TubeJob]] = [[] for _ in range(clients)]
    for r, rnd in enumerate(info["rounds"]):
        for i, persons in enumerate(tubes):
            c = i % clients
            barcode = f"R{r:02d}C{c:02d}T{i:06d}"
            plans[c].append(TubeJob(rnd["id"], rnd["tables"][c], barcode, persons))
    return plans


def run_client(port: int, token: str, jobs: list[TubeJob], start_at: float, deadline: float):
    """One client process: wait for the common start, then post tubes until the deadline."""
    client = TubeClient(port, token)
    results = []
    while time.time() < start_at:
        time.sleep(0.001)
    cpu0 = time.process_time()
    for job in jobs:
        if time.time() >= deadline:
            break
        t = time.perf_counter()
        status, _body = client.post(job)
        ms = (time.perf_counter() - t) * 1000
        results.append((job.client_uuid, status, ms))
    client.close()
    return {"results": results, "ended": time.time(), "cpu": time.process_time() - cpu0}


def warm_up(port: int, token: str, round_id: int, seconds: float = 2.0) -> None:
    """Load the code of every worker thread before the clock starts."""

    def hammer():
        import http.client

        end = time.time() + seconds
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.time() < end:
            conn.request(
                "GET",
                f"/api/testing/rounds/{round_id}/tubes?page=1",
                headers={"Authorization": f"Bearer {token}"},
            )
            conn.getresponse().read()
        conn.close()

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def verify(info: dict, acked: list[str], sent: int) -> dict:
    """Lost: acknowledged tubes missing or incomplete in the database. Duplicated: tubes or
    (round, person) samples that exist twice."""
    import django

    django.setup()
    from django.db import connections
    from django.db.models import Count

    from wangge.testing.models import Sample, Tube

    round_ids = [r["id"] for r in info["rounds"]]
    tubes = Tube.objects.filter(round_id__in=round_ids)
    found: dict[str, int] = {}
    for i in range(0, len(acked), 5000):
        chunk = tubes.filter(client_uuid__in=acked[i : i + 5000]).annotate(n=Count("samples"))
        for client_uuid, n in chunk.values_list("client_uuid", "n"):
            found[str(client_uuid)] = n
    lost = sum(1 for u in acked if found.get(u) != POOL)
    duplicated_tubes = tubes.count() - tubes.values("client_uuid").distinct().count()
    duplicated_samples = (
        Sample.objects.filter(round_id__in=round_ids)
        .values("round_id", "person_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    result = {
        "tubes_in_db": tubes.count(),
        "samples_in_db": Sample.objects.filter(round_id__in=round_ids).count(),
        "lost": lost,
        "duplicated": duplicated_tubes + duplicated_samples,
        # Written but not acknowledged (the client gave up or the deadline cut the answer).
        "unacknowledged_in_db": max(0, tubes.count() - len(acked)),
        "sent": sent,
    }
    connections.close_all()
    return result


def pgbench_bin() -> str | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pgbench"), key=lambda p: p.parts[-3])
    return str(found[-1]) if found else shutil.which("pgbench")


def pgbench_rate(url: str, info: dict, clients: int, tmp: Path) -> dict:
    """The raw database rate of the same inserts: one tube row + 10 sample rows (one multi-row
    INSERT) per transaction, into the same tables with the same indexes."""
    binary = pgbench_bin()
    if binary is None:
        return {"pgbench_error": "pgbench not found (install the postgresql package)"}
    u = urlparse(url)
    env = dict(
        os.environ,
        PGHOST=u.hostname or "127.0.0.1",
        PGPORT=str(u.port or 5432),
        PGUSER=unquote(u.username or ""),
        PGPASSWORD=unquote(u.password or ""),
        PGDATABASE=u.path.lstrip("/"),
    )
    rnd, people = info["pgbench_round"], info["people"]
    first, last = people[0], people[-1]
    if last - first + 1 != len(people):
        return {"pgbench_error": "person ids are not contiguous"}
    path = info["path"]
    samples = ", ".join(
        f"('{path}', :tube_id, {rnd['id']}, :p + {k}, {k + 1}, now())" for k in range(POOL)
    )
    script = tmp / "tube.sql"
    script.write_text(
        f"\\set p random({first}, {last - POOL})\n"
        "BEGIN;\n"
        "INSERT INTO testing_tube (scope_path, round_id, barcode, capacity, point_id, table_id,"
        " team_id, client_uuid, closed_at, received_at, registered_by_id, result, result_at)"
        f" VALUES ('{path}', {rnd['id']}, 'PGB' || nextval('wangge_bench_seq'), {POOL},"
        f" {rnd['point']}, {rnd['tables'][0]}, NULL, gen_random_uuid(), now(), now(),"
        f" {info['user']}, '', NULL) RETURNING id AS tube_id \\gset\n"
        "INSERT INTO testing_sample (scope_path, tube_id, round_id, person_id, position,"
        f" scanned_at) VALUES {samples};\n"
        "END;\n"
    )
    psql = str(Path(binary).with_name("psql"))
    run = subprocess.run  # noqa: S603 - our own binaries and arguments
    run([psql, "-q", "-c", "CREATE SEQUENCE IF NOT EXISTS wangge_bench_seq"], env=env, check=True)
    jobs = str(min(clients, os.cpu_count() or 1))
    out = run(
        [binary, "-n", "-f", str(script), "-c", str(clients), "-j", jobs,
         "-T", str(PGBENCH_SECONDS)],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    run([psql, "-q", "-c", "DROP SEQUENCE wangge_bench_seq"], env=env, check=True)
    match = re.search(r"tps = ([0-9.]+)", out.stdout)
    if not match:
        return {"pgbench_error": (out.stderr or out.stdout)[-500:]}
    failed = re.search(r"number of failed transactions: (\d+)", out.stdout)
    return {
        "pgbench_tubes_per_s": round(float(match.group(1)), 1),
        "pgbench_failed": int(failed.group(1)) if failed else 0,
    }


def profile_requests(info: dict, tubes: int, path: Path) -> str:
    """cProfile of `tubes` registrations through the whole Django stack in this process (test
    client, token auth, ninja, the service), in a fresh round; returns the top of the report."""
    import django

    django.setup()
    from django.test import Client

    rnd = info["pgbench_round"]
    auth = {"Authorization": f"Bearer {info['tokens'][0]}"}
    client = Client(headers=auth, HTTP_HOST="127.0.0.1")
    people = info["people"]
    jobs = [
        TubeJob(rnd["id"], rnd["tables"][0], f"PROF{i:06d}", people[i * POOL : (i + 1) * POOL])
        for i in range(min(tubes, len(people) // POOL))
    ]
    url = f"/api/testing/rounds/{rnd['id']}/tubes"
    for job in jobs[:20]:  # warm up: load the middleware, URLs and code first
        client.post(url, job.body(), content_type="application/json")
    jobs = jobs[20:]
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for job in jobs:
        client.post(url, job.body(), content_type="application/json")
    profiler.disable()
    per_tube = (time.perf_counter() - started) * 1000 / max(1, len(jobs))
    profiler.dump_stats(str(path))
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(30)
    return f"in-process: {per_tube:.2f} ms per tube (profiler on)\n" + text.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=6, help="rounds to spread the people over")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--threads", type=int, default=2, help="threads per worker process")
    parser.add_argument("--scale", type=float, default=1.0, help="demo street scale")
    parser.add_argument("--profile", default="", help="also profile 300 requests, stats here")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="wangge-scan-"))
    url = os.environ.get("WANGGE_DATABASE_URL", "")
    if is_postgres(url):
        url = fresh_database(url)
    else:
        url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.update(server_env(url))
    server = None
    try:
        info = prepare(args)
        port = free_port()
        server = Server(
            server_env(url),
            port,
            workers=args.workers,
            threads=args.threads,
        ).start()
        warm_up(port, info["tokens"][0], info["rounds"][0]["id"])
        plans = plan_jobs(info, args.clients)
        db_pids = (lambda: postgres_pids(url)) if is_postgres(url) else list
        server_cpu0, db_meter = cpu_seconds(server.pids()), CpuMeter(db_pids())
        start_at = time.time() + 1.0
        deadline = start_at + args.seconds
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(args.clients) as pool:
            outcomes = pool.starmap(
                run_client,
                [
                    (port, info["tokens"][c], plans[c], start_at, deadline)
                    for c in range(args.clients)
                ],
            )
        seconds = max(o["ended"] for o in outcomes) - start_at
        server_cpu = cpu_seconds(server.pids()) - server_cpu0
        db_cpu = db_meter.used(db_pids())
        server.stop()
        results = [r for o in outcomes for r in o["results"]]
        acked = [u for u, status, _ms in results if status in (200, 201)]
        latencies = sorted(ms for _u, _s, ms in results)
        checked = verify(info, acked, len(results))
        tubes = len(acked)
        figures = {
            "db": "postgresql" if is_postgres(url) else "sqlite",
            "workers": args.workers,
            "threads": args.threads,
            "clients": args.clients,
            "tubes": tubes,
            "people": tubes * POOL,
            "seconds": round(seconds, 2),
            "tubes_per_s": round(tubes / seconds, 1),
            "people_per_s": round(tubes * POOL / seconds, 1),
            "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
            "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 1) if latencies else None,
            "errors": sum(1 for _u, status, _ms in results if status not in (200, 201)),
            "lost": checked["lost"],
            "duplicated": checked["duplicated"],
            "unacknowledged_in_db": checked["unacknowledged_in_db"],
            "server_cpu_ms_per_tube": round(server_cpu * 1000 / max(tubes, 1), 2),
            "client_cpu_ms_per_tube": round(
                sum(o["cpu"] for o in outcomes) * 1000 / max(tubes, 1), 2
            ),
        }
        if is_postgres(url):
            figures["db_cpu_ms_per_tube"] = round(db_cpu * 1000 / max(tubes, 1), 2)
            figures.update(pgbench_rate(url, info, args.clients, tmp))
            if figures.get("pgbench_tubes_per_s"):
                figures["ratio_to_pgbench"] = round(
                    figures["tubes_per_s"] / figures["pgbench_tubes_per_s"], 3
                )
        if args.profile:
            print(profile_requests(info, 300, Path(args.profile)), file=sys.stderr)
        figures["demo_seconds"] = info["demo_seconds"]
        figures["machine"] = machine()
        print(json.dumps(figures, ensure_ascii=False))
    finally:
        if server is not None:
            server.stop()
        if is_postgres(url):
            drop_database(url)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
