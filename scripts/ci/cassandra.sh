#!/usr/bin/env bash
# Throwaway single-node Apache Cassandra 5.0 for tests and benchmarks. There is no Debian
# package and no Docker here, so the node is the real cassandra-all jar from Maven Central
# and its runtime dependencies, run as org.apache.cassandra.service.CassandraDaemon on the
# machine's Java 17, loopback only, with a small heap.
#
#   scripts/ci/cassandra.sh start   # fetches (cached), starts, waits for CQL, prints the contact point
#   scripts/ci/cassandra.sh url     # prints the contact point
#   scripts/ci/cassandra.sh stop    # stops the node and deletes its data
#
# Environment:
#   FLICK_CI_DIR (default /tmp/flick-ci)             data, logs and pid under $FLICK_CI_DIR/cassandra
#   FLICK_CACHE_DIR (default ~/.cache/flick)          jars under $FLICK_CACHE_DIR/cassandra/<version>
#   FLICK_CASSANDRA_VERSION (default 5.0.9)           any 5.0.x on Maven Central
#   FLICK_CASSANDRA_PORT (default 9042)               CQL native transport
#   FLICK_CASSANDRA_HEAP (default 1g)                 -Xmx; -Xms is half of the default
#   FLICK_CASSANDRA_START_TIMEOUT (default 240)       seconds to wait for CQL
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
VERSION="${FLICK_CASSANDRA_VERSION:-5.0.9}"
PORT="${FLICK_CASSANDRA_PORT:-9042}"
# Inter-node ports nothing else here uses; a single node never talks to peers anyway.
STORAGE_PORT="${FLICK_CASSANDRA_STORAGE_PORT:-57010}"
SSL_STORAGE_PORT="${FLICK_CASSANDRA_SSL_STORAGE_PORT:-57011}"
HEAP="${FLICK_CASSANDRA_HEAP:-1g}"
TIMEOUT="${FLICK_CASSANDRA_START_TIMEOUT:-240}"
ROOT="${FLICK_CI_DIR:-/tmp/flick-ci}/cassandra"
CACHE="${FLICK_CACHE_DIR:-$HOME/.cache/flick}/cassandra"
LIB="$CACHE/$VERSION/lib"
PIDFILE="$ROOT/cassandra.pid"
LOGDIR="$ROOT/logs"
CONTACT="127.0.0.1:$PORT"

log() { echo "cassandra.sh: $*" >&2; }

running() {
  [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null
}

ping_cql() {
  node "$HERE/cassandra/cql-ping.mjs" 127.0.0.1 "$PORT" 2>/dev/null
}

require_tools() {
  command -v java >/dev/null || { log "java is missing (Cassandra 5.0 needs Java 17: apt-get install openjdk-17-jre-headless)"; exit 1; }
  local major
  major=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
  [ "${major:-0}" -ge 17 ] || { log "java $major found; Cassandra 5.0 here is run on Java 17"; exit 1; }
  command -v node >/dev/null || { log "node is missing (used to check that CQL answers)"; exit 1; }
}

# Downloads once into the cache; later starts reuse it (the marker is written last, so an
# interrupted download is redone).
fetch() {
  [ -f "$CACHE/$VERSION/.complete" ] && return
  command -v mvn >/dev/null || { log "mvn is missing (apt-get install maven)"; exit 1; }
  log "fetching cassandra-all $VERSION and its dependencies from Maven Central into $CACHE/$VERSION"
  rm -rf "$LIB" && mkdir -p "$LIB"
  mvn -q -B -Dstyle.color=never -f "$HERE/cassandra/pom.xml" \
    -Dmaven.repo.local="$CACHE/m2" \
    -Dcassandra.version="$VERSION" \
    -DincludeScope=runtime -DoutputDirectory="$LIB" \
    dependency:copy-dependencies >&2
  ls "$LIB"/cassandra-all-*.jar >/dev/null && ls "$LIB"/jamm-*.jar >/dev/null
  touch "$CACHE/$VERSION/.complete"
}

write_config() {
  mkdir -p "$ROOT/data" "$LOGDIR"
  sed -e "s#@DATA@#$ROOT#g" -e "s#@NATIVE_PORT@#$PORT#g" \
    -e "s#@STORAGE_PORT@#$STORAGE_PORT#g" -e "s#@SSL_STORAGE_PORT@#$SSL_STORAGE_PORT#g" \
    "$HERE/cassandra/cassandra.yaml.in" >"$ROOT/cassandra.yaml"
}

start() {
  require_tools
  if running && ping_cql >/dev/null; then echo "$CONTACT"; return; fi
  if ! running && ping_cql >/dev/null; then
    log "something else already answers CQL on $CONTACT; set FLICK_CASSANDRA_PORT"
    exit 1
  fi
  fetch
  if ! running; then
    write_config
    local jamm
    jamm=$(ls "$LIB"/jamm-*.jar | head -1)
    # The JPMS flags are conf/jvm17-server.options of the Cassandra distribution (not in
    # the jar): Cassandra reaches into JDK internals for off-heap memory, jamm and Netty.
    local jvm=(
      -Xms"${FLICK_CASSANDRA_HEAP_MIN:-512m}" -Xmx"$HEAP" -Xss256k
      -XX:+UseG1GC -XX:+ParallelRefProcEnabled -XX:MaxTenuringThreshold=1
      -XX:+HeapDumpOnOutOfMemoryError -XX:HeapDumpPath="$ROOT" -XX:+ExitOnOutOfMemoryError
      -javaagent:"$jamm"
      -Djdk.attach.allowAttachSelf=true
      -Dio.netty.tryReflectionSetAccessible=true
      -Dio.netty.allocator.useCacheForAllThreads=true -Dio.netty.allocator.maxOrder=11
      --add-exports java.base/jdk.internal.misc=ALL-UNNAMED
      --add-exports java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED
      --add-exports java.rmi/sun.rmi.registry=ALL-UNNAMED
      --add-exports java.rmi/sun.rmi.server=ALL-UNNAMED
      --add-exports java.sql/java.sql=ALL-UNNAMED
      --add-exports java.base/java.lang.ref=ALL-UNNAMED
      --add-exports jdk.unsupported/sun.misc=ALL-UNNAMED
      --add-exports jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
      --add-exports jdk.attach/sun.tools.attach=ALL-UNNAMED
      --add-opens java.base/java.lang.module=ALL-UNNAMED
      --add-opens java.base/jdk.internal.loader=ALL-UNNAMED
      --add-opens java.base/jdk.internal.ref=ALL-UNNAMED
      --add-opens java.base/jdk.internal.reflect=ALL-UNNAMED
      --add-opens java.base/jdk.internal.math=ALL-UNNAMED
      --add-opens java.base/jdk.internal.module=ALL-UNNAMED
      --add-opens java.base/jdk.internal.util.jar=ALL-UNNAMED
      --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED
      --add-opens java.base/sun.nio.ch=ALL-UNNAMED
      --add-opens java.base/java.io=ALL-UNNAMED
      --add-opens java.base/java.lang.reflect=ALL-UNNAMED
      --add-opens jdk.compiler/com.sun.tools.javac=ALL-UNNAMED
      --add-opens java.base/java.lang=ALL-UNNAMED
      --add-opens java.base/java.util=ALL-UNNAMED
      -Dcassandra.config=file://"$ROOT/cassandra.yaml"
      -Dcassandra-foreground=true
      -Dcassandra.unsafesystem=true
      -Dcassandra.storagedir="$ROOT"
      -Dcassandra.logdir="$LOGDIR"
      -Dlogback.configurationFile="$HERE/cassandra/logback.xml"
      # One node, its own seed: nothing to wait for on the ring or in gossip.
      -Dcassandra.skip_wait_for_gossip_to_settle=0
      -Dcassandra.ring_delay_ms=1000
      -Dcassandra.superuser_setup_delay_ms=0
    )
    log "starting Cassandra $VERSION on $CONTACT (heap $HEAP, data $ROOT)"
    nohup java "${jvm[@]}" -cp "$LIB/*" org.apache.cassandra.service.CassandraDaemon \
      >"$LOGDIR/stdout.log" 2>&1 </dev/null &
    echo $! >"$PIDFILE"
  fi
  local deadline=$(( $(date +%s) + TIMEOUT )) version
  while [ "$(date +%s)" -lt "$deadline" ]; do
    if version=$(ping_cql); then
      log "Cassandra $version answers CQL on $CONTACT"
      echo "$CONTACT"
      return
    fi
    if ! running; then
      log "Cassandra exited during start-up; last lines of its logs:"
      tail -n 40 "$LOGDIR/stdout.log" "$LOGDIR/system.log" >&2 2>/dev/null || true
      exit 1
    fi
    sleep 1
  done
  log "CQL did not answer on $CONTACT within ${TIMEOUT}s; last lines of its logs:"
  tail -n 40 "$LOGDIR/stdout.log" "$LOGDIR/system.log" >&2 2>/dev/null || true
  exit 1
}

stop() {
  if running; then
    local pid
    pid=$(cat "$PIDFILE")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then log "node $pid did not stop on TERM; killing it"; kill -9 "$pid" 2>/dev/null || true; fi
  fi
  rm -rf "$ROOT"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) echo "$CONTACT" ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
