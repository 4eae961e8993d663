// BufferedTable on every tables engine here (PGlite; PostgreSQL and Cassandra when their
// servers are set), in both modes (statements in turn, as in a SQL batch; at once, as on
// Cassandra). What the inbox relies on: reads see the batch's own writes; nothing reaches
// the store before flush(); a flush lands deletes before rows, so "delete, then write the
// same key" leaves only the new row; and flushing the same writes again (a redelivered
// batch) leaves the same rows.
import { defineTable, type ReadStore, type RowOf } from "@flick/read-store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BufferedTable } from "../../platform/buffered-table.js";
import { storeTargets, type OpenedStore } from "./stores.js";

const items = defineTable({
  name: "buffered_items",
  partitionKey: [{ name: "owner", type: "text" }],
  clustering: [{ name: "slot", type: "text" }],
  columns: [
    { name: "label", type: "text" },
    { name: "note", type: "text" },
    { name: "count", type: "bigint" },
  ],
});
type Item = RowOf<typeof items>;

async function stored(store: ReadStore, owner: string): Promise<Item[]> {
  return (await store.table(items).scan({ owner }, { limit: 100 })).rows;
}

for (const target of storeTargets()) {
  for (const concurrent of [false, true]) {
    describe(`BufferedTable on ${target.engine} (${concurrent ? "at once" : "in turn"})`, () => {
      let opened: OpenedStore;
      let n = 0;
      const owner = () => `o${n++}`;
      beforeAll(async () => {
        opened = await target.open();
        await opened.store.ensure(items);
      }, 120_000);
      afterAll(() => opened?.close());
      const buffered = () => new BufferedTable(opened.store.table(items), concurrent);

      it("reads its own writes before they are flushed, and writes nothing until then", async () => {
        const o = owner();
        await opened.store.table(items).upsert({ owner: o, slot: "a", label: "stored", note: "kept" });
        const t = buffered();
        t.upsert({ owner: o, slot: "a", label: "changed" });
        t.upsert({ owner: o, slot: "b", label: "new" });
        // An upsert names some columns: the others keep their stored values.
        expect(await t.get({ owner: o, slot: "a" })).toMatchObject({ label: "changed", note: "kept" });
        expect(await t.get({ owner: o, slot: "b" })).toMatchObject({ label: "new" });
        t.delete({ owner: o, slot: "b" });
        expect(await t.get({ owner: o, slot: "b" })).toBeUndefined();
        expect((await stored(opened.store, o)).map((r) => [r.slot, r.label])).toEqual([["a", "stored"]]);
        await t.flush();
        expect((await stored(opened.store, o)).map((r) => [r.slot, r.label, r.note])).toEqual([["a", "changed", "kept"]]);
      });

      it("lands a delete before the row written after it: the key holds only the new columns", async () => {
        const o = owner();
        await opened.store.table(items).upsert({ owner: o, slot: "a", label: "old", note: "old note", count: 5n });
        const t = buffered();
        expect(await t.get({ owner: o, slot: "a" })).toMatchObject({ note: "old note" });
        t.delete({ owner: o, slot: "a" });
        t.upsert({ owner: o, slot: "a", label: "fresh" });
        expect(await t.get({ owner: o, slot: "a" })).toMatchObject({ label: "fresh" });
        expect((await t.get({ owner: o, slot: "a" }))?.note ?? undefined).toBeUndefined();
        await t.flush();
        const [row] = await stored(opened.store, o);
        expect(row).toMatchObject({ slot: "a", label: "fresh" });
        expect(row!.note ?? undefined).toBeUndefined();
        expect(row!.count ?? undefined).toBeUndefined();
      });

      it("leaves the same rows when a batch's writes are flushed again (redelivery)", async () => {
        const o = owner();
        await opened.store.table(items).upsert({ owner: o, slot: "gone", label: "x" });
        const batch = async () => {
          const t = buffered();
          await t.prefetch([{ owner: o, slot: "a" }, { owner: o, slot: "gone" }]);
          t.upsert({ owner: o, slot: "a", label: "one", count: 1n });
          t.delete({ owner: o, slot: "gone" });
          t.delete({ owner: o, slot: "b" });
          t.upsert({ owner: o, slot: "b", label: "two" });
          t.upsert({ owner: o, slot: "a", note: "merged" });
          await t.flush();
        };
        await batch();
        const once = await stored(opened.store, o);
        await batch();
        expect(await stored(opened.store, o)).toEqual(once);
        expect(once.map((r) => [r.slot, r.label, r.note ?? null, r.count ?? null])).toEqual([
          ["a", "one", "merged", 1n],
          ["b", "two", null, null],
        ]);
      });

      it("lets a write buffered while a read is in flight win over what the store said", async () => {
        const o = owner();
        await opened.store.table(items).upsert({ owner: o, slot: "a", label: "stored" });
        const t = buffered();
        const reading = t.get({ owner: o, slot: "a" });
        t.upsert({ owner: o, slot: "a", label: "buffered" });
        expect((await reading)?.label).toBe("buffered");
        expect((await t.get({ owner: o, slot: "a" }))?.label).toBe("buffered");
      });
    });
  }
}
