// bench:events, projection half: how fresh a read model stays under a steady write load,
// and how fast one is rebuilt from the whole log.
//
// Lag: events are appended at a fixed rate (default 1,000/s, one event per append, to
// 1,000 streams) for ~20 s while the example projection (events per stream) runs live;
// each event's lag is its commit into the read model minus its recordedAt. The first
// two seconds are warm-up and not counted.
// Rebuild: the log is seeded with 1M events (100-event appends, 8 in flight: seeding
// speed is not what is measured), then the projection is rebuilt from position 0 into
// fresh tables and promoted; the rate is events replayed per second of the rebuild.
// Engines: PGlite (one in-process database for log and read model, as `npm start` runs)
// and PostgreSQL when POSTGRES_URL is set (log and read model in one database).

import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { createPgliteEventStore, createPostgresEventStore, type EventStore, type NewEvent } from "@flick/event-store";
import { sqlFromPglite, sqlFromPgPool, type SqlDatabase, type SqlQueryable } from "@flick/kernel";
import { createSqlCheckpointStore, eventsPerStreamProjection, ProjectionRunner, readModelSchema } from "@flick/projection-runner";
import { percentile, type Row } from "../lib/report.js";

const LAG_SECONDS = Number(process.env.BENCH_LAG_SECONDS ?? 20);
const LAG_RATE = Number(process.env.BENCH_LAG_RATE ?? 1000);
const WARMUP_MS = 2000;
const REBUILD_EVENTS = Number(process.env.BENCH_REBUILD_EVENTS ?? 1_000_000);
const TARGET_LAG_P99_MS = 1000;
const TARGET_REBUILD_RATE = 20_000;

interface Engine {
  name: string;
  store: EventStore;
  db: SqlDatabase;
  close(): Promise<void>;
}

const payload = new TextEncoder().encode(JSON.stringify({ videoId: "vid_01JD8W3Q5Z6YB1T0E4H7K2M9NP", watchedMs: 12_345 }));
const newEvent = (): NewEvent => ({ id: randomUUID(), type: "flick.events.v1.VideoViewed", data: payload, contentType: "application/json" });

async function openPglite(): Promise<Engine> {
  // On disk, as the embedded profile keeps it: a million events do not fit comfortably in WASM memory.
  const dir = await mkdtemp(join(tmpdir(), "flick-bench-proj-"));
  const lite = await PGlite.create(dir);
  const store = await createPgliteEventStore({ db: lite });
  return {
    name: "pglite",
    store,
    db: sqlFromPglite(lite),
    async close() {
      await store.close();
      await lite.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function openPostgres(url: string): Promise<Engine> {
  const name = `flick_bench_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  const store = await createPostgresEventStore({ connectionString: dbUrl.toString() });
  const pool = new pg.Pool({ connectionString: dbUrl.toString(), max: 4 });
  pool.on("error", () => {});
  return {
    name: "postgres",
    store,
    db: sqlFromPgPool(pool),
    async close() {
      await store.close();
      await pool.end();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measureLag(engine: Engine): Promise<Row[]> {
  const lags: number[] = [];
  let measuring = false;
  const runner = new ProjectionRunner<SqlQueryable>({
    store: engine.store,
    checkpoints: createSqlCheckpointStore(engine.db),
    projection: eventsPerStreamProjection({ name: "bench-lag" }),
    onBatchCommitted: (b) => {
      if (measuring) lags.push(...b.lagMs);
    },
  });
  await runner.start();

  // Fixed-rate producer: every 10 ms, the appends due by now (one event each), in flight
  // together as concurrent commands would be.
  const tickMs = 10;
  const started = performance.now();
  const end = started + WARMUP_MS + LAG_SECONDS * 1000;
  let sent = 0;
  let failed = 0;
  const inFlight = new Set<Promise<unknown>>();
  while (performance.now() < end) {
    const now = performance.now();
    measuring = now - started >= WARMUP_MS;
    const due = Math.floor(((now - started) / 1000) * LAG_RATE) - sent;
    for (let i = 0; i < due; i++) {
      const p = engine.store
        .append(`view-s${Math.floor(Math.random() * 1000)}`, [newEvent()], "any")
        .catch(() => failed++)
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    sent += Math.max(0, due);
    await sleep(tickMs);
  }
  await Promise.all(inFlight);
  const caughtUp = await runner.catchUp(30_000);
  await runner.stop();
  const seconds = (performance.now() - started) / 1000;
  const p99 = percentile(lags, 99);
  const ok = caughtUp && failed === 0 && p99 < TARGET_LAG_P99_MS;
  return [
    {
      ...row(engine.name, `projection lag, ${LAG_RATE.toLocaleString("en-US")} events/s for ${LAG_SECONDS} s`, sent / seconds, "events/s"),
      "p50 ms": percentile(lags, 50),
      "p99 ms": p99,
      target: `p99 < ${TARGET_LAG_P99_MS} ms`,
      ok: ok ? "yes" : failed > 0 ? `NO (${failed} appends failed)` : "NO",
    },
  ];
}

async function seed(store: EventStore, events: number): Promise<number> {
  const perAppend = 100;
  const appends = Math.ceil(events / perAppend);
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < appends; i = next++) {
      const n = Math.min(perAppend, events - i * perAppend);
      await store.append(`view-r${i % 10_000}`, Array.from({ length: n }, newEvent), "any");
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return events / ((performance.now() - started) / 1000);
}

async function measureRebuild(engine: Engine): Promise<Row[]> {
  const seedRate = await seed(engine.store, REBUILD_EVENTS);
  const runner = new ProjectionRunner<SqlQueryable>({
    store: engine.store,
    checkpoints: createSqlCheckpointStore(engine.db),
    projection: eventsPerStreamProjection({ name: "bench-rebuild" }),
  });
  const report = await runner.rebuild({ swap: true });
  await runner.stop();
  const { rows } = await engine.db.query<{ total: string }>(`SELECT sum(events)::text AS total FROM ${readModelSchema("bench-rebuild")}.stream_event_counts`);
  const complete = Number(rows[0]?.total) >= REBUILD_EVENTS;
  return [
    {
      ...row(engine.name, `rebuild from 0, ${REBUILD_EVENTS.toLocaleString("en-US")} events (${(report.durationMs / 1000).toFixed(1)} s)`, report.eventsPerSecond, "events/s"),
      target: `>= ${TARGET_REBUILD_RATE.toLocaleString("en-US")} events/s`,
      ok: complete && report.eventsPerSecond >= TARGET_REBUILD_RATE ? "yes" : "NO",
    },
    row(engine.name, "(seeding the rebuild: 100-event appends, 8 in flight)", seedRate, "events/s"),
  ];
}

/** The row shape bench/events/main.ts prints for appends and projections alike. */
export function row(engine: string, measure: string, value: number, unit: string): Row {
  return { bench: "projections", engine, measure, value, unit, "p50 ms": "", "p99 ms": "", target: "", ok: "" };
}

export async function runProjectionBench(): Promise<Row[]> {
  const rows: Row[] = [];
  const engines: Array<() => Promise<Engine>> = [openPglite];
  if (process.env.POSTGRES_URL) engines.push(() => openPostgres(process.env.POSTGRES_URL!));
  else console.warn("POSTGRES_URL is not set: projection bench runs on PGlite only");
  for (const open of engines) {
    // A fresh log for each measure, so the rebuild's million events do not slow the lag run.
    let engine = await open();
    try {
      rows.push(...(await measureLag(engine)));
    } finally {
      await engine.close();
    }
    engine = await open();
    try {
      rows.push(...(await measureRebuild(engine)));
    } finally {
      await engine.close();
    }
  }
  return rows;
}
