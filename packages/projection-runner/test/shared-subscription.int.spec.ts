import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { EventStore, NewEvent, RecordedEvent, SubscribeOptions } from "@flick/event-store";
import { SharedSubscriptionStore } from "../src/index.js";
import { engines, type OpenedEngine } from "./support/engines.js";

const enc = new TextEncoder();
const event = (): NewEvent => ({ id: randomUUID(), type: "test.Happened", data: enc.encode("{}"), contentType: "application/json" });

async function appendMany(store: EventStore, n: number, streams = ["video-a", "like-b", "view-c"]): Promise<string> {
  let last = "";
  for (let i = 0; i < n; i++) last = (await store.append(streams[i % streams.length]!, [event()], "any")).checkpoint;
  return last;
}

/** Reads a subscription until it has yielded the event at `until`; ids in order. */
async function readUntil(store: EventStore, options: SubscribeOptions, until: string, pace?: () => Promise<void>): Promise<RecordedEvent[]> {
  const stop = new AbortController();
  const seen: RecordedEvent[] = [];
  for await (const e of store.subscribe({ ...options, signal: stop.signal })) {
    seen.push(e);
    if (store.compareCheckpoints(e.checkpoint, until) >= 0) break;
    await pace?.();
  }
  stop.abort();
  return seen;
}

for (const engine of engines) {
  describe.skipIf(!engine.available)(`shared subscriptions on ${engine.name}`, () => {
    let opened: OpenedEngine;
    let feed: SharedSubscriptionStore;
    beforeEach(async () => {
      opened = await engine.open();
    });
    afterEach(async () => {
      await feed?.close();
      await opened.close();
    });

    it("gives subscribers at the start, in the middle and at the head every later event once, in order", async () => {
      const { store } = opened;
      await appendMany(store, 30);
      const all = await readUntil(store, {}, (await store.headCheckpoint())!);
      const middle = all[14]!.checkpoint;
      const head = all.at(-1)!.checkpoint;
      feed = new SharedSubscriptionStore(store);

      const stop = new AbortController();
      const got: string[][] = [[], [], []];
      const live = [undefined, middle, head].map(async (after, i) => {
        for await (const e of feed.subscribe({ after, signal: stop.signal })) got[i]!.push(e.id);
      });
      const last = await appendMany(store, 40);
      const ids = (await readUntil(store, {}, last)).map((e) => e.id);
      await vi.waitFor(() => expect(got.map((g) => g.length)).toEqual([70, 55, 40]), { timeout: 20_000 });
      expect(feed.sharedSubscribers).toBe(3); // the two that started behind have joined the shared reader
      stop.abort();
      await Promise.all(live);
      expect(got).toEqual([ids, ids.slice(15), ids.slice(30)]);
    });

    it("serves a subscriber the window has left behind from the store, losing nothing", async () => {
      const { store } = opened;
      await appendMany(store, 5);
      const head = (await store.headCheckpoint())!;
      feed = new SharedSubscriptionStore(store, { windowSize: 16 });
      // A subscriber that takes its first event, then stalls while 80 more arrive.
      const slow = feed.subscribe({ after: head })[Symbol.asyncIterator]();
      const first = appendMany(store, 1);
      const one = await slow.next();
      await first;
      const last = await appendMany(store, 80);
      await readUntil(feed, { after: head }, last); // the shared reader has read (and dropped) them
      const rest: RecordedEvent[] = [];
      for (let r = await slow.next(); !r.done; r = await slow.next()) {
        rest.push(r.value);
        if (store.compareCheckpoints(r.value.checkpoint, last) >= 0) break;
      }
      await slow.return?.();
      const expected = await readUntil(store, { after: head }, last);
      expect([one.value!.id, ...rest.map((e) => e.id)]).toEqual(expected.map((e) => e.id));
    });

    it("applies a subscription's filter on the shared events", async () => {
      const { store } = opened;
      feed = new SharedSubscriptionStore(store);
      const head = await store.headCheckpoint();
      const last = await appendMany(store, 12);
      const marker = await store.append("like-z", [event()], "any");
      const got = await readUntil(feed, { after: head, filter: { categories: ["like"] } }, marker.checkpoint);
      expect(new Set(got.map((e) => e.streamName))).toEqual(new Set(["like-b", "like-z"]));
      expect(got).toHaveLength(5);
      expect(store.compareCheckpoints(got.at(-2)!.checkpoint, last)).toBeLessThanOrEqual(0);
    });

    it("refuses a malformed checkpoint at once, as the store does", () => {
      feed = new SharedSubscriptionStore(opened.store);
      expect(() => feed.subscribe({ after: "not a checkpoint" })).toThrow();
    });
  });
}
