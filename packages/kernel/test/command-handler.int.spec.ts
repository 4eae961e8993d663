import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { EventStore } from "@flick/event-store";
import {
  ConcurrencyError,
  eventId,
  FailedPreconditionError,
  handleCommand,
  type HandleCommandOptions,
} from "../src/index.js";
import { counterCodec, counterDecider, type CounterCommand, type CounterEvent, type CounterState } from "./fixtures/counter.decider.js";
import { engines } from "./support/engines.js";

const at = "2026-01-01T00:00:00.000Z";

for (const engine of engines) {
  describe.skipIf(!engine.available)(`handleCommand on ${engine.name}`, () => {
    let store: EventStore;
    let close: () => Promise<void>;
    let run = "";

    beforeAll(async () => {
      ({ store, close } = await engine.open());
    });
    afterAll(() => close());
    beforeEach(() => {
      run = randomUUID().slice(0, 8); // the suite shares one store: fresh streams per test
    });

    const increment = (
      stream: string,
      requestId: string,
      by = 1,
      extra: Partial<HandleCommandOptions<CounterCommand, CounterState, CounterEvent>> = {},
    ) =>
      handleCommand(store, {
        stream,
        decider: counterDecider,
        command: { type: "Increment", by, at },
        requestId,
        codec: counterCodec,
        ...extra,
      });

    it("appends the decided events with ids derived from the request and the caller's metadata", async () => {
      const metadata = {
        correlationId: "corr-1",
        causationId: "cause-1",
        actor: "usr_1",
        traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      };
      const result = await increment(`counter-a_${run}`, "req-1", 3, { metadata });
      expect(result).toMatchObject({ replayed: false, nextRevision: 0n, state: { total: 3 }, attempts: 1 });
      expect(result.events).toEqual([{ type: "Incremented", by: 3, total: 3, at }]);

      const [recorded] = await store.readStream(`counter-a_${run}`);
      expect(recorded!.id).toBe(eventId("req-1", `counter-a_${run}`, 0));
      expect(recorded!.type).toBe("test.counter.Incremented");
      expect(recorded!.metadata).toMatchObject({ ...metadata, requestId: "req-1" });
      expect(recorded!.checkpoint).toBe(result.checkpoint);
    });

    it("answers a retried request with the first result and appends nothing", async () => {
      const first = await increment(`counter-a_${run}`, "req-1", 2);
      await increment(`counter-a_${run}`, "req-2", 5); // someone else's command in between
      const retry = await increment(`counter-a_${run}`, "req-1", 2);

      expect(retry.replayed).toBe(true);
      expect(retry.events).toEqual(first.events);
      expect(retry.state).toEqual(first.state); // as of the first call, not the later total
      expect(retry.checkpoint).toBe(first.checkpoint);
      expect(retry.nextRevision).toBe(0n);
      expect(await store.readStream(`counter-a_${run}`)).toHaveLength(2);
    });

    it("applies the same request once when its copies race each other", async () => {
      const results = await Promise.all(Array.from({ length: 5 }, () => increment(`counter-a_${run}`, "req-dup", 4)));
      expect(await store.readStream(`counter-a_${run}`)).toHaveLength(1);
      for (const r of results) expect(r.events).toEqual([{ type: "Incremented", by: 4, total: 4, at }]);
    });

    it("applies concurrent commands on one stream exactly once each, retrying lost races", async () => {
      const n = 12;
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) => increment(`counter-hot_${run}`, `req-${i}`, i + 1, { maxRetries: 3 * n })),
      );
      const recorded = await store.readStream(`counter-hot_${run}`);
      expect(recorded).toHaveLength(n);
      expect(new Set(recorded.map((e) => e.id))).toEqual(new Set(results.map((_, i) => eventId(`req-${i}`, `counter-hot_${run}`, 0))));
      const totals = recorded.map((e) => (counterCodec.decode(e) as Extract<CounterEvent, { type: "Incremented" }>).total);
      expect(totals.at(-1)).toBe((n * (n + 1)) / 2);
      expect(results.some((r) => r.attempts > 1)).toBe(true);
    });

    it("gives up with ConcurrencyError past the retry bound, having appended only the winners", async () => {
      const n = 8;
      const outcomes = await Promise.allSettled(
        Array.from({ length: n }, (_, i) => increment(`counter-hot_${run}`, `req-${i}`, 1, { maxRetries: 0 })),
      );
      const failed = outcomes.filter((o) => o.status === "rejected");
      expect(failed.length).toBeGreaterThan(0);
      for (const f of failed) expect((f as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrencyError);
      expect(await store.readStream(`counter-hot_${run}`)).toHaveLength(n - failed.length);
    });

    it("propagates a domain error and appends nothing", async () => {
      await handleCommand(store, {
        stream: `counter-b_${run}`,
        decider: counterDecider,
        command: { type: "Close", at },
        requestId: "req-close",
        codec: counterCodec,
      });
      await expect(increment(`counter-b_${run}`, "req-late")).rejects.toBeInstanceOf(FailedPreconditionError);
      expect(await store.readStream(`counter-b_${run}`)).toHaveLength(1);
    });

    it("appends nothing and creates no stream when the decider decides nothing", async () => {
      const noop = { ...counterDecider, decide: () => [] };
      const result = await handleCommand(store, {
        stream: `counter-c_${run}`,
        decider: noop,
        command: { type: "Increment", by: 1, at },
        requestId: "req-noop",
        codec: counterCodec,
      });
      expect(result).toMatchObject({ events: [], nextRevision: undefined, checkpoint: undefined, replayed: false });
      expect(await store.readStream(`counter-c_${run}`)).toEqual([]);
    });
  });
}
