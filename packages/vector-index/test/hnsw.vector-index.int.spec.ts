// The in-process usearch index: the server and distributed-local profiles' vector index.

import { describe, expect, it } from "vitest";
import { HnswVectorIndex, type HnswCollection } from "../src/index.js";
import { seededId, seededRecords, seededUnitVectors } from "../src/testing/index.js";
import { vectorIndexContract } from "./vector-index.contract.js";

// exactBelow is lowered so the 10k recall test is answered by the graph, not a scan.
vectorIndexContract({
  engine: "usearch (in-process HNSW)",
  open: async () => new HnswVectorIndex({ exactBelow: 1000 }),
  capabilities: { search: "approximate", maxK: 10_000, filterMayShortfall: false, durable: false },
  settle: (c) => (c as HnswCollection).compact(),
});

// The same contract with the graph's copy of the vectors in half precision (the feed's setting).
vectorIndexContract({
  engine: "usearch (in-process HNSW, f16 graph)",
  open: async () => new HnswVectorIndex({ exactBelow: 1000, quantization: "f16" }),
  capabilities: { search: "approximate", maxK: 10_000, filterMayShortfall: false, durable: false },
  settle: (c) => (c as HnswCollection).compact(),
});

describe("usearch index: graph and delta", () => {
  const d = 32;

  async function loaded(n: number, options = {}) {
    const index = new HnswVectorIndex({ exactBelow: 500, ...options });
    const c = await index.ensureCollection({ name: "videos", dimension: d, metric: "cosine" });
    const vectors = seededUnitVectors(n, d, 7);
    await c.load(seededRecords(vectors, d));
    return { index, c, vectors };
  }

  it("a load builds the graph before it resolves", async () => {
    const { index, c } = await loaded(3000);
    expect(c.stats()).toMatchObject({ size: 3000, graphSize: 3000, pendingChanges: 0 });
    await index.close();
  });

  it("vectors written after the build are found at once (from the delta)", async () => {
    const { index, c } = await loaded(3000);
    const fresh = seededUnitVectors(1, d, 99);
    await c.upsert("fresh", fresh, { creatorId: "x", createdAt: 1, visibility: "public" });
    // A graph entry replaced by a new vector must not be returned for its old position.
    const moved = (await c.get(seededId(5)))!;
    await c.upsert(seededId(5), fresh.map((x) => -x), { creatorId: "x", createdAt: 1, visibility: "public" });
    // Two delta entries, plus the graph entry the second write made stale.
    expect(c.stats().pendingChanges).toBe(3);
    expect((await c.search(fresh, 1))[0]!.id).toBe("fresh");
    expect((await c.search(moved, 5)).map((h) => h.id)).not.toContain(seededId(5));
    await index.close();
  });

  it("folds the delta into a new graph in the background once it passes the threshold", async () => {
    const { index, c } = await loaded(2000, { rebuildMinChanges: 100, rebuildFraction: 0.01 });
    const more = seededUnitVectors(150, d, 8);
    await c.upsertMany(Array.from({ length: 150 }, (_, i) => ({ id: `more-${i}`, vector: more.subarray(i * d, (i + 1) * d), payload: { creatorId: "x", createdAt: 1, visibility: "public" as const } })));
    expect(c.stats().rebuilding).toBe(true);
    await c.compact();
    expect(c.stats()).toMatchObject({ size: 2150, graphSize: 2150, pendingChanges: 0, rebuilding: false });
    expect((await c.search(more.subarray(0, d), 1))[0]!.id).toBe("more-0");
    await index.close();
  });

  const pub = { creatorId: "x", createdAt: 1, visibility: "public" as const };
  const turnsUntil = async (done: () => boolean) => {
    for (let turn = 0; turn < 1000 && !done(); turn++) await new Promise((r) => setImmediate(r));
  };

  it("appends written vectors to the graph between requests: the delta empties, replaced nodes go stale", async () => {
    const { index, c, vectors } = await loaded(3000);
    const fresh = seededUnitVectors(10, d, 99);
    await c.upsertMany(Array.from({ length: 10 }, (_, i) => ({ id: `fresh-${i}`, vector: fresh.subarray(i * d, (i + 1) * d), payload: pub })));
    // Five graph vectors move to where five others were: found there, never at their old place.
    await c.upsertMany(Array.from({ length: 5 }, (_, i) => ({ id: seededId(i), vector: vectors.subarray((100 + i) * d, (101 + i) * d), payload: pub })));
    await turnsUntil(() => c.stats().delta === 0);
    expect(c.stats()).toMatchObject({ size: 3010, graphSize: 3015, delta: 0, stale: 5, rebuilding: false });
    for (let i = 0; i < 10; i++) expect((await c.search(fresh.subarray(i * d, (i + 1) * d), 1))[0]!.id).toBe(`fresh-${i}`);
    for (let i = 0; i < 5; i++) {
      const ids = (await c.search(vectors.subarray(i * d, (i + 1) * d), 10)).map((h) => h.id);
      expect(ids).not.toContain(seededId(i));
      expect((await c.search(vectors.subarray((100 + i) * d, (101 + i) * d), 2)).map((h) => h.id).sort()).toEqual([seededId(100 + i), seededId(i)].sort());
    }
    await index.close();
  });

  it("a rebuild that started before some appends still serves them, then takes them in", async () => {
    const { index, c } = await loaded(2000);
    await c.upsert(seededId(0), seededUnitVectors(1, d, 5), pub);
    const rebuilt = c.compact();
    await new Promise((r) => setImmediate(r));
    expect(c.stats().rebuilding).toBe(true);
    // Written after the rebuild's snapshot and appended to the graph it will replace.
    const late = seededUnitVectors(20, d, 98);
    await c.upsertMany(Array.from({ length: 20 }, (_, i) => ({ id: `late-${i}`, vector: late.subarray(i * d, (i + 1) * d), payload: pub })));
    await c.appendPending();
    // Only the write the snapshot took stays in the delta: the new graph will hold it.
    expect(c.stats().delta).toBe(1);
    await rebuilt;
    for (let i = 0; i < 20; i++) expect((await c.search(late.subarray(i * d, (i + 1) * d), 1))[0]!.id).toBe(`late-${i}`);
    await turnsUntil(() => c.stats().delta === 0);
    expect(c.stats()).toMatchObject({ size: 2020, graphSize: 2020, delta: 0, stale: 0 });
    for (let i = 0; i < 20; i++) expect((await c.search(late.subarray(i * d, (i + 1) * d), 1))[0]!.id).toBe(`late-${i}`);
    await index.close();
  });

  it("rebuilds once stale nodes pass maxStaleFraction", async () => {
    const { index, c } = await loaded(2000, { rebuildMinChanges: 10, maxStaleFraction: 0.02 });
    const moved = seededUnitVectors(50, d, 97);
    await c.upsertMany(Array.from({ length: 50 }, (_, i) => ({ id: seededId(i), vector: moved.subarray(i * d, (i + 1) * d), payload: pub })));
    expect(c.stats().rebuilding).toBe(true);
    await c.compact();
    await turnsUntil(() => c.stats().delta === 0);
    expect(c.stats()).toMatchObject({ size: 2000, graphSize: 2000, delta: 0, stale: 0 });
    await index.close();
  });

  it("builds inline when worker threads are turned off", async () => {
    const { index, c } = await loaded(1500, { buildInWorker: false });
    expect(c.stats().graphSize).toBe(1500);
    await index.close();
  });

  it("a closed collection refuses further use", async () => {
    const { index, c } = await loaded(10);
    await index.close();
    await expect(c.upsert("a", seededUnitVectors(1, d, 1), { creatorId: "x", createdAt: 1, visibility: "public" })).rejects.toThrow(/closed/);
  });
});
