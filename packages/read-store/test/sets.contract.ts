// One suite for the sets port, run by every adapter that declares sets.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineSet, UnsupportedPortError, type ReadStore } from "../src/index.js";
import { eventually, fresh, sleep, type ContractTarget } from "./harness.js";

export function setsContract(target: ContractTarget): void {
  const { engine, capabilities } = target;
  describe(`sets contract (${engine})`, () => {
    let store: ReadStore;
    const plain = defineSet(fresh("seen"));
    const expiring = defineSet(fresh("recent"), { ttlSeconds: 1 });
    const capped = defineSet(fresh("capped"), { maxSize: 3 });
    beforeAll(async () => {
      store = await target.open();
      if (capabilities.sets) await store.ensure(plain, expiring, capped);
    });
    afterAll(async () => {
      await store?.close();
    });

    if (!capabilities.sets) {
      it("declares no sets and refuses them", () => {
        expect(() => store.sets(plain)).toThrow(UnsupportedPortError);
      });
      return;
    }

    it("adds, checks, counts, removes and clears members; adding twice is a no-op", async () => {
      const sets = store.sets(plain);
      const key = fresh("user");
      expect(await sets.contains(key, "v1")).toBe(false);
      expect(await sets.size(key)).toBe(0);
      await sets.add(key, ["v1", "v2", "v3"]);
      await sets.add(key, "v2");
      await sets.add(key, []);
      expect(await sets.size(key)).toBe(3);
      expect(await sets.contains(key, "v2")).toBe(true);
      expect(await sets.containsMany(key, ["v3", "nope", "v1", "v3"])).toEqual([true, false, true, true]);
      await sets.remove(key, ["v1", "missing"]);
      await sets.remove(key, "v1");
      expect(await sets.containsMany(key, ["v1", "v2"])).toEqual([false, true]);
      expect(await sets.size(key)).toBe(2);
      const other = fresh("user");
      await sets.add(other, "v9");
      await sets.clear(key);
      expect(await sets.size(key)).toBe(0);
      expect(await sets.contains(other, "v9")).toBe(true);
    });

    it("replaying adds and removes in order gives the same set (redelivery)", async () => {
      const sets = store.sets(plain);
      const key = fresh("replay");
      const ops = async () => {
        await sets.add(key, ["a", "b", "c"]);
        await sets.remove(key, "b");
        await sets.add(key, "d");
      };
      await ops();
      await ops();
      expect(await sets.containsMany(key, ["a", "b", "c", "d"])).toEqual([true, false, true, true]);
      expect(await sets.size(key)).toBe(3);
    });

    it("forgets members ttlSeconds after they were added", async () => {
      const sets = store.sets(expiring);
      const key = fresh("ttl");
      await sets.add(key, ["a", "b"]);
      // Added (by event time) longer ago than the TTL: already gone.
      await sets.add(key, "old", { at: new Date(Date.now() - 5_000) });
      expect(await sets.containsMany(key, ["a", "b", "old"])).toEqual([true, true, false]);
      expect(await sets.size(key)).toBe(2);
      await sleep(1_100);
      expect(await eventually(async () => !(await sets.contains(key, "a")))).toBe(true);
      expect(await sets.size(key)).toBe(0);
      expect(await sets.containsMany(key, ["a", "b"])).toEqual([false, false]);
    });

    it("evicts the oldest members beyond maxSize; re-adding refreshes a member", async () => {
      const sets = store.sets(capped);
      const key = fresh("cap");
      const t = (s: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, s));
      await sets.add(key, "a", { at: t(1) });
      await sets.add(key, "b", { at: t(2) });
      await sets.add(key, "c", { at: t(3) });
      await sets.add(key, "a", { at: t(4) }); // refresh: b is now the oldest
      await sets.add(key, "d", { at: t(5) });
      expect(await sets.size(key)).toBe(3);
      expect(await sets.containsMany(key, ["a", "b", "c", "d"])).toEqual([true, false, true, true]);
      // Equal times: the greater member counts as newer (Redis's order), so "w" goes first.
      await sets.add(key, ["w", "x", "y", "z"], { at: t(6) });
      expect(await sets.containsMany(key, ["w", "x", "y", "z", "d"])).toEqual([false, true, true, true, false]);
    });

    it("adds many keys' members in one call, as the same adds made one by one", async () => {
      const sets = store.sets(plain);
      const keys = Array.from({ length: 300 }, () => fresh("many"));
      await sets.addMany([
        ...keys.map((key, i) => ({ key, members: [`v${i}`, `w${i}`] })),
        { key: keys[0]!, members: ["v0", "x"] },
        { key: keys[1]!, members: [] },
      ]);
      expect(await sets.size(keys[0]!)).toBe(3);
      expect(await sets.containsMany(keys[299]!, ["v299", "w299", "v0"])).toEqual([true, true, false]);
      await sets.addMany([]);

      const ttl = store.sets(expiring);
      const recent = fresh("manyttl");
      await ttl.addMany([
        { key: recent, members: ["new"] },
        { key: recent, members: ["old"], at: new Date(Date.now() - 5_000) },
      ]);
      expect(await ttl.containsMany(recent, ["new", "old"])).toEqual([true, false]);

      const cap = store.sets(capped);
      const key = fresh("manycap");
      const t = (s: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, s));
      await cap.addMany(["a", "b", "c", "a", "d"].map((m, i) => ({ key, members: [m], at: t(i + 1) })));
      expect(await cap.containsMany(key, ["a", "b", "c", "d"])).toEqual([true, false, true, true]);
    });
  });
}
