// One suite for the wide-column table port, run by every adapter (see *.int.spec.ts).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineTable, UnsupportedPortError, type ReadStore, type RowOf } from "../src/index.js";
import { eventually, fresh, sleep, type ContractTarget } from "./harness.js";

const allTypes = (name: string) =>
  defineTable({
    name,
    partitionKey: [{ name: "owner", type: "text" }],
    clustering: [{ name: "seq", type: "int" }],
    columns: [
      { name: "title", type: "text" },
      { name: "views", type: "bigint" },
      { name: "ratio", type: "double" },
      { name: "public", type: "boolean" },
      { name: "created_at", type: "timestamp" },
      { name: "video_id", type: "uuid" },
      { name: "meta", type: "json" },
      { name: "thumb", type: "bytes" },
    ],
  });

// A user's timeline: newest first, ties broken by video id ascending (mixed orders).
const timeline = (name: string) =>
  defineTable({
    name,
    partitionKey: [
      { name: "user_id", type: "text" },
      { name: "bucket", type: "int" },
    ],
    clustering: [
      { name: "at", type: "bigint", order: "desc" },
      { name: "video_id", type: "text", order: "asc" },
    ],
    columns: [{ name: "score", type: "double" }],
  });

export function tablesContract(target: ContractTarget): void {
  const { engine, capabilities } = target;
  describe(`tables contract (${engine})`, () => {
    let store: ReadStore;
    beforeAll(async () => {
      store = await target.open();
    });
    afterAll(async () => {
      await store?.close();
    });

    if (!capabilities.tables) {
      it("declares no tables and refuses them", () => {
        expect(() => store.table(allTypes("t"))).toThrow(UnsupportedPortError);
      });
      return;
    }

    it("round-trips every column type; value columns never written read as null", async () => {
      const schema = allTypes(fresh("types"));
      await store.ensure(schema);
      const table = store.table(schema);
      const row: RowOf<typeof schema> = {
        owner: "u1",
        seq: 1,
        title: "héllo ✓",
        views: 2n ** 60n + 7n,
        ratio: 0.125,
        public: true,
        created_at: new Date("2025-05-01T12:34:56.789Z"),
        video_id: "0b5e1f56-7a39-4b8e-9d8a-7b1f6f0c2a11",
        meta: { tags: ["a", "b"], n: 3 },
        thumb: new Uint8Array([0, 1, 254, 255]),
      };
      await table.upsert(row);
      await table.upsert({ owner: "u1", seq: 2 });
      expect(await table.get({ owner: "u1", seq: 1 })).toEqual(row);
      const sparse = await table.get({ owner: "u1", seq: 2 });
      expect(sparse).toMatchObject({ owner: "u1", seq: 2, title: null, views: null, meta: null, thumb: null });
      expect(await table.get({ owner: "u1", seq: 3 })).toBeUndefined();
      expect(await table.get({ owner: "u2", seq: 1 })).toBeUndefined();
    });

    it("keeps value columns an upsert leaves out, and clears those it sets to null", async () => {
      const schema = allTypes(fresh("partial"));
      await store.ensure(schema);
      const table = store.table(schema);
      await table.upsert({ owner: "u", seq: 1, title: "first", views: 10n, public: false });
      await table.upsert({ owner: "u", seq: 1, views: 11n });
      expect(await table.get({ owner: "u", seq: 1 })).toMatchObject({ title: "first", views: 11n, public: false });
      await table.upsert({ owner: "u", seq: 1, title: null });
      expect(await table.get({ owner: "u", seq: 1 })).toMatchObject({ title: null, views: 11n });
    });

    it("reads and deletes many rows by key in one call: in the order asked, repeats repeated, missing as undefined", async () => {
      const schema = timeline(fresh("many"));
      await store.ensure(schema);
      const table = store.table(schema);
      await table.upsertBatch([
        { user_id: "a", bucket: 1, at: 5n, video_id: "v5", score: 0.5 },
        { user_id: "a", bucket: 1, at: 6n, video_id: "v6", score: 0.6 },
        { user_id: "b", bucket: 2, at: 5n, video_id: "v5", score: 2.5 },
      ]);
      const rows = await table.getMany([
        { user_id: "b", bucket: 2, at: 5n, video_id: "v5" },
        { user_id: "a", bucket: 1, at: 5n, video_id: "v6" }, // no such row: one key column differs
        { user_id: "a", bucket: 1, at: 6n, video_id: "v6" },
        { user_id: "b", bucket: 2, at: 5n, video_id: "v5" },
        { user_id: "a", bucket: 2, at: 5n, video_id: "v5" }, // another partition
      ]);
      expect(rows.map((r) => r?.score)).toEqual([2.5, undefined, 0.6, 2.5, undefined]);
      expect(rows[2]).toEqual({ user_id: "a", bucket: 1, at: 6n, video_id: "v6", score: 0.6 });
      expect(await table.getMany([])).toEqual([]);
      await expect(table.getMany([{ user_id: "a", bucket: 1, at: 6n } as never])).rejects.toThrow(/video_id/);

      await table.deleteMany([
        { user_id: "a", bucket: 1, at: 6n, video_id: "v6" },
        { user_id: "a", bucket: 1, at: 6n, video_id: "v6" },
        { user_id: "b", bucket: 2, at: 5n, video_id: "v5" },
        { user_id: "z", bucket: 9, at: 1n, video_id: "none" },
      ]);
      await table.deleteMany([]);
      const left = await table.getMany([
        { user_id: "a", bucket: 1, at: 5n, video_id: "v5" },
        { user_id: "a", bucket: 1, at: 6n, video_id: "v6" },
        { user_id: "b", bucket: 2, at: 5n, video_id: "v5" },
      ]);
      expect(left.map((r) => r?.score)).toEqual([0.5, undefined, undefined]);
    });

    it("deletes a row, and a whole partition without touching its neighbours", async () => {
      const schema = timeline(fresh("del"));
      await store.ensure(schema);
      const table = store.table(schema);
      for (const user of ["a", "b"]) for (let i = 0; i < 5; i++) await table.upsert({ user_id: user, bucket: 1, at: BigInt(i), video_id: `v${i}` });
      await table.delete({ user_id: "a", bucket: 1, at: 2n, video_id: "v2" });
      expect((await table.scan({ user_id: "a", bucket: 1 })).rows.map((r) => r.video_id)).toEqual(["v4", "v3", "v1", "v0"]);
      await table.deletePartition({ user_id: "a", bucket: 1 });
      expect((await table.scan({ user_id: "a", bucket: 1 })).rows).toEqual([]);
      expect((await table.scan({ user_id: "b", bucket: 1 })).rows).toHaveLength(5);
    });

    it("scans one partition in clustering order, mixed directions included", async () => {
      const schema = timeline(fresh("order"));
      await store.ensure(schema);
      const table = store.table(schema);
      const rows = [];
      for (let at = 0; at < 6; at++) for (const v of ["c", "a", "b"]) rows.push({ user_id: "u", bucket: 7, at: BigInt(at * 1000), video_id: `${v}${at}` });
      shuffle(rows);
      for (const r of rows) await table.upsert(r);
      await table.upsert({ user_id: "u", bucket: 8, at: 999_999n, video_id: "other-partition" });
      const { rows: scanned } = await table.scan({ user_id: "u", bucket: 7 }, { limit: 100 });
      const expected = [...rows].sort((x, y) => (x.at === y.at ? (x.video_id < y.video_id ? -1 : 1) : x.at > y.at ? -1 : 1));
      expect(scanned.map((r) => `${r.at}/${r.video_id}`)).toEqual(expected.map((r) => `${r.at}/${r.video_id}`));
    });

    it("pages through a partition with a cursor: no duplicates, no gaps, in order", async () => {
      const schema = timeline(fresh("paging"));
      await store.ensure(schema);
      const table = store.table(schema);
      const total = 237;
      // Groups of three rows share `at`, so page boundaries fall inside equal first columns.
      for (let i = 0; i < total; i += 10) {
        const batch = [];
        for (let j = i; j < Math.min(total, i + 10); j++) batch.push({ user_id: "p", bucket: 0, at: BigInt(Math.floor(j / 3)), video_id: `v${String(j).padStart(4, "0")}`, score: j });
        await table.upsertMany(batch);
      }
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await table.scan({ user_id: "p", bucket: 0 }, { limit: 50, cursor });
        expect(page.rows.length).toBeLessThanOrEqual(50);
        seen.push(...page.rows.map((r) => r.video_id));
        cursor = page.cursor;
        pages++;
      } while (cursor && pages < 20);
      expect(cursor).toBeUndefined();
      expect(new Set(seen).size).toBe(total);
      expect(seen).toHaveLength(total);
      const full = (await table.scan({ user_id: "p", bucket: 0 }, { limit: 5000 })).rows.map((r) => r.video_id);
      expect(seen).toEqual(full);
      // 237 rows in pages of 50: five pages, or six where a full last page may carry a cursor.
      if (capabilities.exactLastPage) expect(pages).toBe(5);
      else expect(pages).toBeLessThanOrEqual(6);
    });

    it("ends exactly at a full last page where the adapter says so", async () => {
      const schema = timeline(fresh("exact"));
      await store.ensure(schema);
      const table = store.table(schema);
      await table.upsertMany(Array.from({ length: 10 }, (_, i) => ({ user_id: "e", bucket: 0, at: BigInt(i), video_id: "v" })));
      const first = await table.scan({ user_id: "e", bucket: 0 }, { limit: 10 });
      expect(first.rows).toHaveLength(10);
      if (capabilities.exactLastPage) expect(first.cursor).toBeUndefined();
      else if (first.cursor) expect((await table.scan({ user_id: "e", bucket: 0 }, { limit: 10, cursor: first.cursor })).rows).toEqual([]);
    });

    it("bounds a scan by value on the first clustering column, with paging", async () => {
      const schema = timeline(fresh("range"));
      await store.ensure(schema);
      const table = store.table(schema);
      await table.upsertMany(Array.from({ length: 40 }, (_, i) => ({ user_id: "r", bucket: 1, at: BigInt(i), video_id: "a" })));
      const ats = async (range: { gt?: bigint; gte?: bigint; lt?: bigint; lte?: bigint }, limit = 7) => {
        const out: bigint[] = [];
        let cursor: string | undefined;
        do {
          const page = await table.scan({ user_id: "r", bucket: 1 }, { range, limit, cursor });
          out.push(...page.rows.map((r) => r.at));
          cursor = page.cursor;
        } while (cursor);
        return out;
      };
      // Descending clustering: bounds are still by value.
      expect(await ats({ gte: 10n, lt: 20n })).toEqual([19n, 18n, 17n, 16n, 15n, 14n, 13n, 12n, 11n, 10n]);
      expect(await ats({ gt: 10n, lte: 20n })).toEqual([20n, 19n, 18n, 17n, 16n, 15n, 14n, 13n, 12n, 11n]);
      expect(await ats({ gt: 35n })).toEqual([39n, 38n, 37n, 36n]);
      expect(await ats({ lt: 3n })).toEqual([2n, 1n, 0n]);
      expect(await ats({ gt: 50n })).toEqual([]);
    });

    it("upserts a batch in one partition, merging rows with the same key, and refuses mixed partitions", async () => {
      const schema = timeline(fresh("batch"));
      await store.ensure(schema);
      const table = store.table(schema);
      await table.upsertMany([
        { user_id: "b", bucket: 1, at: 1n, video_id: "x", score: 1 },
        { user_id: "b", bucket: 1, at: 2n, video_id: "y" },
        { user_id: "b", bucket: 1, at: 1n, video_id: "x", score: 2 },
      ]);
      expect((await table.scan({ user_id: "b", bucket: 1 })).rows.map((r) => [r.video_id, r.score])).toEqual([
        ["y", null],
        ["x", 2],
      ]);
      await expect(
        table.upsertMany([
          { user_id: "b", bucket: 1, at: 3n, video_id: "z" },
          { user_id: "b", bucket: 2, at: 3n, video_id: "z" },
        ]),
      ).rejects.toThrow(/one partition/);
      expect(await table.get({ user_id: "b", bucket: 1, at: 3n, video_id: "z" })).toBeUndefined();
    });

    it("upserts a batch across many partitions: every row lands, same keys merge, left-out columns stay", async () => {
      const schema = allTypes(fresh("bulk"));
      await store.ensure(schema);
      const table = store.table(schema);
      await table.upsert({ owner: "p0", seq: 0, title: "kept", views: 1n });
      // 3,100 whole rows (more parameters than one PostgreSQL statement may carry) over 100
      // partitions, plus partial rows of another shape, and one key written twice.
      const whole = Array.from({ length: 3_100 }, (_, i) => ({
        owner: `q${i % 100}`,
        seq: Math.floor(i / 100),
        title: `t${i}`,
        views: BigInt(i),
        ratio: i / 8,
        public: i % 2 === 0,
        created_at: new Date(1_700_000_000_000 + i),
        video_id: `0b5e1f56-7a39-4b8e-9d8a-${String(i).padStart(12, "0")}`,
        meta: { i },
        thumb: new Uint8Array([i & 255]),
      }));
      await table.upsertBatch([
        ...whole,
        { owner: "p0", seq: 0, public: true },
        { owner: "p1", seq: 0, views: 5n, title: "first" },
        { owner: "p1", seq: 0, views: 6n },
      ]);
      expect(await table.get({ owner: "p0", seq: 0 })).toMatchObject({ title: "kept", views: 1n, public: true });
      expect(await table.get({ owner: "p1", seq: 0 })).toMatchObject({ title: "first", views: 6n });
      expect(await table.get({ owner: "q42", seq: 17 })).toEqual(whole[17 * 100 + 42]);
      for (const owner of ["q0", "q57", "q99"]) {
        const { rows } = await table.scan({ owner }, { limit: 100 });
        expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 31 }, (_, s) => s));
      }
      await table.upsertBatch([]);
    });

    it("refuses a batch with a row missing part of its key before writing any of it", async () => {
      const schema = timeline(fresh("bulkbad"));
      await store.ensure(schema);
      const table = store.table(schema);
      await expect(
        table.upsertBatch([{ user_id: "a", bucket: 1, at: 1n, video_id: "x" }, { user_id: "b", bucket: 1, at: 1n } as never]),
      ).rejects.toThrow(/video_id/);
      expect(await table.get({ user_id: "a", bucket: 1, at: 1n, video_id: "x" })).toBeUndefined();
    });

    it("serves a table without clustering columns as one row per partition", async () => {
      const schema = defineTable({ name: fresh("kv"), partitionKey: [{ name: "id", type: "uuid" }], columns: [{ name: "n", type: "int" }] });
      await store.ensure(schema);
      await store.ensure(schema); // idempotent
      const table = store.table(schema);
      const id = "8f1e3d1c-1111-4a4a-9b9b-000000000001";
      await table.upsert({ id, n: 1 });
      await table.upsert({ id, n: 2 });
      const page = await table.scan({ id });
      expect(page.rows).toEqual([{ id, n: 2 }]);
      expect(page.cursor).toBeUndefined();
    });

    it.runIf(capabilities.tableTtl)("expires rows ttlSeconds after their last upsert", async () => {
      const schema = defineTable({
        name: fresh("ttl"),
        partitionKey: [{ name: "k", type: "text" }],
        clustering: [{ name: "c", type: "int" }],
        columns: [{ name: "v", type: "text" }],
        ttlSeconds: 1,
      });
      await store.ensure(schema);
      const table = store.table(schema);
      await table.upsertMany([
        { k: "a", c: 1, v: "x" },
        { k: "a", c: 2, v: "y" },
      ]);
      expect((await table.scan({ k: "a" })).rows).toHaveLength(2);
      await sleep(1_200);
      expect(await eventually(async () => (await table.get({ k: "a", c: 1 })) === undefined)).toBe(true);
      expect((await table.scan({ k: "a" })).rows).toEqual([]);
      expect(await table.getMany([{ k: "a", c: 1 }, { k: "a", c: 2 }])).toEqual([undefined, undefined]);
      // An expired row leaves nothing behind for a later partial upsert to revive.
      await table.upsert({ k: "a", c: 1 });
      expect(await table.get({ k: "a", c: 1 })).toEqual({ k: "a", c: 1, v: null });
    });
  });
}

function shuffle<T>(items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
