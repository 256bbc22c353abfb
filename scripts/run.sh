#!/usr/bin/env bash
# Serve Wangge like production on http://127.0.0.1:8000 (WANGGE_PORT changes the port), with
# the background task worker beside it. Used by `make run` (which installs first).
#
# Migrates the database (WANGGE_DATABASE_URL, default SQLite in var/), builds the
# demo street when the database has no areas, then runs the web server (scripts/serve.sh)
# in the foreground, with `wangge worker` and a loop making what is due every 5 minutes (what
# cron does on a server): the canvass daily closes (`wangge canvass close-due`), the
# quarantine sites' 6 a.m. reports (`wangge control site-reports`) and the daily report at
# its cut-off (`wangge command freeze-due`), in the background;
# stopping the server (Ctrl-C) stops both.
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
closes_pid=
cleanup() {
    trap - EXIT INT TERM
    for pid in "$worker_pid" "$closes_pid"; do
        if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
            # Background jobs of a script ignore SIGINT, so send TERM.
            kill -TERM "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$BIN/wangge" worker &
worker_pid=$!
while true; do
    "$BIN/wangge" canvass close-due || true
    "$BIN/wangge" control site-reports || true
    "$BIN/wangge" command freeze-due || true
    sleep 300
done &
closes_pid=$!

echo
echo "Wangge: http://$HOST:$PORT/   (Ctrl-C stops the server and the worker)"
echo
scripts/serve.sh "$HOST" "$PORT"
