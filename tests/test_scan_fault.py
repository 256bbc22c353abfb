"""Fault test of tube registration: the server is killed (SIGKILL, master and every worker)
while clients are posting tubes, then restarted; the clients retry every unacknowledged tube with
its same client UUID. Every tube acknowledged before the kill must be in the database exactly
once, the retries must all complete, and no tube or sample may exist twice.

Runs the production server (scripts/serve.sh) on a temporary SQLite database in WAL mode,
migrated, with a small demo street. Marked `slow` (about 15-30 s)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

from loadkit import ROOT, VENV_BIN, Server, TubeClient, TubeJob, free_port, server_env  # noqa: E402

pytestmark = pytest.mark.slow

CLIENTS = 3
POOL = 10
SETUP = r"""
import json
import django
django.setup()
from django.core.management import call_command
from django.utils import timezone
from wangge.accounts.models import ApiToken, RoleAssignment, User
from wangge.accounts.roles import Role
from wangge.core.demo.build import build_demo
from wangge.people.models import Person
from wangge.testing.models import Round, SamplingPoint, SamplingTable

call_command("migrate", verbosity=0)
street = build_demo(scale=0.03).street
user = User.objects.create_user("fault_commander", password=None)
RoleAssignment.objects.create(user=user, role=Role.COMMANDER, area=street)
rnd = Round.objects.create(number=1, area=street, date=timezone.localdate(), pool_size=10)
point = SamplingPoint.objects.create(round=rnd, number=1, name="1号采样点", area=street)
tables = [SamplingTable.objects.create(point=point, number=n + 1) for n in range(%(clients)d)]
people = Person.objects.filter(scope_path__startswith=street.path)
people = list(people.values_list("pk", flat=True))
print(json.dumps({
    "round": rnd.pk,
    "tables": [t.pk for t in tables],
    "token": ApiToken.issue(user, "fault test")[1],
    "people": sorted(people),
}))
"""


class Phone(threading.Thread):
    """A sampling table: posts its tubes one by one, retrying each (same client UUID) until the
    server acknowledges it."""

    def __init__(self, port: int, token: str, jobs: list[TubeJob], acked: dict, deadline: float):
        super().__init__(daemon=True)
        self.client = TubeClient(port, token, timeout=5)
        self.jobs, self.acked, self.deadline = jobs, acked, deadline
        self.failures = 0
        self.errors: list[tuple[int, bytes]] = []

    def run(self) -> None:
        for job in self.jobs:
            while time.monotonic() < self.deadline:
                status, body = self.client.post(job)
                if status in (200, 201):
                    self.acked[job.client_uuid] = status
                    break
                if status == 0:  # the server is down or died during the request: send again
                    self.failures += 1
                    time.sleep(0.05)
                    continue
                self.errors.append((status, body[:300]))
                break
        self.client.close()


def test_tubes_survive_a_server_kill(tmp_path):
    db = tmp_path / "fault.sqlite3"
    env = server_env(f"sqlite:///{db}")
    setup = subprocess.run(  # noqa: S603 - our own interpreter and script
        [str(VENV_BIN / "python"), "-c", SETUP % {"clients": CLIENTS}],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert setup.returncode == 0, setup.stderr[-2000:]
    info = json.loads(setup.stdout.strip().splitlines()[-1])
    people = info["people"]
    tubes = [people[i : i + POOL] for i in range(0, len(people) - POOL + 1, POOL)]
    plans: list[list[TubeJob]] = [[] for _ in range(CLIENTS)]
    for i, persons in enumerate(tubes):
        c = i % CLIENTS
        plans[c].append(TubeJob(info["round"], info["tables"][c], f"F{i:05d}", persons))
    assert len(tubes) >= 60

    port = free_port()
    server = Server(env, port, workers=2, threads=4).start()
    acked: dict[str, int] = {}
    deadline = time.monotonic() + 60
    phones = [Phone(port, info["token"], plans[c], acked, deadline) for c in range(CLIENTS)]
    try:
        for phone in phones:
            phone.start()
        while len(acked) < len(tubes) // 3 and time.monotonic() < deadline:
            time.sleep(0.005)
        before_kill = set(acked)
        server.kill()  # SIGKILL to the master and all workers, mid-load
        assert 0 < len(before_kill) < len(tubes)
        time.sleep(0.5)  # the phones find the server gone and keep retrying
        server.start()
        for phone in phones:
            phone.join(max(1, deadline - time.monotonic()))
    finally:
        server.stop()

    assert not [p.errors for p in phones if p.errors]
    assert sum(p.failures for p in phones) > 0, "the kill did not interrupt any request"
    assert len(acked) == len(tubes), "some retries did not complete"
    print(
        f"{len(before_kill)} tubes acknowledged before the kill, {len(tubes)} in all; "
        f"{sum(p.failures for p in phones)} failed sends retried, "
        f"{sum(1 for s in acked.values() if s == 200)} answered as replays"
    )

    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT client_uuid, barcode FROM testing_tube").fetchall()
        by_uuid: dict[str, int] = {}
        for client_uuid, _barcode in rows:
            by_uuid[client_uuid] = by_uuid.get(client_uuid, 0) + 1
        for client_uuid in before_kill:
            assert by_uuid.get(uuid.UUID(client_uuid).hex) == 1, client_uuid
        assert len(rows) == len(tubes)
        assert len({barcode for _u, barcode in rows}) == len(tubes)
        per_tube = conn.execute(
            "SELECT COUNT(*) FROM testing_sample GROUP BY tube_id HAVING COUNT(*) != ?", [POOL]
        ).fetchall()
        assert per_tube == []
        twice = conn.execute(
            "SELECT round_id, person_id FROM testing_sample GROUP BY round_id, person_id"
            " HAVING COUNT(*) > 1"
        ).fetchall()
        assert twice == []
        assert conn.execute("SELECT COUNT(*) FROM testing_sample").fetchone()[0] == POOL * len(
            tubes
        )
