#!/usr/bin/env bash
# Throwaway PostgreSQL 15 for tests and benchmarks: Debian's server binaries, trust auth,
# loopback only, unix socket inside the data dir (so it never touches /var/run/postgresql).
#
#   scripts/ci/postgres.sh start   # installs postgresql-15 if missing, starts, prints the URL
#   scripts/ci/postgres.sh url     # prints the URL
#   scripts/ci/postgres.sh stop    # stops the server and deletes its data
#
# Environment: FLICK_CI_DIR (default /tmp/flick-ci), FLICK_PG_PORT (default 55432).
set -euo pipefail

PG_VERSION=15
PORT="${FLICK_PG_PORT:-55432}"
ROOT="${FLICK_CI_DIR:-/tmp/flick-ci}"
DATA="$ROOT/pg"
LOG="$ROOT/pg.log"
BIN="/usr/lib/postgresql/$PG_VERSION/bin"
URL="postgres://postgres@127.0.0.1:$PORT/postgres"

# initdb and the server refuse to run as root: run them as the postgres system user.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

install_server() {
  [ -x "$BIN/initdb" ] && return
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "postgres.sh: $BIN/initdb is missing; install postgresql-$PG_VERSION" >&2
    exit 1
  fi
  echo "postgres.sh: installing postgresql-$PG_VERSION with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  # The package's postinst creates a cluster and may start it on 5432; we never use that one.
  apt-get install -y -qq "postgresql-$PG_VERSION" >&2
}

start() {
  install_server
  mkdir -p "$ROOT"
  if [ ! -f "$DATA/PG_VERSION" ]; then
    mkdir -p "$DATA"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$DATA"; fi
    as_owner "$BIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if [ "$(id -u)" = 0 ]; then touch "$LOG" && chown postgres: "$LOG"; fi
  if ! as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    # max_connections leaves room for several test files running at once.
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 \
      -o "-p $PORT -k $DATA -c listen_addresses=127.0.0.1 -c max_connections=200" start >&2
  fi
  # pg_ctl -w waits for the socket; this also checks the TCP listener the tests use.
  for _ in $(seq 1 60); do
    if "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then echo "$URL"; return; fi
    sleep 0.5
  done
  echo "postgres.sh: server did not become ready; see $LOG" >&2
  exit 1
}

stop() {
  if [ -f "$DATA/PG_VERSION" ]; then
    as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >&2 || true
  fi
  rm -rf "$DATA" "$LOG"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) echo "$URL" ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
