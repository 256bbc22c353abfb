"""Benchmark: gate scanning under load — pass verification and passage recording — against the
project served as in production, beside a constant-response endpoint of the same server.

    bash scripts/with-postgres.sh .venv/bin/python bench/checkpoint_load.py \
        [--clients 16] [--seconds 20] [--workers 2] [--threads 2]

Prepares a new database on the PostgreSQL server of WANGGE_DATABASE_URL (or a fresh SQLite
file when that is not a postgres:// URL), builds the demo street (`wangge demo`, scale 1.0),
puts a gate at every estate with the rule 每户每天一人, issues a pass to every household,
records yesterday's passages (each household out once and back), creates a commander and one
API token per client (one phone per gate post), then serves the project as in production
(scripts/serve.sh: one worker per core, 2 threads each) and runs N client processes, each on
one keep-alive connection (loadkit.KeepAliveClient, light, since the clients share the
server's cores):

  passages   POST /api/checkpoints/{id}/passages {"direction": "out", "token": <pass code>,
             "client_uuid": <new>}: the server verifies the Ed25519 signature, checks the
             pass, the household's designation, quarantine and quota, and records the passage
             (the first of a household each day is let out, later ones are refused for the
             quota: both are full decisions and one row each)
  constant   GET /api/ping: the same server, authentication and middleware, a fixed answer

each for --seconds, one after the other, --rounds times, with the CPU milliseconds per request
used by the server's processes and by the database's (PostgreSQL). Then it checks that every
acknowledged passage is in the database exactly once. Prints one JSON object with, for each
endpoint, the round of median rate (requests per second, p50 and p99 in ms) and the rate of
every round.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from import_registry import machine  # noqa: E402
from loadkit import (  # noqa: E402
    CpuMeter,
    KeepAliveClient,
    Server,
    cpu_seconds,
    free_port,
    postgres_pids,
    server_env,
)  # noqa: E402
from scan_load import drop_database, fresh_database, is_postgres  # noqa: E402


def prepare(scale: float, clients: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.utils import timezone

    from wangge.accounts.models import ApiToken, RoleAssignment, User
    from wangge.accounts.roles import Role
    from wangge.checkpoints import passes
    from wangge.checkpoints.models import Checkpoint, PassPolicy
    from wangge.core.demo.build import build_demo
    from wangge.places.models import Estate

    call_command("migrate", verbosity=0)
    street = build_demo(scale=scale).street
    user = User.objects.create_user("bench_commander", password=None, display_name="bench")
    RoleAssignment.objects.create(user=user, role=Role.COMMANDER, area=street)
    today = timezone.localdate()
    gates = []
    for estate in Estate.objects.filter(area__path__startswith=street.path).order_by("pk"):
        gate = Checkpoint.objects.create(
            name=f"{estate.name}门岗", kind=Checkpoint.Kind.ESTATE_GATE, area=estate.area
        )
        gate.estates.add(estate)
        PassPolicy.objects.create(estate=estate, persons=1, period_days=1, starts_on=today)
        issued, _skipped = passes.issue(
            list(passes.estate_households(estate)),
            actor=user,
            valid_until=today.replace(year=today.year + 1),
        )
        gates.append({"id": gate.pk, "tokens": [passes.token(card) for card in issued]})
        yesterday(gate, issued, user)
    tokens = [ApiToken.issue(user, f"bench gate {c + 1}")[1] for c in range(clients)]
    with connections["default"].cursor() as cursor:
        cursor.execute("ANALYZE")
    connections.close_all()
    return {"gates": [g for g in gates if g["tokens"]], "api_tokens": tokens}


def yesterday(gate, issued, user) -> None:
    """Yesterday at this gate: every household went out once and came back (as on any day but
    the first, so that the passage table and its statistics are not those of an empty one)."""
    import datetime as dt

    from django.utils import timezone

    from wangge.checkpoints.models import Passage

    noon = timezone.now().replace(hour=4, minute=0, second=0, microsecond=0) - dt.timedelta(days=1)
    rows = [
        Passage(
            scope_path=gate.scope_path,
            checkpoint=gate,
            at=noon + dt.timedelta(hours=hours, seconds=i),
            direction=direction,
            outcome=Passage.Outcome.ALLOWED,
            household_id=card.household_id,
            pass_card=card,
            recorded_by=user,
        )
        for i, card in enumerate(issued)
        for direction, hours in ((Passage.Direction.OUT, 0), (Passage.Direction.IN, 2))
    ]
    Passage.objects.bulk_create(rows, batch_size=2000)


def run_client(port, api_token, gate, mode, start_at, deadline):
    client = KeepAliveClient(port, api_token)
    results = []  # (client uuid or "", status, ms)
    codes = gate["tokens"]
    i = 0
    while time.time() < start_at:
        time.sleep(0.001)
    while time.time() < deadline:
        t = time.perf_counter()
        if mode == "passages":
            key = str(uuid.uuid4())
            body = json.dumps(
                {"direction": "out", "token": codes[i % len(codes)], "client_uuid": key}
            ).encode()
            status, _body = client.call("POST", f"/api/checkpoints/{gate['id']}/passages", body)
            i += 1
        else:
            key = ""
            status, _body = client.call("GET", "/api/ping")
        results.append((key, status, (time.perf_counter() - t) * 1000))
    return {"results": results, "ended": time.time()}


def load(
    port: int, info: dict, clients: int, seconds: float, mode: str, meters=None
) -> tuple[dict, list]:
    """Run the clients for `seconds`; `meters` = (server, database url or "") to report the CPU
    milliseconds the server's processes and the database's used per request."""
    gates = info["gates"]
    if meters is not None:
        server, url = meters
        db_pids = (lambda: postgres_pids(url)) if url else list
        server_cpu0, db_meter = cpu_seconds(server.pids()), CpuMeter(db_pids())
    start_at = time.time() + 1.0
    deadline = start_at + seconds
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(clients) as pool:
        outcomes = pool.starmap(
            run_client,
            [
                (port, info["api_tokens"][c], gates[c % len(gates)], mode, start_at, deadline)
                for c in range(clients)
            ],
        )
    elapsed = max(o["ended"] for o in outcomes) - start_at
    results = [r for o in outcomes for r in o["results"]]
    ok = [r for r in results if r[1] in (200, 201)]
    latencies = sorted(ms for _k, _s, ms in results)
    figures = {
        "requests": len(results),
        "ok": len(ok),
        "errors": len(results) - len(ok),
        "seconds": round(elapsed, 2),
        "per_second": round(len(ok) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p99_ms": round(latencies[max(int(len(latencies) * 0.99) - 1, 0)], 1)
        if latencies
        else None,
    }
    if meters is not None:
        done = max(len(ok), 1)
        figures["server_cpu_ms"] = round(
            (cpu_seconds(server.pids()) - server_cpu0) * 1000 / done, 3
        )
        figures["db_cpu_ms"] = round(db_meter.used(db_pids()) * 1000 / done, 3)
    return figures, [k for k, _s, _ms in ok if k]


def median_run(runs: list[dict]) -> dict:
    """The round of median rate, with every round's rate beside it."""
    ordered = sorted(runs, key=lambda r: r["per_second"])
    return {**ordered[len(ordered) // 2], "rounds_per_second": [r["per_second"] for r in runs]}


def verify(acked: list[str]) -> dict:
    from django.db import connections

    from wangge.checkpoints.models import Passage

    connections.close_all()
    found = set(
        str(u)
        for u in Passage.objects.filter(client_uuid__isnull=False).values_list(
            "client_uuid", flat=True
        )
    )
    return {
        "lost": sum(1 for k in acked if k not in found),
        "rows": Passage.objects.count(),
        "allowed": Passage.objects.filter(outcome="allowed").count(),
        "refused_quota": Passage.objects.filter(code="quota").count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10, help="per round and endpoint")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="wangge-gate-"))
    url = os.environ.get("WANGGE_DATABASE_URL", "")
    pg = is_postgres(url)
    url = fresh_database(url) if pg else f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.update(server_env(url))
    server = None
    try:
        info = prepare(args.scale, args.clients)
        port = free_port()
        server = Server(server_env(url), port, workers=args.workers, threads=args.threads).start()
        load(port, info, args.clients, 2.0, "constant")  # warm every worker thread
        meters = (server, url if pg else "")
        # Alternate the two, --rounds times, and keep each one's median round: a shared machine's
        # neighbours move single runs by ±15 %.
        runs: dict[str, list[dict]] = {"constant": [], "passages": []}
        acked: list[str] = []
        for _round in range(args.rounds):
            for mode in runs:
                figures, keys = load(port, info, args.clients, args.seconds, mode, meters)
                runs[mode].append(figures)
                acked += keys
        constant, passages = (median_run(runs[m]) for m in ("constant", "passages"))
        server.stop()
        checked = verify(acked)
        print(
            json.dumps(
                {
                    "db": "postgresql" if pg else "sqlite",
                    "workers": args.workers,
                    "threads": args.threads,
                    "clients": args.clients,
                    "rounds": args.rounds,
                    "gates": len(info["gates"]),
                    "passes": sum(len(g["tokens"]) for g in info["gates"]),
                    "passages": passages,
                    "constant": constant,
                    "ratio_to_constant": round(
                        passages["per_second"] / max(constant["per_second"], 0.1), 3
                    ),
                    "check": checked,
                    "machine": machine(),
                },
                indent=1,
            )
        )
    finally:
        if server is not None:
            server.stop()
        if pg:
            drop_database(url)


if __name__ == "__main__":
    main()
