// bench:events/appends — single-event appends per second, as commands write them (a new
// small stream per command, expected revision no_stream), with 1, 8 and 32 concurrent
// writers, group commit on and off, on embedded PGlite (a data directory on disk) and on
// PostgreSQL (POSTGRES_URL; skipped with a warning when unset).
//
//   npx tsx bench/events/appends.ts        # table, then one JSON line
//   BENCH_APPENDS=5000 npx tsx bench/events/appends.ts
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Pool } from "pg";
import { createPgliteEventStore, createPostgresEventStore, type EventStore } from "@flick/event-store";
import { createJsonCodec, handleCommand, type Decider } from "@flick/kernel";
import { percentile, printJson, printTable, type Row } from "../lib/report.js";

const WRITERS = [1, 8, 32];
const APPENDS = Number(process.env.BENCH_APPENDS ?? 5_000);
const STORE_WARMUP = 3_000;
const WARMUP = 500;

interface Engine {
  name: string;
  open(groupCommit: boolean): Promise<EventStore>;
  dispose(): Promise<void>;
}

export async function runAppendBench(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const engine of await engines()) {
    try {
      for (const groupCommit of [true, false]) {
        const store = await engine.open(groupCommit);
        try {
          // Without this, whichever setting runs first pays for JIT and plan-cache warm-up.
          await drive(store, 8, STORE_WARMUP);
          for (const writers of WRITERS) rows.push(await measure(engine.name, store, writers, groupCommit, "append"));
          // What the target is about: whole commands (read the stream, decide,
          // append with the expected revision) through the one command handler.
          if (groupCommit) for (const writers of [8, 32]) rows.push(await measure(engine.name, store, writers, groupCommit, "command"));
        } finally {
          await store.close();
        }
      }
    } finally {
      await engine.dispose();
    }
  }
  return rows;
}

async function engines(): Promise<Engine[]> {
  const dir = await mkdtemp(join(tmpdir(), "flick-bench-events-"));
  const list: Engine[] = [
    {
      name: "pglite",
      // A fresh data directory per setting: the embedded profile writes to disk too.
      open: (groupCommit) => createPgliteEventStore({ dataDir: join(dir, `gc-${groupCommit}`), groupCommit }),
      dispose: () => rm(dir, { recursive: true, force: true }),
    },
  ];
  const url = process.env.POSTGRES_URL;
  if (!url) {
    console.warn("⚠️  bench/events/appends: POSTGRES_URL is not set, PostgreSQL skipped (scripts/ci/postgres.sh start)");
    return list;
  }
  const schema = `bench_events_${randomUUID().replaceAll("-", "").slice(0, 8)}`;
  // Enough connections that "group commit off" is limited by PostgreSQL, not by the pool.
  const pool = new Pool({ connectionString: url, max: Math.max(...WRITERS) + 2 });
  list.push({
    name: "postgres",
    open: (groupCommit) => createPostgresEventStore({ pool, schema, groupCommit }),
    dispose: async () => {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    },
  });
  return list;
}

type Mode = "append" | "command";

async function measure(engine: string, store: EventStore, writers: number, groupCommit: boolean, mode: Mode): Promise<Row> {
  await drive(store, Math.min(writers, 8), WARMUP, mode);
  const started = performance.now();
  const latencies = await drive(store, writers, APPENDS, mode);
  const seconds = (performance.now() - started) / 1000;
  return {
    engine,
    mode,
    writers,
    "group commit": groupCommit ? "on" : "off",
    appends: APPENDS,
    seconds,
    "appends/s": Math.round(APPENDS / seconds),
    "p50 ms": percentile(latencies, 50),
    "p99 ms": percentile(latencies, 99),
  };
}

// A like as a command: one small stream per (video, user), one event.
type LikeEvent = { type: "VideoLiked"; videoId: string; userId: string };
type Like = { videoId: string; userId: string };
const likeDecider: Decider<Like, { liked: boolean }, LikeEvent> = {
  initialState: () => ({ liked: false }),
  decide: (c, s) => (s.liked ? [] : [{ type: "VideoLiked", videoId: c.videoId, userId: c.userId }]),
  evolve: () => ({ liked: true }),
};
const likeCodec = createJsonCodec<LikeEvent>({ prefix: "bench." });

/** `writers` loops appending one event each until `total` appends are done. */
async function drive(store: EventStore, writers: number, total: number, mode: Mode = "append"): Promise<number[]> {
  const latencies: number[] = [];
  const data = new TextEncoder().encode(JSON.stringify({ videoId: randomUUID(), userId: randomUUID() }));
  let issued = 0;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (issued < total) {
        issued++;
        const t = performance.now();
        if (mode === "append") {
          await store.append(`like-${randomUUID()}`, [{ id: randomUUID(), type: "flick.events.v1.VideoLiked", data }], "no_stream");
        } else {
          const command = { videoId: randomUUID(), userId: randomUUID() };
          await handleCommand(store, {
            stream: `like-${command.videoId}-${command.userId}`,
            decider: likeDecider,
            command,
            requestId: randomUUID(),
            codec: likeCodec,
          });
        }
        latencies.push(performance.now() - t);
      }
    }),
  );
  return latencies;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await runAppendBench();
  printTable(`Event store appends (${APPENDS} single-event appends per row)`, rows);
  printJson({ bench: "events/appends", rows });
}
