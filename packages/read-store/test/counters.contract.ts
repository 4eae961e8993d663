// One suite for the counters port, run by every adapter that declares counters.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineCounters, UnsupportedPortError, type CounterIncrement, type Counters, type ReadStore } from "../src/index.js";
import { fresh, type ContractTarget } from "./harness.js";

export function countersContract(target: ContractTarget): void {
  const { engine, capabilities } = target;
  describe(`counters contract (${engine})`, () => {
    let store: ReadStore;
    let counters: Counters;
    const spec = defineCounters(fresh("ctr"), { dedupeWindowSeconds: 3600 });
    beforeAll(async () => {
      store = await target.open();
      if (capabilities.counters) {
        await store.ensure(spec);
        counters = store.counters(spec);
      }
    });
    afterAll(async () => {
      await store?.close();
    });

    if (!capabilities.counters) {
      it("declares no counters and refuses them", () => {
        expect(() => store.counters(spec)).toThrow(UnsupportedPortError);
      });
      return;
    }

    it("reads 0 for a key never counted, then increments and decrements", async () => {
      const key = fresh("k");
      expect(await counters.get(key)).toBe(0);
      await counters.increment(key);
      await counters.increment(key, 41);
      await counters.decrement(key, 2);
      await counters.decrement(key);
      expect(await counters.get(key)).toBe(39);
    });

    it("reads many keys in the order asked, 0 for the missing ones", async () => {
      const [a, b, c] = [fresh("a"), fresh("b"), fresh("c")];
      await counters.incrementMany([
        { key: a, by: 3 },
        { key: c, by: 5 },
        { key: a, by: 1 },
      ]);
      expect(await counters.getMany([c, b, a, a])).toEqual([5, 0, 4, 4]);
      expect(await counters.getMany([])).toEqual([]);
    });

    it("reads a value together with whether an event's increment is in it", async () => {
      const key = fresh("with");
      expect(await counters.getWithEvent(key, "e1")).toMatchObject({ value: 0 });
      expect((await counters.getWithEvent(key, "e1")).includes).not.toBe(true);
      await counters.incrementMany([
        { key, by: 2, eventId: "e1" },
        { key, by: 5, eventId: "e2" },
      ]);
      const applied = await counters.getWithEvent(key, "e1");
      const missing = await counters.getWithEvent(key, "e3");
      expect(applied.value).toBe(7);
      expect(missing.value).toBe(7);
      // Where the engine can tell, it tells the truth; Redis and the PostgreSQL family
      // outside the runner (markers written) always can.
      expect(applied.includes).not.toBe(false);
      expect(missing.includes).not.toBe(true);
      if (engine !== "cassandra") {
        expect(applied.includes).toBe(true);
        if (engine === "redis") expect(missing.includes).toBe(false);
      }
      // The same event id on another key is not in that key's value.
      expect((await counters.getWithEvent(fresh("with"), "e1")).includes).not.toBe(true);
    });

    it("applies an increment once per event id", async () => {
      const key = fresh("once");
      await counters.increment(key, 1, { eventId: "e1" });
      await counters.increment(key, 1, { eventId: "e1" });
      await counters.decrement(key, 1, { eventId: "e1" });
      await counters.increment(key, 1, { eventId: "e2" });
      expect(await counters.get(key)).toBe(2);
      // The same event id on another key is another increment.
      const other = fresh("once");
      await counters.increment(other, 1, { eventId: "e1" });
      expect(await counters.get(other)).toBe(1);
    });

    it("leaves counts unchanged when a whole batch is redelivered", async () => {
      const keys = Array.from({ length: 5 }, () => fresh("batch"));
      const batch: CounterIncrement[] = Array.from({ length: 100 }, (_, i) => ({ key: keys[i % 5]!, by: (i % 3) + 1, eventId: `evt-${i}` }));
      // A batch may carry one event twice (at-least-once within a batch too).
      batch.push({ ...batch[7]! });
      const expected = keys.map((k) => batch.slice(0, 100).filter((b) => b.key === k).reduce((n, b) => n + (b.by ?? 1), 0));
      await counters.incrementMany(batch);
      expect(await counters.getMany(keys)).toEqual(expected);
      await counters.incrementMany(batch);
      await counters.incrementMany(batch.slice(40, 60));
      expect(await counters.getMany(keys)).toEqual(expected);
    });

    it("counts every one of many concurrent increments exactly once", async () => {
      const key = fresh("concurrent");
      const withIds = Array.from({ length: 25 }, (_, i) => counters.increment(key, 1, { eventId: `c-${i}` }));
      const duplicates = Array.from({ length: 25 }, (_, i) => counters.increment(key, 1, { eventId: `c-${i}` }));
      const anonymous = Array.from({ length: 15 }, () => counters.increment(key, 2));
      await Promise.all([...withIds, ...duplicates, ...anonymous]);
      expect(await counters.get(key)).toBe(25 + 30);
    });

    it("refuses fractional and non-finite increments", async () => {
      await expect(counters.increment(fresh("bad"), 1.5)).rejects.toThrow(RangeError);
      await expect(counters.increment(fresh("bad"), Number.NaN)).rejects.toThrow(RangeError);
    });
  });
}
