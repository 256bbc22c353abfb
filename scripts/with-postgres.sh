#!/usr/bin/env bash
# Run a command against a throw-away PostgreSQL server.
#
#   scripts/with-postgres.sh CMD [ARGS...]
#
# Creates a cluster in a fresh temporary directory, starts it on a free port on
# 127.0.0.1 (durability off, for speed), creates the role wangge/wangge (CREATEDB,
# so pytest-django can create test_wangge) and the database wangge, exports
#
#   WANGGE_DATABASE_URL=postgres://wangge:wangge@127.0.0.1:PORT/wangge
#
# (WANGGE_PG_SERVER_OPTIONS adds server options, e.g. "-c shared_preload_libraries=..."),
# runs CMD, then always stops the server and removes the directory. Exits with
# CMD's exit code.
#
# As root the server runs as the user `postgres` (created as a system user if
# missing); as any other user it runs as that user. PG_BIN=/path/to/bin picks
# the PostgreSQL binaries; otherwise initdb on PATH, else the newest
# /usr/lib/postgresql/*/bin.
set -euo pipefail

if [[ $# -eq 0 ]]; then
    echo "usage: $0 CMD [ARGS...]" >&2
    exit 2
fi

die() {
    echo "with-postgres: $*" >&2
    exit 1
}

# --- find the binaries -------------------------------------------------------
find_pg_bin() {
    if [[ -n "${PG_BIN:-}" ]]; then
        echo "$PG_BIN"
        return
    fi
    local initdb
    if initdb=$(command -v initdb 2>/dev/null); then
        dirname "$(readlink -f "$initdb")"
        return
    fi
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    [[ -n "$dir" ]] && echo "$dir"
}

pg_bin=$(find_pg_bin) || true
[[ -n "$pg_bin" && -x "$pg_bin/initdb" && -x "$pg_bin/pg_ctl" ]] ||
    die "PostgreSQL server binaries (initdb, pg_ctl) not found; install the Debian package 'postgresql' (make system-deps) or set PG_BIN."
psql="$pg_bin/psql"
[[ -x "$psql" ]] || psql=$(command -v psql) || die "psql not found"

# --- who runs the server -----------------------------------------------------
if [[ $(id -u) -eq 0 ]]; then
    pg_user=${WANGGE_PG_USER:-postgres}
    if ! id -u "$pg_user" >/dev/null 2>&1; then
        useradd --system --user-group --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin "$pg_user" ||
            die "could not create the system user $pg_user"
    fi
    tmp=$(mktemp -d /tmp/wangge-pg.XXXXXX)
    chown "$pg_user": "$tmp"
    # runuser -u runs the command directly (no login shell); cd into the temp
    # dir so the server never needs access to the caller's working directory.
    as_server() { (cd "$tmp" && runuser -u "$pg_user" -- "$@"); }
else
    tmp=$(mktemp -d -t wangge-pg.XXXXXX)
    as_server() { (cd "$tmp" && "$@"); }
fi
data="$tmp/data"
log="$tmp/server.log"
started=0

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ $started -eq 1 ]]; then
        if ! as_server "$pg_bin/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1; then
            as_server "$pg_bin/pg_ctl" -D "$data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
        fi
        # Last resort: the postmaster's pid is the first line of postmaster.pid.
        if [[ -f "$data/postmaster.pid" ]]; then
            local pid
            pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null || true)
            [[ -n "$pid" ]] && kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    rm -rf "$tmp"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- create and start the cluster ---------------------------------------------
locale_opts=(--no-locale)
if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then
    locale_opts=(--locale=C.UTF-8)
fi
# Local (unix socket, in the 0700 temp dir) connections are trusted; TCP needs the password.
if ! as_server "$pg_bin/initdb" -D "$data" -U postgres -E UTF8 "${locale_opts[@]}" \
    --auth-local=trust --auth-host=scram-sha-256 >"$tmp/initdb.log" 2>&1; then
    cat "$tmp/initdb.log" >&2
    die "initdb failed"
fi

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

started=1
if ! as_server "$pg_bin/pg_ctl" -D "$data" -l "$log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='$tmp' -c fsync=off -c synchronous_commit=off -c full_page_writes=off ${WANGGE_PG_SERVER_OPTIONS:-}" \
    start >/dev/null; then
    cat "$log" >&2 || true
    die "the server did not start"
fi

if ! as_server "$psql" -X -q -v ON_ERROR_STOP=1 -h "$tmp" -p "$port" -U postgres -d postgres \
    -c "CREATE ROLE wangge LOGIN PASSWORD 'wangge' CREATEDB" \
    -c "CREATE DATABASE wangge OWNER wangge" >/dev/null; then
    die "could not create the role and database"
fi

export WANGGE_DATABASE_URL="postgres://wangge:wangge@127.0.0.1:$port/wangge"
echo "with-postgres: PostgreSQL $("$pg_bin/pg_ctl" --version | awk '{print $3}') on 127.0.0.1:$port" >&2

# --- run the command ----------------------------------------------------------
set +e
"$@"
rc=$?
set -e
exit "$rc"
