#!/usr/bin/env bash
# Serve Wangge like production on http://127.0.0.1:8000 (WANGGE_PORT changes the port), with
# the background task worker beside it. Used by `make run` (which installs first).
#
# Migrates the database (WANGGE_DATABASE_URL, default SQLite in var/), builds the
# demo street when the database has no areas, then runs gunicorn in the
# foreground and `wangge worker` in the background; stopping the server (Ctrl-C)
# stops the worker.
set -euo pipefail
cd "$(dirname "$0")/.."

HOST=127.0.0.1
PORT=${WANGGE_PORT:-8000}
BIN=.venv/bin
unset WANGGE_DEBUG # production-like: DEBUG off, static files from WhiteNoise

mkdir -p "${WANGGE_VAR_DIR:-var}/static" # STATIC_ROOT (and var/ for SQLite); empty is fine: WHITENOISE_USE_FINDERS

"$BIN/wangge" migrate --noinput

areas=$("$BIN/python" - <<'EOF'
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wangge.settings")
django.setup()
from wangge.places.models import Area

print(Area.objects.count())
EOF
)
if [[ "$areas" == 0 ]]; then
    echo "The database has no areas: building the demo street."
    "$BIN/wangge" demo
fi

worker_pid=
cleanup() {
    trap - EXIT INT TERM
    if [[ -n "$worker_pid" ]] && kill -0 "$worker_pid" 2>/dev/null; then
        # The worker ignores SIGINT (background job of a script), so send TERM.
        kill -TERM "$worker_pid" 2>/dev/null || true
        wait "$worker_pid" 2>/dev/null || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$BIN/wangge" worker &
worker_pid=$!

echo
echo "Wangge: http://$HOST:$PORT/   (Ctrl-C stops the server and the worker)"
echo
# Workers and threads as measured by bench/scan_load.py (docs/benchmarks.md, "Tube
# registration under load"): gthread keeps the phones' connections alive.
WORKERS=${WANGGE_WORKERS:-$(nproc)}
"$BIN/gunicorn" wangge.wsgi -b "$HOST:$PORT" -w "$WORKERS" --threads 8 -k gthread
