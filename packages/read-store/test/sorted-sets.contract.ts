// One suite for the sorted-sets port, run by every adapter that declares sorted sets.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineSortedSet, UnsupportedPortError, type ReadStore, type ScoreIncrement, type SortedSets } from "../src/index.js";
import { fresh, type ContractTarget } from "./harness.js";

export function sortedSetsContract(target: ContractTarget): void {
  const { engine, capabilities } = target;
  describe(`sorted sets contract (${engine})`, () => {
    let store: ReadStore;
    let zsets: SortedSets;
    const spec = defineSortedSet(fresh("trend"), { dedupeWindowSeconds: 3600 });
    beforeAll(async () => {
      store = await target.open();
      if (capabilities.sortedSets) {
        await store.ensure(spec);
        zsets = store.sortedSets(spec);
      }
    });
    afterAll(async () => {
      await store?.close();
    });

    if (!capabilities.sortedSets) {
      it("declares no sorted sets and refuses them", () => {
        expect(() => store.sortedSets(spec)).toThrow(UnsupportedPortError);
      });
      return;
    }

    it("returns the top k highest first, ties by member descending", async () => {
      const key = fresh("top");
      await zsets.add(key, [
        { member: "a", score: 5 },
        { member: "b", score: 9.5 },
        { member: "c", score: 5 },
        { member: "d", score: -1 },
      ]);
      await zsets.add(key, { member: "e", score: 7 });
      expect(await zsets.top(key, 3)).toEqual([
        { member: "b", score: 9.5 },
        { member: "e", score: 7 },
        { member: "c", score: 5 },
      ]);
      expect((await zsets.top(key, 100)).map((e) => e.member)).toEqual(["b", "e", "c", "a", "d"]);
      expect(await zsets.top(fresh("empty"), 10)).toEqual([]);
      expect(await zsets.size(key)).toBe(5);
    });

    it("moves a member when its score is set again", async () => {
      const key = fresh("reset");
      await zsets.add(key, [
        { member: "x", score: 1 },
        { member: "y", score: 2 },
      ]);
      await zsets.add(key, { member: "x", score: 3 });
      await zsets.add(key, { member: "x", score: 3 }); // idempotent
      expect(await zsets.top(key, 10)).toEqual([
        { member: "x", score: 3 },
        { member: "y", score: 2 },
      ]);
      expect(await zsets.size(key)).toBe(2);
    });

    it("pages by rank and reports ranks and scores", async () => {
      const key = fresh("ranks");
      await zsets.add(key, Array.from({ length: 25 }, (_, i) => ({ member: `m${String(i).padStart(2, "0")}`, score: i % 10 })));
      const all = await zsets.top(key, 25);
      const paged = [...(await zsets.range(key, 0, 10)), ...(await zsets.range(key, 10, 10)), ...(await zsets.range(key, 20, 10))];
      expect(paged).toEqual(all);
      expect(await zsets.range(key, 30, 10)).toEqual([]);
      for (const [i, e] of all.entries()) expect(await zsets.rank(key, e.member)).toBe(i);
      expect(await zsets.rank(key, "absent")).toBeUndefined();
      expect(await zsets.score(key, "m13")).toBe(3);
      expect(await zsets.score(key, "absent")).toBeUndefined();
    });

    it("removes members and trims to the top N", async () => {
      const key = fresh("trim");
      await zsets.add(key, Array.from({ length: 12 }, (_, i) => ({ member: `v${i}`, score: i })));
      await zsets.remove(key, ["v11", "nope"]);
      await zsets.remove(key, "v0");
      expect(await zsets.size(key)).toBe(10);
      await zsets.trim(key, 4);
      expect(await zsets.top(key, 10)).toEqual([
        { member: "v10", score: 10 },
        { member: "v9", score: 9 },
        { member: "v8", score: 8 },
        { member: "v7", score: 7 },
      ]);
      expect(await zsets.rank(key, "v5")).toBeUndefined();
      await zsets.trim(key, 10); // nothing beyond: no-op
      expect(await zsets.size(key)).toBe(4);
      await zsets.add(key, { member: "v5", score: 5 }); // a trimmed member can come back
      expect(await zsets.rank(key, "v5")).toBe(4);
    });

    it("increments scores once per event id, and a redelivered batch changes nothing", async () => {
      const key = fresh("inc");
      await zsets.incrementScore(key, "new", 2.5);
      expect(await zsets.score(key, "new")).toBe(2.5);
      const batch: ScoreIncrement[] = Array.from({ length: 60 }, (_, i) => ({ key, member: `v${i % 4}`, by: 1 + (i % 2), eventId: `view-${i}` }));
      await zsets.incrementMany(batch);
      const first = await zsets.top(key, 10);
      await zsets.incrementMany(batch);
      await zsets.incrementScore(key, "v0", 100, { eventId: "view-0" });
      expect(await zsets.top(key, 10)).toEqual(first);
      // v0 and v2 get 15 views of 1, v1 and v3 15 of 2; ties by member descending.
      expect(first).toEqual([
        { member: "v3", score: 30 },
        { member: "v1", score: 30 },
        { member: "v2", score: 15 },
        { member: "v0", score: 15 },
        { member: "new", score: 2.5 },
      ]);
    });

    it("counts every one of many concurrent increments of one member", async () => {
      const key = fresh("hot");
      await Promise.all([
        ...Array.from({ length: 20 }, (_, i) => zsets.incrementScore(key, "hot", 1, { eventId: `h-${i}` })),
        ...Array.from({ length: 20 }, (_, i) => zsets.incrementScore(key, "hot", 1, { eventId: `h-${i}` })),
        ...Array.from({ length: 10 }, () => zsets.incrementScore(key, "hot", 0.5)),
      ]);
      expect(await zsets.score(key, "hot")).toBe(25);
      expect(await zsets.top(key, 5)).toEqual([{ member: "hot", score: 25 }]);
    });
  });
}
