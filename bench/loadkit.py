"""Helpers shared by the load benches (bench/scan_load.py, bench/checkpoint_load.py) and the
fault test (tests/test_scan_fault.py): serving the project as in production (scripts/serve.sh),
the CPU the server and the database use, and keep-alive HTTP clients (one posting closed tubes
to `POST /api/testing/rounds/{id}/tubes`).

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
    """The production web server (scripts/serve.sh: granian, WSGI) serving the project, in its
    own process group so that it and every worker can be killed at once. `threads` is the number
    of threads running the project in each worker process."""

    def __init__(self, env: dict[str, str], port: int, *, workers: int, threads: int = 2):
        self.env, self.port, self.workers, self.threads = env, port, workers, threads
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> Server:
        env = dict(self.env, WANGGE_WORKERS=str(self.workers), WANGGE_THREADS=str(self.threads))
        self.proc = subprocess.Popen(  # noqa: S603 - our own script and arguments
            [str(ROOT / "scripts" / "serve.sh"), "127.0.0.1", str(self.port)],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited with {self.proc.returncode}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/accounts/login/")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("the server did not answer in time")

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


class KeepAliveClient:
    """One phone on one keep-alive connection, HTTP/1.1 written and read by hand.

    The clients run on the same cores as the server they measure, so their own cost is taken
    from it: http.client spends about 0.15 ms of CPU a request parsing headers into objects;
    this reads the status line, Content-Length or chunked framing, and nothing else."""

    def __init__(self, port: int, token: str, timeout: float = 30):
        self.address, self.timeout = ("127.0.0.1", port), timeout
        self.head = (
            f"Host: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n"
            "Content-Type: application/json\r\n"
        ).encode()
        self.sock: socket.socket | None = None
        self.buffer = b""

    def call(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        """(HTTP status, body); status 0 when the connection failed."""
        try:
            if self.sock is None:
                self.sock = socket.create_connection(self.address, self.timeout)
                self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self.buffer = b""
            request = f"{method} {path} HTTP/1.1\r\nContent-Length: {len(body)}\r\n"
            self.sock.sendall(request.encode() + self.head + b"\r\n" + body)
            return self._response()
        except (OSError, ValueError):
            self.close()
            return 0, b""

    def _until(self, marker: bytes) -> bytes:
        while (end := self.buffer.find(marker)) < 0:
            self._fill()
        line, self.buffer = self.buffer[:end], self.buffer[end + len(marker) :]
        return line

    def _take(self, n: int) -> bytes:
        while len(self.buffer) < n:
            self._fill()
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed by the server")
        self.buffer += chunk

    def _response(self) -> tuple[int, bytes]:
        lines = self._until(b"\r\n\r\n").split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip().lower()
        if b"content-length" in headers:
            body = self._take(int(headers[b"content-length"]))
        elif headers.get(b"transfer-encoding") == b"chunked":
            parts = []
            while size := int(self._until(b"\r\n").split(b";")[0], 16):
                parts.append(self._take(size))
                self._take(2)
            self._until(b"\r\n")
            body = b"".join(parts)
        else:
            raise ValueError("a response without a length")
        if headers.get(b"connection") == b"close":
            self.close()
        return status, body

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None
