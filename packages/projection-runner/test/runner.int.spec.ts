import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AppendResult, EventStore, NewEvent } from "@flick/event-store";
import { ProjectionSpecification, recordedEventsBuilder, createJsonCodec, type SqlDatabase, type SqlQueryable } from "@flick/kernel";
import {
  createSqlCheckpointStore,
  eventsPerStreamProjection,
  ProjectionRunner,
  readModelSchema,
  SharedSubscriptionStore,
  readStreamEventCounts,
  sqlProjectionUnderTest,
  type BatchCommitted,
  type Projection,
} from "../src/index.js";
import { engines } from "./support/engines.js";
import { readStrictCounts, strictCountProjection } from "./support/strict-count.projection.js";

const enc = new TextEncoder();
const event = (type = "test.Happened"): NewEvent => ({ id: randomUUID(), type, data: enc.encode("{}"), contentType: "application/json" });

/** Appends `perStream` events to each stream, in appends of up to 3, interleaved. */
async function seed(store: EventStore, streams: string[], perStream: number): Promise<AppendResult> {
  let last!: AppendResult;
  const written = new Map<string, number>();
  while ([...written.values()].reduce((a, b) => a + b, 0) < streams.length * perStream) {
    for (const s of streams) {
      const done = written.get(s) ?? 0;
      const n = Math.min(perStream - done, 1 + (done % 3));
      if (n <= 0) continue;
      last = await store.append(s, Array.from({ length: n }, () => event()), "any");
      written.set(s, done + n);
    }
  }
  return last;
}

const expectedCounts = (streams: string[], n: number) => Object.fromEntries(streams.map((s) => [s, n]));

// Every case runs on the store itself and through the shared reader the platform uses.
for (const [engine, shared] of engines.flatMap((e) => [[e, false], [e, true]] as const)) {
  describe.skipIf(!engine.available)(`projection runner on ${engine.name}${shared ? " (shared reader)" : ""}`, () => {
    let store: EventStore;
    let db: SqlDatabase;
    let close: () => Promise<void>;
    const runners: ProjectionRunner<SqlQueryable>[] = [];
    beforeEach(async () => {
      const opened = await engine.open();
      ({ store, db } = opened);
      if (!shared) close = opened.close;
      else {
        const feed = new SharedSubscriptionStore(opened.store);
        store = feed;
        close = async () => {
          await feed.close();
          await opened.close();
        };
      }
    });
    afterEach(async () => {
      for (const r of runners.splice(0)) await r.stop();
      await close();
    });

    const runner = (projection: Projection<SqlQueryable>, extra: { onBatchCommitted?: (b: BatchCommitted) => void; batchSize?: number } = {}) => {
      const r = new ProjectionRunner({
        store,
        checkpoints: createSqlCheckpointStore(db),
        projection,
        retryDelayMs: 20,
        ...extra,
      });
      runners.push(r);
      return r;
    };
    const strict = async (name = "strict-count") => readStrictCounts(db, readModelSchema(name));

    it("projects the existing log and then new events as they arrive", async () => {
      const streams = ["video-a", "video-b", "like-c"];
      await seed(store, streams, 7);
      const r = runner(eventsPerStreamProjection());
      await r.start();
      expect(await r.catchUp(10_000)).toBe(true);
      const counts = await readStreamEventCounts(db, readModelSchema("events-per-stream"));
      expect(Object.fromEntries(counts.map((c) => [c.stream, c.events]))).toEqual(expectedCounts(streams, 7));

      // Read-your-writes: wait for the checkpoint an append returned, then query.
      const appended = await store.append("video-a", [event(), event()], "any");
      expect(await r.waitFor(appended.checkpoint, 10_000)).toBe(true);
      const after = await readStreamEventCounts(db, readModelSchema("events-per-stream"));
      expect(after.find((c) => c.stream === "video-a")).toMatchObject({ events: 9, lastRevision: 8 });
    });

    it("reports lag and position in status()", async () => {
      const batches: BatchCommitted[] = [];
      const r = runner(eventsPerStreamProjection(), { onBatchCommitted: (b) => batches.push(b) });
      await r.start();
      const last = await seed(store, ["video-a", "video-b"], 20);
      expect(await r.waitFor(last.checkpoint, 10_000)).toBe(true);
      const status = await r.status();
      expect(status).toMatchObject({ name: "events-per-stream", state: "running", caughtUp: true, eventsProcessed: 40 });
      expect(status.checkpoint).toBe(last.checkpoint);
      expect(status.lag.count).toBe(40);
      expect(status.lag.p99Ms).toBeGreaterThanOrEqual(0);
      expect(status.lag.p99Ms).toBeLessThan(10_000);
      expect(batches.reduce((n, b) => n + b.events, 0)).toBe(40);
    });

    it("resumes after a restart from its checkpoint, counting nothing twice", async () => {
      const streams = ["video-a", "video-b"];
      await seed(store, streams, 10);
      const first = runner(strictCountProjection());
      await first.start();
      await first.catchUp(10_000);
      await first.stop();
      await seed(store, streams, 5);
      const second = runner(strictCountProjection());
      await second.start();
      expect(await second.catchUp(10_000)).toBe(true);
      expect(await strict()).toEqual({ perStream: expectedCounts(streams, 15), deliveries: 30 });
    });

    it("commits nothing of a failed batch and retries it until it succeeds", async () => {
      await seed(store, ["video-a"], 12);
      const inner = strictCountProjection();
      let failures = 3;
      const flaky: Projection<SqlQueryable> = {
        ...inner,
        async handle(events, tx) {
          await inner.handle(events, tx); // writes first, then fails: must roll back
          if (failures-- > 0) throw new Error("handler failed");
        },
      };
      const errors: unknown[] = [];
      const r = new ProjectionRunner({ store, checkpoints: createSqlCheckpointStore(db), projection: flaky, retryDelayMs: 10, onError: (e) => errors.push(e) });
      runners.push(r);
      await r.start();
      expect(await r.catchUp(10_000)).toBe(true);
      expect(errors).toHaveLength(3);
      expect(await strict()).toEqual({ perStream: { "video-a": 12 }, deliveries: 12 });
      expect((await r.status()).lastError).toBe("handler failed");
    });

    it("keeps two runners of one projection from both applying a batch", async () => {
      await seed(store, ["video-a", "video-b", "video-c"], 30);
      const a = runner(strictCountProjection(), { batchSize: 7 });
      const b = runner(strictCountProjection(), { batchSize: 5 });
      await Promise.all([a.start(), b.start()]);
      const last = await seed(store, ["video-a"], 10);
      // One of them holds the newest checkpoint; the other may be backing off.
      await Promise.race([a.waitFor(last.checkpoint, 15_000), b.waitFor(last.checkpoint, 15_000)]);
      await a.stop();
      await b.stop();
      const c = runner(strictCountProjection());
      await c.start();
      await c.catchUp(10_000);
      expect(await strict()).toEqual({ perStream: { "video-a": 40, "video-b": 30, "video-c": 30 }, deliveries: 100 });
    });

    it("hands only matching events to the handler but moves past the others (waitFor still resolves)", async () => {
      const r = runner(eventsPerStreamProjection({ filter: { categories: ["video"] } }));
      await r.start();
      await store.append("video-a", [event()], "any");
      const other = await store.append("like-x", [event(), event()], "any");
      expect(await r.waitFor(other.checkpoint, 10_000)).toBe(true);
      const counts = await readStreamEventCounts(db, readModelSchema("events-per-stream"));
      expect(counts.map((c) => c.stream)).toEqual(["video-a"]);
    });

    it("stores an idle runner's checkpoint only now and then, and resumes from it exactly", async () => {
      const name = "events-per-stream";
      const batches: BatchCommitted[] = [];
      const projection = eventsPerStreamProjection({ filter: { categories: ["video"] } });
      const r = new ProjectionRunner({ store, checkpoints: createSqlCheckpointStore(db), projection, idleCheckpointMs: 60_000, onBatchCommitted: (b) => batches.push(b) });
      runners.push(r);
      await r.start();
      const video = await store.append("video-a", [event()], "any");
      expect(await r.waitFor(video.checkpoint, 10_000)).toBe(true);
      let other = video;
      for (let i = 0; i < 5; i++) {
        other = await store.append(`like-${i}`, [event()], "any");
        expect(await r.waitFor(other.checkpoint, 10_000)).toBe(true); // read models are current
      }
      expect((await createSqlCheckpointStore(db).load(projection, "live"))?.checkpoint).toBe(video.checkpoint);
      expect(batches.filter((b) => !b.stored).length).toBeGreaterThan(0);
      await r.stop();
      // A restart reads the idle stretch again, and counts only what is new.
      await store.append("video-a", [event()], "any");
      const again = runner(eventsPerStreamProjection({ filter: { categories: ["video"] } }));
      await again.start();
      expect(await again.catchUp(10_000)).toBe(true);
      const counts = await readStreamEventCounts(db, readModelSchema(name));
      expect(counts.map((c) => [c.stream, Number(c.events)])).toEqual([["video-a", 2]]);
    });

    it("answers waitFor with false when the checkpoint is not reached in time", async () => {
      const r = runner(eventsPerStreamProjection());
      const appended = await store.append("video-a", [event()], "any");
      expect(await r.waitFor(appended.checkpoint, 50)).toBe(false); // not started
    });

    it("rebuilds from position 0 into fresh tables equal to the live model, then swaps them in", async () => {
      const streams = ["video-a", "video-b", "user-c", "like-d"];
      await seed(store, streams, 25);
      const projection = eventsPerStreamProjection();
      const r = runner(projection);
      await r.start();
      await r.catchUp(10_000);
      const live = readModelSchema(projection.name);

      const side = await r.rebuild({ swap: false });
      expect(side.events).toBe(100);
      expect(await readStreamEventCounts(db, `${live}__rebuild`)).toEqual(await readStreamEventCounts(db, live));

      // Swap while new events keep arriving: none may be lost across the switch.
      let writing = true;
      const writer = (async () => {
        let last: AppendResult | undefined;
        for (let i = 0; writing; i++) last = await store.append(streams[i % streams.length]!, [event()], "any");
        return last!;
      })();
      const swapped = await r.rebuild({ swap: true });
      writing = false;
      const last = await writer;
      expect(swapped.promoted).toBe(true);
      expect(await r.waitFor(last.checkpoint, 10_000)).toBe(true);
      const total = (await readStreamEventCounts(db, live)).reduce((n, c) => n + c.events, 0);
      const inLog = (await Promise.all(streams.map((s) => store.readStream(s)))).reduce((n, e) => n + e.length, 0);
      expect(total).toBe(inLog);
    });

    it("rebuilds on start when the projection's version changed", async () => {
      await seed(store, ["video-a", "video-b"], 5);
      const v1 = runner(strictCountProjection("strict-count", 1));
      await v1.start();
      await v1.catchUp(10_000);
      await v1.stop();
      const v2 = runner(strictCountProjection("strict-count", 2));
      await v2.start();
      expect(await v2.catchUp(10_000)).toBe(true);
      expect(await strict()).toEqual({ perStream: { "video-a": 5, "video-b": 5 }, deliveries: 10 });
      const { rows } = await db.query<{ version: number }>(`SELECT version FROM projection_checkpoints WHERE projection = 'strict-count'`);
      expect(rows).toEqual([{ version: 2 }]);
    });

    it("runs the example projection idempotently under ProjectionSpecification", async () => {
      const codec = createJsonCodec<{ type: "Happened" }>();
      const recorded = recordedEventsBuilder(codec);
      const history = recorded("video-a", [{ type: "Happened" }]);
      const events = [...recorded("video-a", [{ type: "Happened" }, { type: "Happened" }]), ...recorded("like-b", [{ type: "Happened" }])];
      await ProjectionSpecification.for(
        sqlProjectionUnderTest(db, eventsPerStreamProjection(), async (q, schema) =>
          (await readStreamEventCounts(q, schema)).map((c) => [c.stream, c.events, c.lastRevision]),
        ),
      )
        .given(history)
        .when(events)
        .thenIdempotent([
          ["like-b", 1, 0],
          ["video-a", 3, 2],
        ]);
    });
  });
}
