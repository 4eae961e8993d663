// The one contract every vector index adapter passes (pgvector in PGlite, in-process
// usearch, Qdrant). Adapters differ only in the capabilities they declare; the suite
// reads them instead of forking tests.

import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CollectionMismatchError,
  DimensionMismatchError,
  InvalidVectorError,
  type CollectionSpec,
  type Metric,
  type SearchFilter,
  type VectorCollection,
  type VectorIndex,
  type VectorIndexCapabilities,
  type VectorPayload,
  type VectorRecord,
} from "../src/index.js";
import { exactTopK, recall, seededId, seededPayload, seededRecords, seededUnitVectors } from "../src/testing/index.js";

export interface VectorIndexTarget {
  /** Shown in test names. */
  engine: string;
  /** Opens an index on storage where the suite may create and drop collections. */
  open(): Promise<VectorIndex>;
  /** What the adapter must declare. */
  capabilities: VectorIndexCapabilities;
  /**
   * Waits until bulk-written vectors are served by the adapter's ANN structure rather
   * than a fallback (the in-process index folds its delta into the graph), so the recall
   * test measures the graph. Adapters that index synchronously leave it out.
   */
  settle?(collection: VectorCollection): Promise<void>;
}

const fresh = (prefix: string) => `${prefix}_${randomBytes(5).toString("hex")}`;

const payload = (over: Partial<VectorPayload> = {}): VectorPayload => ({ creatorId: "c1", soundId: null, createdAt: 1_000, visibility: "public", ...over });

/** Cosine similarity: compares directions whatever the lengths (cosine adapters may normalise). */
function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return ab / Math.sqrt(aa * bb);
}

export function vectorIndexContract(target: VectorIndexTarget): void {
  describe(`VectorIndex contract: ${target.engine}`, () => {
    let index: VectorIndex;
    const created: string[] = [];

    beforeAll(async () => {
      index = await target.open();
    });

    afterAll(async () => {
      for (const name of created) await index.dropCollection(name).catch(() => undefined);
      await index?.close();
    });

    async function collection(dimension: number, metric: Metric = "cosine"): Promise<VectorCollection> {
      const spec: CollectionSpec = { name: fresh("t"), dimension, metric };
      created.push(spec.name);
      return index.ensureCollection(spec);
    }

    /** A small seeded collection, its vectors, and the ids in row order. */
    async function seeded(count: number, dimension: number, metric: Metric, seed: number) {
      const c = await collection(dimension, metric);
      const vectors = seededUnitVectors(count, dimension, seed);
      // Vary lengths for "dot", where the length must change the ranking.
      if (metric === "dot") for (let i = 0; i < vectors.length; i++) vectors[i]! *= 0.5 + (Math.floor(i / dimension) % 7) / 4;
      await c.upsertMany([...seededRecords(vectors, dimension)]);
      return { c, vectors };
    }

    it("declares its capabilities", () => {
      expect(index.capabilities).toEqual(target.capabilities);
    });

    describe("collections", () => {
      it("ensureCollection is idempotent and keeps the data", async () => {
        const c = await collection(4);
        await c.upsert("a", [1, 0, 0, 0], payload());
        const again = await index.ensureCollection(c.spec);
        expect(await again.count()).toBe(1);
      });

      it("refuses to reopen a collection with another dimension or metric", async () => {
        const c = await collection(4, "cosine");
        await expect(index.ensureCollection({ ...c.spec, dimension: 8 })).rejects.toThrow(CollectionMismatchError);
        await expect(index.ensureCollection({ ...c.spec, metric: "dot" })).rejects.toThrow(CollectionMismatchError);
      });

      it("rejects bad collection names before touching the engine", async () => {
        await expect(index.ensureCollection({ name: "Bad-Name", dimension: 4, metric: "cosine" })).rejects.toThrow(TypeError);
      });

      it("dropCollection removes everything; a dropped name can be recreated empty", async () => {
        const c = await collection(4);
        await c.upsert("a", [1, 0, 0, 0], payload());
        await index.dropCollection(c.spec.name);
        await index.dropCollection(c.spec.name); // no error when missing
        const again = await index.ensureCollection(c.spec);
        expect(await again.count()).toBe(0);
      });
    });

    describe("search", () => {
      for (const metric of ["cosine", "dot"] as const) {
        it(`returns the exact top k on a small set (${metric})`, async () => {
          const d = 16;
          const { c, vectors } = await seeded(300, d, metric, 11);
          const queries = seededUnitVectors(5, d, 12);
          for (let q = 0; q < 5; q++) {
            const query = queries.subarray(q * d, (q + 1) * d);
            for (const k of [1, 10, 50]) {
              const hits = await c.search(query, k);
              expect(hits.map((h) => h.id)).toEqual(exactTopK(vectors, d, query, k, metric).map(seededId));
              for (let i = 1; i < hits.length; i++) expect(hits[i]!.score).toBeLessThanOrEqual(hits[i - 1]!.score + 1e-6);
            }
          }
        });
      }

      it("scores are the cosine similarity (cosine) or the inner product (dot)", async () => {
        const cos = await collection(2, "cosine");
        await cos.upsert("a", [3, 4], payload());
        const [hit] = await cos.search([4, 3], 1);
        expect(hit!.score).toBeCloseTo(24 / 25, 5);
        const dot = await collection(2, "dot");
        await dot.upsert("a", [3, 4], payload());
        const [h2] = await dot.search([4, 3], 1);
        expect(h2!.score).toBeCloseTo(24, 4);
      });

      it("returns every vector, nearest first, when k exceeds the collection", async () => {
        const { c } = await seeded(10, 8, "cosine", 21);
        const hits = await c.search(seededUnitVectors(1, 8, 22), 50);
        expect(hits).toHaveLength(10);
        expect(new Set(hits.map((h) => h.id)).size).toBe(10);
      });

      it("returns nothing from an empty collection", async () => {
        const c = await collection(8);
        expect(await c.search(seededUnitVectors(1, 8, 1), 10)).toEqual([]);
      });

      it("returns each hit's payload as stored", async () => {
        const c = await collection(3);
        await c.upsert("v", [1, 0, 0], { creatorId: "alice", soundId: "s9", createdAt: 1_767_225_600_123, visibility: "friends" });
        await c.upsert("w", [0, 1, 0], { creatorId: "bob", createdAt: 5, visibility: "public" });
        const hits = await c.search([1, 0.1, 0], 2);
        expect(hits.map((h) => [h.id, h.payload])).toEqual([
          ["v", { creatorId: "alice", soundId: "s9", createdAt: 1_767_225_600_123, visibility: "friends" }],
          ["w", { creatorId: "bob", soundId: null, createdAt: 5, visibility: "public" }],
        ]);
      });

      it("searchIds returns search's ids and scores, in order, without payloads", async () => {
        const d = 16;
        const { c } = await seeded(300, d, "cosine", 13);
        const queries = seededUnitVectors(3, d, 14);
        for (let q = 0; q < 3; q++) {
          const query = queries.subarray(q * d, (q + 1) * d);
          for (const filter of [undefined, { publicOnly: true, excludeIds: [seededId(1), seededId(2)] }] as (SearchFilter | undefined)[]) {
            const hits = await c.search(query, 20, filter);
            const ids = await c.searchIds(query, 20, filter);
            expect(ids.map((h) => h.id)).toEqual(hits.map((h) => h.id));
            ids.forEach((h, i) => {
              expect(Object.keys(h).sort()).toEqual(["id", "score"]);
              expect(h.score).toBeCloseTo(hits[i]!.score, 5);
            });
          }
        }
        await expect(c.searchIds(queries.subarray(0, d), 0)).rejects.toThrow(RangeError);
      });

      it(`rejects k outside 1..${target.capabilities.maxK}`, async () => {
        const c = await collection(2);
        await expect(c.search([1, 0], 0)).rejects.toThrow(RangeError);
        await expect(c.search([1, 0], target.capabilities.maxK + 1)).rejects.toThrow(RangeError);
        await expect(c.search([1, 0], 1.5)).rejects.toThrow(RangeError);
      });
    });

    describe("writes", () => {
      it("upsert replaces the vector and the payload", async () => {
        const c = await collection(3);
        await c.upsert("v", [1, 0, 0], payload({ visibility: "public" }));
        await c.upsert("v", [0, 0, 2], payload({ visibility: "private", creatorId: "c2" }));
        expect(await c.count()).toBe(1);
        expect(cosine((await c.get("v"))!, [0, 0, 1])).toBeCloseTo(1, 6);
        const [hit] = await c.search([0, 0, 1], 1);
        expect(hit).toMatchObject({ id: "v", payload: { visibility: "private", creatorId: "c2" } });
        expect(hit!.score).toBeCloseTo(1, 5);
        expect(await c.search([0, 0, 1], 5, { publicOnly: true })).toEqual([]);
      });

      it("get returns the vector as written (dot) or its direction (cosine)", async () => {
        const dot = await collection(3, "dot");
        await dot.upsert("v", [0.5, -2, 3.25], payload());
        expect(Array.from((await dot.get("v"))!)).toEqual([0.5, -2, 3.25]);
        const cos = await collection(3, "cosine");
        await cos.upsert("v", [0.5, -2, 3.25], payload());
        expect(cosine((await cos.get("v"))!, [0.5, -2, 3.25])).toBeCloseTo(1, 6);
        expect(await cos.get("missing")).toBeUndefined();
      });

      it("delete removes the vector from get, count and search", async () => {
        const { c } = await seeded(50, 8, "cosine", 31);
        const target = seededId(7);
        const vector = (await c.get(target))!;
        expect(await c.delete(target)).toBe(true);
        expect(await c.delete(target)).toBe(false);
        expect(await c.get(target)).toBeUndefined();
        expect(await c.count()).toBe(49);
        const hits = await c.search(vector, 50);
        expect(hits.map((h) => h.id)).not.toContain(target);
        expect(hits).toHaveLength(49);
      });

      it("upsertMany keeps the last of repeated ids", async () => {
        const c = await collection(2, "dot");
        await c.upsertMany([
          { id: "a", vector: [1, 0], payload: payload() },
          { id: "a", vector: [0, 1], payload: payload({ creatorId: "last" }) },
        ]);
        expect(await c.count()).toBe(1);
        expect(Array.from((await c.get("a"))!)).toEqual([0, 1]);
      });
    });

    describe("validation", () => {
      it("rejects a vector of the wrong dimension with a clear error, on every path", async () => {
        const c = await collection(4);
        await c.upsert("ok", [1, 0, 0, 0], payload());
        const err = await c.upsert("v", [1, 2, 3], payload()).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DimensionMismatchError);
        expect(String((err as Error).message)).toMatch(/dimension 4.*dimension 3/);
        await expect(c.search([1, 2, 3, 4, 5], 3)).rejects.toThrow(DimensionMismatchError);
        // A batch with one bad vector applies none of them.
        await expect(
          c.upsertMany([
            { id: "x", vector: [0, 1, 0, 0], payload: payload() },
            { id: "y", vector: [0, 1], payload: payload() },
          ]),
        ).rejects.toThrow(DimensionMismatchError);
        expect(await c.count()).toBe(1);
      });

      it("rejects zero vectors in cosine collections and non-finite components everywhere", async () => {
        const cos = await collection(2, "cosine");
        await expect(cos.upsert("z", [0, 0], payload())).rejects.toThrow(InvalidVectorError);
        await expect(cos.search([0, 0], 1)).rejects.toThrow(InvalidVectorError);
        const dot = await collection(2, "dot");
        await expect(dot.upsert("n", [Number.NaN, 1], payload())).rejects.toThrow(InvalidVectorError);
        await expect(dot.upsert("i", [Number.POSITIVE_INFINITY, 1], payload())).rejects.toThrow(InvalidVectorError);
      });

      it("rejects malformed payloads", async () => {
        const c = await collection(2);
        await expect(c.upsert("v", [1, 0], { ...payload(), visibility: "secret" as never })).rejects.toThrow(InvalidVectorError);
        await expect(c.upsert("v", [1, 0], { ...payload(), createdAt: 1.5 })).rejects.toThrow(InvalidVectorError);
        await expect(c.upsert("", [1, 0], payload())).rejects.toThrow(InvalidVectorError);
      });
    });

    describe("filters", () => {
      const d = 16;
      let c: VectorCollection;
      let vectors: Float32Array;
      const n = 600;

      beforeAll(async () => {
        ({ c, vectors } = await seeded(n, d, "cosine", 41));
      });

      function check(hits: { id: string; payload: VectorPayload }[], filter: SearchFilter): void {
        const excluded = new Set(filter.excludeIds ?? []);
        const creators = new Set(filter.excludeCreatorIds ?? []);
        for (const h of hits) {
          expect(excluded.has(h.id), `excluded id ${h.id} returned`).toBe(false);
          expect(creators.has(h.payload.creatorId), `excluded creator ${h.payload.creatorId} returned`).toBe(false);
          if (filter.publicOnly) expect(h.payload.visibility, `${h.id} is not public`).toBe("public");
          if (filter.createdAfter !== undefined) expect(h.payload.createdAt).toBeGreaterThan(filter.createdAfter);
        }
      }

      it("never returns an excluded id, an excluded creator, a non-public or an older video", async () => {
        const queries = seededUnitVectors(10, d, 42);
        for (let q = 0; q < 10; q++) {
          const query = queries.subarray(q * d, (q + 1) * d);
          const nearest = exactTopK(vectors, d, query, 30, "cosine").map(seededId);
          const filter: SearchFilter = {
            excludeIds: nearest.slice(0, 20), // the 20 nearest are "already seen"
            excludeCreatorIds: ["creator-5", "creator-6"],
            publicOnly: true,
            createdAfter: seededPayload(100).createdAt,
          };
          const hits = await c.search(query, 25, filter);
          check(hits, filter);
          // On a small set every adapter is exact: the filtered top k, in order.
          const keep = (row: number) => {
            const p = seededPayload(row);
            return !nearest.slice(0, 20).includes(seededId(row)) && p.creatorId !== "creator-5" && p.creatorId !== "creator-6" && p.visibility === "public" && p.createdAt > filter.createdAfter!;
          };
          expect(hits.map((h) => h.id)).toEqual(exactTopK(vectors, d, query, 25, "cosine", keep).map(seededId));
        }
      });

      it("returns k hits when k vectors pass, however selective the filter", async () => {
        // Only the 12 newest rows pass the time bound, 10 of them public.
        const filter: SearchFilter = { createdAfter: seededPayload(n - 13).createdAt, publicOnly: true };
        const hits = await c.search(seededUnitVectors(1, d, 43), 9, filter);
        check(hits, filter);
        if (!target.capabilities.filterMayShortfall) expect(hits).toHaveLength(9);
      });

      it("returns nothing when nothing passes", async () => {
        const all = Array.from({ length: n }, (_, i) => seededId(i));
        expect(await c.search(seededUnitVectors(1, d, 44), 10, { excludeIds: all })).toEqual([]);
      });

      it("an empty filter is no filter", async () => {
        const q = seededUnitVectors(1, d, 45);
        expect(await c.search(q, 10, {})).toEqual(await c.search(q, 10));
      });
    });

    describe("load", () => {
      it("replaces the whole collection with the source", async () => {
        const c = await collection(8);
        await c.upsert("old", seededUnitVectors(1, 8, 1), payload());
        const vectors = seededUnitVectors(200, 8, 51);
        const { loaded } = await c.load(seededRecords(vectors, 8));
        expect(loaded).toBe(200);
        expect(await c.count()).toBe(200);
        expect(await c.get("old")).toBeUndefined();
        const q = vectors.subarray(0, 8);
        expect((await c.search(q, 1))[0]!.id).toBe(seededId(0));
      });

      it("keeps writes made while the load runs", async () => {
        const c = await collection(4, "dot");
        const records: VectorRecord[] = Array.from({ length: 50 }, (_, i) => ({ id: `r${i}`, vector: [i + 1, 0, 0, 0], payload: payload() }));
        let midway!: () => void;
        const reached = new Promise<void>((r) => (midway = r));
        let release!: () => void;
        const resume = new Promise<void>((r) => (release = r));
        async function* slowSource(): AsyncGenerator<VectorRecord> {
          for (const [i, r] of records.entries()) {
            if (i === 25) {
              midway();
              await resume;
            }
            yield r;
          }
        }
        const loading = c.load(slowSource());
        await reached;
        // Meanwhile a projection writes: a new id, a newer version of a source id that is
        // still to come, and a delete of another source id that is still to come.
        await c.upsert("new", [0, 1, 0, 0], payload());
        await c.upsert("r40", [0, 0, 7, 0], payload({ creatorId: "newer" }));
        await c.delete("r45");
        release();
        await loading;
        expect(await c.get("new")).toBeDefined();
        expect(Array.from((await c.get("r40"))!)).toEqual([0, 0, 7, 0]);
        expect(await c.get("r45")).toBeUndefined();
        expect(await c.count()).toBe(50);
      });
    });

    describe("recall (10k × 64, seeded)", () => {
      const d = 64;
      const n = 10_000;
      const k = 100;
      const queries = 40;
      let c: VectorCollection;
      let vectors: Float32Array;
      let qs: Float32Array;

      beforeAll(async () => {
        c = await collection(d, "cosine");
        vectors = seededUnitVectors(n, d, 61);
        qs = seededUnitVectors(queries, d, 62);
        await c.load(seededRecords(vectors, d));
        await target.settle?.(c);
      }, 300_000);

      const floor = () => (target.capabilities.search === "exact" ? 1 : 0.95);

      it(`recall@${k} against brute force is at least 0.95 (1 for exact adapters)`, async () => {
        let sum = 0;
        for (let q = 0; q < queries; q++) {
          const query = qs.subarray(q * d, (q + 1) * d);
          const hits = await c.search(query, k);
          expect(hits).toHaveLength(k);
          sum += recall(
            hits.map((h) => h.id),
            exactTopK(vectors, d, query, k, "cosine").map(seededId),
          );
        }
        expect(sum / queries).toBeGreaterThanOrEqual(floor());
      });

      it("keeps that recall under the feed's filter, and never breaks it", async () => {
        let sum = 0;
        for (let q = 0; q < queries; q++) {
          const query = qs.subarray(q * d, (q + 1) * d);
          const seen = exactTopK(vectors, d, query, 50, "cosine").filter((_, i) => i % 2 === 0);
          const seenIds = new Set(seen.map(seededId));
          const filter: SearchFilter = { excludeIds: seenIds, publicOnly: true };
          const hits = await c.search(query, k, filter);
          for (const h of hits) {
            expect(seenIds.has(h.id)).toBe(false);
            expect(h.payload.visibility).toBe("public");
          }
          const truth = exactTopK(vectors, d, query, k, "cosine", (row) => !seenIds.has(seededId(row)) && seededPayload(row).visibility === "public");
          sum += recall(
            hits.map((h) => h.id),
            truth.map(seededId),
          );
        }
        expect(sum / queries).toBeGreaterThanOrEqual(floor());
      });
    });
  });
}
