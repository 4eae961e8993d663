import { describe, expect, it } from "vitest";
import { TtlCache } from "../ttl-cache.js";

describe("TtlCache", () => {
  it("loads a missing key once for callers that ask while it is being loaded", async () => {
    const cache = new TtlCache<string>(1_000);
    const loads: string[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const load = async (missing: string[]) => {
      loads.push(missing);
      await gate;
      return new Map(missing.map((k) => [k, `v:${k}`]));
    };
    const first = cache.getMany(["a", "b"], load);
    const second = cache.getMany(["a", "c"], load);
    release();
    expect(await first).toEqual(new Map([["a", "v:a"], ["b", "v:b"]]));
    expect(await second).toEqual(new Map([["a", "v:a"], ["c", "v:c"]]));
    expect(loads).toEqual([["a", "b"], ["c"]]);
  });

  it("loads again once an entry has expired, and not before", async () => {
    let now = 0;
    const cache = new TtlCache<number>(1_000, 100, () => now);
    let loads = 0;
    const load = async (missing: string[]) => new Map(missing.map((k) => [k, ++loads]));
    expect((await cache.getMany(["x"], load)).get("x")).toBe(1);
    now = 999;
    expect((await cache.getMany(["x"], load)).get("x")).toBe(1);
    now = 1_000;
    expect((await cache.getMany(["x"], load)).get("x")).toBe(2);
  });

  it("drops expired entries as new ones are set, so a burst of keys read once does not stay", () => {
    let now = 0;
    const cache = new TtlCache<number>(1_000, 100, () => now);
    for (let i = 0; i < 50; i++) cache.set(`old${i}`, i);
    now = 500;
    cache.set("mid", 0);
    expect(cache.size).toBe(51);
    now = 1_000;
    cache.set("new", 1);
    expect(cache.size).toBe(2);
    expect(cache.get("old0")).toBeUndefined();
    expect(cache.get("mid")).toBe(0);
    expect(cache.get("new")).toBe(1);
    now = 1_500;
    cache.set("mid", 2); // set again: it moves behind "new" and lives on
    expect(cache.size).toBe(2);
    expect(cache.get("mid")).toBe(2);
  });

  it("fails the callers sharing a failed load, and keeps no failure for the next", async () => {
    const cache = new TtlCache<string>(1_000);
    const failing = cache.getMany(["k"], async () => Promise.reject(new Error("store down")));
    const sharing = cache.getMany(["k"], async () => new Map([["k", "never asked"]]));
    await expect(failing).rejects.toThrow("store down");
    await expect(sharing).rejects.toThrow("store down");
    expect(await cache.getMany(["k"], async () => new Map([["k", "fresh"]]))).toEqual(new Map([["k", "fresh"]]));
  });
});
