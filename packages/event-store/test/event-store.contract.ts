import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  WrongExpectedRevisionError,
  type EventMetadata,
  type EventStore,
  type EventStoreCapabilities,
  type NewEvent,
  type RecordedEvent,
  type SubscribeOptions,
} from "../src/index.js";

// The one contract every event store adapter passes (Temporal's and Jaeger's habit): a spec
// file per adapter calls eventStoreContract with a factory and the capabilities it claims.
// Tests use fresh category and stream names, so they can run again on a used database.

export interface ContractFactoryOptions {
  /** Hold each append transaction open this long before COMMIT (the commit-gap test). */
  delayInTransactionMs?: () => number;
  /** false: one transaction per append, so that many transactions overlap. */
  groupCommit?: boolean;
}

export type EventStoreFactory = (options?: ContractFactoryOptions) => Promise<EventStore>;

export function eventStoreContract(name: string, factory: EventStoreFactory, capabilities: EventStoreCapabilities): void {
  describe(`${name} event store contract`, () => {
    let store: EventStore;
    beforeAll(async () => {
      store = await factory();
    });
    afterAll(async () => {
      await store?.close();
    });

    it("declares its capabilities", () => {
      expect(store.capabilities).toEqual(capabilities);
    });

    it("reads back what it appended, with metadata, in revision order", async () => {
      const stream = `${category()}-1`;
      const metadata: EventMetadata = {
        correlationId: randomUUID(),
        causationId: randomUUID(),
        actor: "user-42",
        traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        tracestate: "flick=1",
        requestId: randomUUID(),
      };
      const binary = event("flick.test.v1.Created", { data: new Uint8Array([0, 1, 2, 255]), metadata });
      const json = event("flick.test.v1.Renamed", { data: utf8('{"name":"ünïcode"}'), contentType: "application/json" });

      const result = await store.append(stream, [binary, json], "no_stream");
      const read = await store.readStream(stream);

      expect(result.nextRevision).toBe(1n);
      expect(read).toHaveLength(2);
      expect(read[0]).toMatchObject({
        id: binary.id,
        type: "flick.test.v1.Created",
        contentType: "application/octet-stream",
        metadata,
        streamName: stream,
        revision: 0n,
      });
      expect([...read[0]!.data]).toEqual([0, 1, 2, 255]);
      expect(read[1]).toMatchObject({ id: json.id, contentType: "application/json", metadata: {}, revision: 1n });
      expect(JSON.parse(new TextDecoder().decode(read[1]!.data))).toEqual({ name: "ünïcode" });
      expect(read[0]!.recordedAt).toBeInstanceOf(Date);
      expect(Math.abs(read[0]!.recordedAt.getTime() - Date.now())).toBeLessThan(60_000);
      expect(store.compareCheckpoints(read[0]!.checkpoint, read[1]!.checkpoint)).toBeLessThan(0);
      // A reader that has seen the last appended event has reached the append's checkpoint.
      expect(store.compareCheckpoints(read[1]!.checkpoint, result.checkpoint)).toBeGreaterThanOrEqual(0);
      await eventually(async () => {
        const head = await store.headCheckpoint();
        expect(head && store.compareCheckpoints(head, result.checkpoint)).toBeGreaterThanOrEqual(0);
      });
    });

    it("reads an absent stream as empty, and honours fromRevision and maxCount", async () => {
      const stream = `${category()}-1`;
      expect(await store.readStream(stream)).toEqual([]);
      const events = [event(), event(), event(), event()];
      await store.append(stream, events, "no_stream");
      const page = await store.readStream(stream, { fromRevision: 1n, maxCount: 2 });
      expect(page.map((e) => e.revision)).toEqual([1n, 2n]);
      expect(page.map((e) => e.id)).toEqual([events[1]!.id, events[2]!.id]);
      expect(await store.readStream(stream, { fromRevision: 4n })).toEqual([]);
    });

    it("answers concurrent reads of many streams each as if read alone", async () => {
      // Stores may serve reads arriving together in one round trip: none may see another's rows.
      const [a, b, absent] = [`${category()}-a`, `${category()}-b`, `${category()}-none`];
      await store.append(a, [event(), event(), event()], "no_stream");
      await store.append(b, [event(), event()], "no_stream");
      const asked = [
        [a, {}],
        [b, {}],
        [absent, {}],
        [a, { fromRevision: 1n, maxCount: 1 }],
        [b, { fromRevision: 1n }],
        [a, { maxCount: 2 }],
      ] as const;
      const together = await Promise.all(asked.map(([s, o]) => store.readStream(s, o)));
      const alone: RecordedEvent[][] = [];
      for (const [s, o] of asked) alone.push(await store.readStream(s, o));
      expect(together).toEqual(alone);
      expect(together.map((r) => r.map((e) => `${e.streamName === a ? "a" : "b"}${e.revision}`))).toEqual([["a0", "a1", "a2"], ["b0", "b1"], [], ["a1"], ["b1"], ["a0", "a1"]]);
    });

    it("rejects malformed appends before writing anything", async () => {
      const stream = `${category()}-1`;
      await expect(store.append(stream, [], "any")).rejects.toThrow(TypeError);
      await expect(store.append(stream, [{ ...event(), id: "not-a-uuid" }], "any")).rejects.toThrow(TypeError);
      const twice = event();
      await expect(store.append(stream, [twice, twice], "any")).rejects.toThrow(TypeError);
      expect(await store.readStream(stream)).toEqual([]);
    });

    describe("expected revision", () => {
      it("no_stream: creates a stream, and fails once it exists", async () => {
        const stream = `${category()}-1`;
        expect((await store.append(stream, [event()], "no_stream")).nextRevision).toBe(0n);
        await expectConflict(store.append(stream, [event()], "no_stream"), stream, "no_stream", 0n);
        expect(await store.readStream(stream)).toHaveLength(1);
      });

      it("exists: fails on an absent stream, succeeds on an existing one", async () => {
        const stream = `${category()}-1`;
        await expectConflict(store.append(stream, [event()], "exists"), stream, "exists", "no_stream");
        expect(await store.readStream(stream)).toEqual([]);
        await store.append(stream, [event()], "no_stream");
        expect((await store.append(stream, [event(), event()], "exists")).nextRevision).toBe(2n);
      });

      it("exact: succeeds only at the stream's last revision", async () => {
        const stream = `${category()}-1`;
        await expectConflict(store.append(stream, [event()], 0n), stream, 0n, "no_stream");
        await store.append(stream, [event(), event()], "no_stream");
        await expectConflict(store.append(stream, [event()], 0n), stream, 0n, 1n);
        await expectConflict(store.append(stream, [event()], 2n), stream, 2n, 1n);
        expect((await store.append(stream, [event()], 1n)).nextRevision).toBe(2n);
        await expectConflict(store.append(stream, [event()], 1n), stream, 1n, 2n);
        expect(await store.readStream(stream)).toHaveLength(3);
      });

      it("any: appends whatever the stream's state", async () => {
        const stream = `${category()}-1`;
        expect((await store.append(stream, [event()], "any")).nextRevision).toBe(0n);
        expect((await store.append(stream, [event(), event()], "any")).nextRevision).toBe(2n);
      });

      it("lets exactly one of N concurrent appends at one revision win", async () => {
        const stream = `${category()}-1`;
        await store.append(stream, [event()], "no_stream");
        const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => store.append(stream, [event()], 0n)));
        expectOneWinner(outcomes);
        expect(await store.readStream(stream)).toHaveLength(2);

        const fresh = `${category()}-1`;
        expectOneWinner(await Promise.allSettled(Array.from({ length: 10 }, () => store.append(fresh, [event()], "no_stream"))));
        expect(await store.readStream(fresh)).toHaveLength(1);
      });
    });

    describe("idempotency by event id", () => {
      it.skipIf(!capabilities.exactIdempotency)("a retry writes nothing and returns the original result", async () => {
        const stream = `${category()}-1`;
        const batch = [event(), event()];
        const original = await store.append(stream, batch, "no_stream");
        expect(await store.append(stream, batch, "no_stream")).toEqual(original);
        // Still exact after the stream has moved on, and whatever the expectation.
        await store.append(stream, [event()], 1n);
        expect(await store.append(stream, batch, "no_stream")).toEqual(original);
        expect(await store.append(stream, batch, "any")).toEqual(original);
        expect(await store.append(stream, batch, 7n)).toEqual(original);
        expect((await store.readStream(stream)).map((e) => e.id)).toEqual([...batch.map((e) => e.id), expect.any(String)]);
      });

      it.skipIf(!capabilities.exactIdempotency)("a retry racing its original is written once", async () => {
        const stream = `${category()}-1`;
        const batch = [event(), event()];
        const [a, b] = await Promise.all([store.append(stream, batch, "no_stream"), store.append(stream, batch, "no_stream")]);
        expect(a).toEqual(b);
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it.skipIf(capabilities.exactIdempotency)("a retry at the same expected revision writes nothing (best effort)", async () => {
        const stream = `${category()}-1`;
        const batch = [event(), event()];
        await store.append(stream, batch, "no_stream");
        await store.append(stream, batch, "no_stream");
        expect(await store.readStream(stream)).toHaveLength(2);
      });
    });

    describe("$all", () => {
      it("delivers events in append order with increasing checkpoints", async () => {
        const cat = category();
        const after = await store.headCheckpoint();
        const appended: string[] = [];
        for (const stream of [`${cat}-a`, `${cat}-b`, `${cat}-a`, `${cat}-c`, `${cat}-b`]) {
          const e = [event(), event()];
          await store.append(stream, e, "any");
          appended.push(...e.map((x) => x.id));
        }
        const seen = await collect(store, { after, filter: { categories: [cat] }, batchSize: 3 }, appended.length);
        expect(seen.map((e) => e.id)).toEqual(appended);
        for (let i = 1; i < seen.length; i++) {
          expect(store.compareCheckpoints(seen[i - 1]!.checkpoint, seen[i]!.checkpoint)).toBeLessThan(0);
        }
      });

      it("filters by category (the part before the first '-') and by event type", async () => {
        const a = category();
        const b = `${a}x`; // shares a's prefix: a prefix match would wrongly include it
        const t1 = `flick.test.v1.${a}.One`;
        const t2 = `flick.test.v1.${a}.Two`;
        const after = await store.headCheckpoint();
        const written: Array<[string, string]> = [[`${a}-1`, t1], [`${b}-1`, t1], [`${a}-2`, t2], [a, t2], [`${b}-2`, t2]];
        const ids: string[] = [];
        for (const [stream, type] of written) {
          const e = event(type);
          ids.push(e.id);
          await store.append(stream, [e], "any");
        }
        const pick = (...indexes: number[]) => indexes.map((i) => ids[i]);
        const ofIds = async (options: SubscribeOptions, count: number) =>
          (await collect(store, { after, ...options }, count, 300)).map((e) => e.id);

        expect(await ofIds({ filter: { categories: [a] } }, 3)).toEqual(pick(0, 2, 3));
        expect(await ofIds({ filter: { eventTypes: [t1] } }, 2)).toEqual(pick(0, 1));
        expect(await ofIds({ filter: { categories: [a], eventTypes: [t2] } }, 2)).toEqual(pick(2, 3));
        expect(await ofIds({ filter: { categories: [a, b] } }, 5)).toEqual(pick(0, 1, 2, 3, 4));
      });

      it("catches up then goes live; a consumer resuming from its checkpoint loses and repeats nothing", async () => {
        const cat = category();
        const filter = { categories: [cat] };
        const after = await store.headCheckpoint();
        const written: string[] = [];
        const write = async (count: number, pauseMs = 0) => {
          for (let i = 0; i < count; i++) {
            const e = event();
            await store.append(`${cat}-${i % 3}`, [e], "any");
            written.push(e.id);
            if (pauseMs) await delay(pauseMs);
          }
        };
        await write(30); // history to catch up on

        const seen: RecordedEvent[] = [];
        for await (const e of store.subscribe({ after, filter, batchSize: 7 })) {
          seen.push(e);
          if (seen.length === 12) break; // the consumer stops; its checkpoint is the last event it handled
        }
        const checkpoint = seen.at(-1)!.checkpoint;
        await write(20); // written while the consumer is down

        const resumed = collect(store, { after: checkpoint, filter, batchSize: 7 }, 80 - 12);
        await write(30, 5); // live, while it runs
        seen.push(...(await resumed));

        expect(seen.map((e) => e.id)).toEqual(written);
      });

      it.each(capabilities.groupCommit ? [true, false] : [false])(
        "never skips an event of a transaction that commits after a later one (commit gap, group commit %s)",
        async (groupCommit) => {
          const gappy = await factory({ delayInTransactionMs: () => Math.random() * 20, groupCommit });
          try {
            const cat = category();
            const after = await gappy.headCheckpoint();
            const writers = 8;
            const perWriter = 25;
            const subscriber = collect(gappy, { after, filter: { categories: [cat] } }, writers * perWriter, 500);
            const ids = (
              await Promise.all(
                Array.from({ length: writers }, async (_, w) => {
                  const mine: string[] = [];
                  for (let i = 0; i < perWriter; i++) {
                    const e = event();
                    await gappy.append(`${cat}-${w}-${i % 5}`, [e], "any");
                    mine.push(e.id);
                    await delay(Math.random() * 3); // desynchronised writers keep several groups in flight
                  }
                  return mine;
                }),
              )
            ).flat();
            const seen = (await subscriber).map((e) => e.id);
            expect(new Set(seen).size).toBe(seen.length); // exactly once
            expect(new Set(seen)).toEqual(new Set(ids)); // none lost
          } finally {
            await gappy.close();
          }
        },
      );

      it("ends a live subscription when its signal aborts", async () => {
        const controller = new AbortController();
        const started = Date.now();
        setTimeout(() => controller.abort(), 200);
        let count = 0;
        for await (const _ of store.subscribe({ after: await store.headCheckpoint(), filter: { categories: [category()] }, signal: controller.signal })) {
          count++;
        }
        expect(count).toBe(0);
        expect(Date.now() - started).toBeLessThan(5_000);
      });
    });

    it("fails only the conflicting appends of a concurrent group", async () => {
      const existing = `${category()}-1`;
      await store.append(existing, [event()], "no_stream");
      const fresh = Array.from({ length: 15 }, () => `${category()}-1`);
      const missing = `${category()}-1`;
      // Submitted in one tick: with group commit they share one transaction.
      const [good, stale, absent, next] = await Promise.all([
        Promise.allSettled(fresh.map((s) => store.append(s, [event()], "no_stream"))),
        store.append(existing, [event()], 5n).catch((e: unknown) => e),
        store.append(missing, [event()], "exists").catch((e: unknown) => e),
        store.append(existing, [event()], 0n),
      ]);
      expect(good.map((o) => o.status)).toEqual(fresh.map(() => "fulfilled"));
      expect(stale).toBeInstanceOf(WrongExpectedRevisionError);
      expect(absent).toBeInstanceOf(WrongExpectedRevisionError);
      expect(next.nextRevision).toBe(1n);
      expect(await store.readStream(existing)).toHaveLength(2);
      expect(await store.readStream(missing)).toEqual([]);
      for (const s of fresh) expect(await store.readStream(s)).toHaveLength(1);
    });
  });
}

/** A category no other test (or earlier run) has used; no '-' in it. */
function category(): string {
  return `t${randomUUID().replaceAll("-", "").slice(0, 16)}`;
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function event(type = "flick.test.v1.Happened", overrides: Partial<NewEvent> = {}): NewEvent {
  return { id: randomUUID(), type, data: utf8(`{"at":${Date.now()}}`), ...overrides };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function expectConflict(
  append: Promise<unknown>,
  stream: string,
  expected: WrongExpectedRevisionError["expected"],
  actual: WrongExpectedRevisionError["actual"],
): Promise<void> {
  const error = await append.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WrongExpectedRevisionError);
  expect(error).toMatchObject({ stream, expected, actual });
}

function expectOneWinner(outcomes: PromiseSettledResult<unknown>[]): void {
  expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
  for (const o of outcomes) {
    if (o.status === "rejected") expect(o.reason).toBeInstanceOf(WrongExpectedRevisionError);
  }
}

/**
 * Subscribes until `count` events arrived (then, if lingerMs, waits that long for any
 * unexpected extra one), or fails after a deadline with what it had.
 */
async function collect(store: EventStore, options: SubscribeOptions, count: number, lingerMs = 0): Promise<RecordedEvent[]> {
  const controller = new AbortController();
  const seen: RecordedEvent[] = [];
  const deadline = setTimeout(() => controller.abort(), 20_000);
  let lingering: NodeJS.Timeout | undefined;
  try {
    for await (const e of store.subscribe({ ...options, signal: controller.signal })) {
      seen.push(e);
      if (seen.length === count) {
        if (!lingerMs) break;
        lingering = setTimeout(() => controller.abort(), lingerMs);
      }
    }
  } finally {
    clearTimeout(deadline);
    clearTimeout(lingering);
  }
  expect(seen).toHaveLength(count);
  return seen;
}

async function eventually(assertion: () => Promise<void>, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() > until) throw error;
      await delay(50);
    }
  }
}
