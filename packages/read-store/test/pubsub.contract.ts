// One suite for the pub/sub port, run by every adapter that declares pub/sub.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UnsupportedPortError, type ReadStore, type Subscription } from "../src/index.js";
import { fresh, sleep, type ContractTarget } from "./harness.js";

/** Collects `n` messages or whatever arrived before the timeout. */
async function take(sub: Subscription, n: number, timeoutMs = 3_000): Promise<string[]> {
  const out: string[] = [];
  if (n === 0) return out;
  const it = sub[Symbol.asyncIterator]();
  const deadline = Date.now() + timeoutMs;
  while (out.length < n) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    const next = await Promise.race([it.next(), sleep(left).then(() => "timeout" as const)]);
    if (next === "timeout" || next.done) break;
    out.push(next.value);
  }
  return out;
}

export function pubsubContract(target: ContractTarget): void {
  const { engine, capabilities } = target;
  describe(`pub/sub contract (${engine})`, () => {
    let store: ReadStore;
    beforeAll(async () => {
      store = await target.open();
    });
    afterAll(async () => {
      await store?.close();
    });

    if (!capabilities.pubsub) {
      it("declares no pub/sub and refuses it", () => {
        expect(() => store.pubsub).toThrow(UnsupportedPortError);
      });
      return;
    }

    it("delivers messages published after subscribing, in order", async () => {
      const channel = fresh("feed");
      const sub = await store.pubsub.subscribe(channel);
      for (let i = 0; i < 20; i++) await store.pubsub.publish(channel, `m${i} ✓`);
      expect(await take(sub, 20)).toEqual(Array.from({ length: 20 }, (_, i) => `m${i} ✓`));
      await sub.close();
    });

    it("fans out to every subscriber of a channel and to no other channel", async () => {
      const channel = fresh("notif");
      const a = await store.pubsub.subscribe(channel);
      const b = await store.pubsub.subscribe(channel);
      const elsewhere = await store.pubsub.subscribe(fresh("other"));
      await store.pubsub.publish(channel, "hello");
      expect(await take(a, 1)).toEqual(["hello"]);
      expect(await take(b, 1)).toEqual(["hello"]);
      expect(await take(elsewhere, 1, 300)).toEqual([]);
      await Promise.all([a.close(), b.close(), elsewhere.close()]);
    });

    it("ends the iteration when the signal aborts, and stops delivering", async () => {
      const channel = fresh("abort");
      const controller = new AbortController();
      const sub = await store.pubsub.subscribe(channel, { signal: controller.signal });
      const received: string[] = [];
      const loop = (async () => {
        for await (const m of sub) received.push(m);
      })();
      await store.pubsub.publish(channel, "before");
      await sleep(200);
      controller.abort();
      await loop; // returns: the iteration ended
      await store.pubsub.publish(channel, "after");
      await sleep(200);
      expect(received).toEqual(["before"]);
      const late = await store.pubsub.subscribe(channel, { signal: AbortSignal.abort() });
      expect(await take(late, 1, 100)).toEqual([]);
    });

    it("drops the oldest messages for a consumer that falls behind", async () => {
      const channel = fresh("slow");
      const sub = await store.pubsub.subscribe(channel, { bufferSize: 3 });
      for (let i = 0; i < 8; i++) await store.pubsub.publish(channel, `m${i}`);
      await sleep(300);
      expect(sub.dropped).toBe(5);
      expect(await take(sub, 3)).toEqual(["m5", "m6", "m7"]);
      await sub.close();
    });

    it.runIf(capabilities.pubsub === "cluster" && target.openPeer !== undefined)("reaches subscribers connected through another client", async () => {
      const peer = await target.openPeer!();
      try {
        const channel = fresh("xproc");
        const sub = await peer.pubsub.subscribe(channel);
        await store.pubsub.publish(channel, "from afar");
        expect(await take(sub, 1)).toEqual(["from afar"]);
        await sub.close();
      } finally {
        await peer.close();
      }
    });
  });
}
