import { describe, expect, it } from "vitest";
import { batched, LagWindow, matchesFilter } from "../src/index.js";

/** A source whose items arrive when the test pushes them, like a live subscription. */
function liveSource<T>() {
  const queue: T[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  return {
    push(...items: T[]) {
      queue.push(...items);
      wake?.();
    },
    end() {
      ended = true;
      wake?.();
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        while (queue.length > 0) yield queue.shift()!;
        if (ended) return;
        await new Promise<void>((r) => (wake = r));
      }
    },
  };
}

describe("batched", () => {
  it("cuts full batches at the size bound", async () => {
    async function* source() {
      for (let i = 0; i < 10; i++) yield i;
    }
    const out: number[][] = [];
    for await (const b of batched(source(), { maxSize: 4, maxDelayMs: 1000 })) out.push(b);
    expect(out).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  });

  it("hands on a partial batch after the time bound instead of waiting for more", async () => {
    const src = liveSource<number>();
    const it = batched(src, { maxSize: 100, maxDelayMs: 30 })[Symbol.asyncIterator]();
    const started = Date.now();
    src.push(1, 2);
    const first = await it.next();
    expect(first.value).toEqual([1, 2]);
    expect(Date.now() - started).toBeLessThan(500);
    src.push(3);
    expect((await it.next()).value).toEqual([3]);
    src.end();
    expect((await it.next()).done).toBe(true);
  });

  it("loses no item that arrives while a timed-out batch is being handled", async () => {
    const src = liveSource<number>();
    const seen: number[] = [];
    let n = 0;
    const done = (async () => {
      for await (const b of batched(src, { maxSize: 7, maxDelayMs: 2 })) {
        seen.push(...b);
        await new Promise((r) => setTimeout(r, 3));
      }
    })();
    const timer = setInterval(() => {
      src.push(n++, n++, n++);
      if (n >= 300) {
        clearInterval(timer);
        src.end();
      }
    }, 1);
    await done;
    expect(seen).toEqual(Array.from({ length: n }, (_, i) => i));
  });
});

describe("LagWindow", () => {
  it("reports percentiles of recent samples only", () => {
    const w = new LagWindow(100);
    for (let i = 0; i < 100; i++) w.record(10_000); // old, pushed out below
    for (let i = 1; i <= 100; i++) w.record(i);
    const s = w.snapshot();
    expect(s).toMatchObject({ count: 100, p50Ms: 50, p99Ms: 99, maxMs: 100, lastMs: 100 });
  });
});

describe("matchesFilter", () => {
  const e = { streamName: "video-vid_1", type: "flick.events.v1.VideoPublished" };
  it("matches by category and by type", () => {
    expect(matchesFilter(undefined, e)).toBe(true);
    expect(matchesFilter({ categories: ["video"] }, e)).toBe(true);
    expect(matchesFilter({ categories: ["like"] }, e)).toBe(false);
    expect(matchesFilter({ eventTypes: ["flick.events.v1.VideoPublished"] }, e)).toBe(true);
    expect(matchesFilter({ categories: ["video"], eventTypes: ["x"] }, e)).toBe(false);
  });
});
