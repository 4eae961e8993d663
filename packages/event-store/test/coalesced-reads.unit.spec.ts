import { describe, expect, it } from "vitest";
import { CoalescedReads } from "../src/internal/coalesced-reads.js";

describe("CoalescedReads", () => {
  it("answers the keys asked for in one turn of the loop with one multi-key read, each its own value", async () => {
    const calls: number[][] = [];
    const reads = new CoalescedReads(async (keys: number[]) => (calls.push(keys), keys.map((k) => k * 10)));
    const [a, b, many] = await Promise.all([reads.load(1), reads.load(2), reads.loadAll([3, 1])]);
    expect([a, b, many]).toEqual([10, 20, [30, 10]]);
    expect(calls).toEqual([[1, 2, 3, 1]]);
    // A later turn is a new read.
    expect(await reads.load(4)).toBe(40);
    expect(calls).toHaveLength(2);
  });

  it("fails every caller of a read that fails, and reads again afterwards", async () => {
    let fail = true;
    const reads = new CoalescedReads(async (keys: string[]) => {
      if (fail) throw new Error("store down");
      return keys.map((k) => k.toUpperCase());
    });
    const results = await Promise.allSettled([reads.load("a"), reads.load("b")]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    fail = false;
    expect(await reads.load("c")).toBe("C");
  });
});
