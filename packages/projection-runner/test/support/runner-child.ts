// The runner as its own process, for the kill -9 test: two projections (the idempotent
// example and the strict, non-idempotent counter) over the configured engines, with small
// batches and a pause inside each transaction so that a kill often lands mid-batch.
// Prints "ready", then "batch <n>" per commit; with EXIT_WHEN_CAUGHT_UP it exits 0 once
// both projections have committed the store's head.

import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { createPgliteEventStore, createPostgresEventStore, type EventStore } from "@flick/event-store";
import { sqlFromPglite, sqlFromPgPool, type SqlDatabase, type SqlQueryable } from "@flick/kernel";
import { createSqlCheckpointStore, eventsPerStreamProjection, ProjectionRunner, type Projection } from "../../src/index.js";
import { strictCountProjection } from "./strict-count.projection.js";

const env = process.env;
let store: EventStore;
let db: SqlDatabase;
if (env.KILL_ENGINE === "postgres") {
  store = await createPostgresEventStore({ connectionString: env.KILL_DATABASE_URL! });
  db = sqlFromPgPool(new pg.Pool({ connectionString: env.KILL_DATABASE_URL!, max: 4 }));
} else {
  store = await createPgliteEventStore({ dataDir: env.KILL_EVENTS_DIR! });
  db = sqlFromPglite(await PGlite.create(env.KILL_READ_DIR!));
}

const slow = (p: Projection<SqlQueryable>): Projection<SqlQueryable> => ({
  ...p,
  async handle(events, tx) {
    await p.handle(events, tx);
    await new Promise((r) => setTimeout(r, Math.random() * 8));
  },
});

let batches = 0;
const runners = [eventsPerStreamProjection(), strictCountProjection()].map(
  (projection) =>
    new ProjectionRunner({
      store,
      checkpoints: createSqlCheckpointStore(db),
      projection: slow(projection),
      batchSize: 25,
      maxBatchDelayMs: 5,
      retryDelayMs: 50,
      onBatchCommitted: () => console.log(`batch ${++batches}`),
      onError: (e) => console.error("runner error:", e),
    }),
);
for (const r of runners) await r.start();
console.log("ready");

if (env.EXIT_WHEN_CAUGHT_UP) {
  for (;;) {
    const done = await Promise.all(runners.map((r) => r.catchUp(30_000)));
    const statuses = await Promise.all(runners.map((r) => r.status()));
    if (done.every(Boolean) && statuses.every((s) => s.caughtUp)) break;
  }
  for (const r of runners) await r.stop();
  await store.close();
  console.log("caught-up");
  process.exit(0);
}
