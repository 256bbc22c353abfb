"""Helpers shared by the tube-registration load bench (bench/scan_load.py) and the fault test
(tests/test_scan_fault.py): serving the project with gunicorn as in production, and a keep-alive
HTTP client posting closed tubes to `POST /api/testing/rounds/{id}/tubes`.

Standard library only on the client side, so that client processes stay light.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(database_url: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        WANGGE_DATABASE_URL=database_url,
        WANGGE_ALLOWED_HOSTS="127.0.0.1,localhost",
        WANGGE_LOG_LEVEL="ERROR",
        DJANGO_SETTINGS_MODULE="wangge.settings",
    )
    env.pop("WANGGE_DEBUG", None)  # production-like
    env.update(extra)
    return env


class Server:
    """gunicorn serving wangge.wsgi (gthread workers by default, as scripts/run.sh does), in its
    own process group so that the master and every worker can be killed at once. `threads` is
    for gthread; sync workers serve one request at a time and close the connection after it."""

    def __init__(
        self,
        env: dict[str, str],
        port: int,
        *,
        workers: int,
        threads: int = 1,
        worker_class: str = "gthread",
    ):
        self.env, self.port, self.workers, self.threads = env, port, workers, threads
        self.worker_class = worker_class
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> Server:
        threads = ["--threads", str(self.threads)] if self.worker_class == "gthread" else []
        cmd = [
            str(VENV_BIN / "gunicorn"),
            "wangge.wsgi",
            "-b",
            f"127.0.0.1:{self.port}",
            "-w",
            str(self.workers),
            "-k",
            self.worker_class,
            *threads,
            "--backlog",
            "2048",
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ]
        self.proc = subprocess.Popen(  # noqa: S603 - our own binary and arguments
            cmd, cwd=ROOT, env=self.env, start_new_session=True
        )
        self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/accounts/login/")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not answer in time")

    def pids(self) -> list[int]:
        """The master and its workers."""
        if self.proc is None:
            return []
        out = subprocess.run(  # noqa: S603
            ["/usr/bin/pgrep", "-g", str(self.proc.pid)], capture_output=True, text=True
        ).stdout
        return [int(p) for p in out.split()]

    def kill(self) -> None:
        """SIGKILL the master and all workers (no graceful shutdown)."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def postgres_pids(url: str) -> list[int]:
    """The processes of the PostgreSQL server of `url` (backends and background workers, from
    pg_stat_activity), and not those of other servers running on the machine."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return [pid for (pid,) in conn.execute("SELECT pid FROM pg_stat_activity")]


class CpuMeter:
    """CPU seconds used by a changing set of processes since `start`: processes that appear
    later count from zero, processes that are gone count what they had used at the start."""

    def __init__(self, pids: list[int]):
        self.start = {pid: cpu_seconds([pid]) for pid in pids}

    def used(self, pids: list[int]) -> float:
        total = 0.0
        for pid in set(pids) | set(self.start):
            now = cpu_seconds([pid])
            total += max(0.0, now - self.start.get(pid, 0.0)) if now else 0.0
        return total


@dataclass
class TubeJob:
    round_id: int
    table_id: int
    barcode: str
    person_ids: list[int]
    client_uuid: str = ""

    def __post_init__(self):
        self.client_uuid = self.client_uuid or str(uuid.uuid4())

    def body(self) -> bytes:
        return json.dumps(
            {
                "barcode": self.barcode,
                "client_uuid": self.client_uuid,
                "closed_at": dt.datetime.now(dt.UTC).isoformat(),
                "table_id": self.table_id,
                "people": [{"person_id": pid} for pid in self.person_ids],
            }
        ).encode()


class TubeClient:
    """One phone: a keep-alive connection posting tubes one after the other."""

    def __init__(self, port: int, token: str, timeout: float = 30):
        self.port, self.timeout = port, timeout
        self.headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Connection": "keep-alive",
        }
        self.conn: http.client.HTTPConnection | None = None

    def post(self, job: TubeJob) -> tuple[int, bytes]:
        """(HTTP status, body); status 0 when the connection failed (the server is down, or
        died during the request: the tube may or may not have been written)."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            self.conn.request(
                "POST", f"/api/testing/rounds/{job.round_id}/tubes", job.body(), self.headers
            )
            response = self.conn.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            return 0, b""

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
