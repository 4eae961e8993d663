#!/usr/bin/env bash
# Throwaway Redis for tests and benchmarks: Debian's redis-server (apt does not start it),
# loopback only, no persistence, its pid and log under $FLICK_CI_DIR/redis.
#
#   scripts/ci/redis.sh start   # installs redis-server if missing, starts, prints the URL
#   scripts/ci/redis.sh url     # prints the URL
#   scripts/ci/redis.sh stop    # stops the server and deletes its files
#
# Environment: FLICK_CI_DIR (default /tmp/flick-ci), FLICK_REDIS_PORT (default 56379).
set -euo pipefail

PORT="${FLICK_REDIS_PORT:-56379}"
ROOT="${FLICK_CI_DIR:-/tmp/flick-ci}/redis"
PIDFILE="$ROOT/redis.pid"
URL="redis://127.0.0.1:$PORT"

log() { echo "redis.sh: $*" >&2; }

install_server() {
  command -v redis-server >/dev/null && return
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    log "redis-server is missing; install Debian's redis-server package"
    exit 1
  fi
  log "installing redis-server with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq redis-server >&2
}

ping() {
  redis-cli -h 127.0.0.1 -p "$PORT" ping 2>/dev/null | grep -q PONG
}

running() {
  [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null
}

start() {
  install_server
  if running && ping; then echo "$URL"; return; fi
  if ! running && ping; then
    log "something else already answers on 127.0.0.1:$PORT; set FLICK_REDIS_PORT"
    exit 1
  fi
  mkdir -p "$ROOT"
  # --save '' and --appendonly no: nothing is written to disk, the data is throwaway.
  redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --daemonize yes --pidfile "$PIDFILE" --dir "$ROOT" --logfile "$ROOT/redis.log"
  for _ in $(seq 1 100); do
    if ping; then echo "$URL"; return; fi
    sleep 0.1
  done
  log "redis-server did not answer on 127.0.0.1:$PORT; last lines of its log:"
  tail -n 20 "$ROOT/redis.log" >&2 || true
  exit 1
}

stop() {
  if running; then
    local pid
    pid=$(cat "$PIDFILE")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$ROOT"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) echo "$URL" ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
