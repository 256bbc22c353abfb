#!/usr/bin/env bash
# The web server of production: granian serving wangge.wsgi (WSGI) on HOST:PORT.
#
#   scripts/serve.sh [HOST] [PORT]        (default 127.0.0.1 8000)
#
# WANGGE_WORKERS worker processes (default: one per core), each running the project in
# WANGGE_THREADS threads (default 2). Measured in docs/benchmarks.md ("Gate scanning under
# load", "Tube registration under load") and chosen in docs/architecture.md ("Serving"): the
# HTTP side runs in granian's Rust code, and two threads per core keep a core busy while the
# other waits on the database without the threads fighting over Python's lock.
# Used by scripts/run.sh (make run) and by the load benches and the fault test (bench/loadkit.py).
set -euo pipefail
cd "$(dirname "$0")/.."

HOST=${1:-127.0.0.1}
PORT=${2:-8000}
WORKERS=${WANGGE_WORKERS:-$(nproc)}
THREADS=${WANGGE_THREADS:-2}
exec .venv/bin/granian --interface wsgi wangge.wsgi:application \
    --host "$HOST" --port "$PORT" \
    --workers "$WORKERS" --blocking-threads "$THREADS" \
    --backlog 2048 --respawn-failed-workers \
    --log-level "${WANGGE_SERVER_LOG_LEVEL:-warning}"
