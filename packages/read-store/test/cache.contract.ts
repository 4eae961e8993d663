// One suite for the cache port, run by every adapter that declares a cache.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineCache, UnsupportedPortError, type ReadStore } from "../src/index.js";
import { eventually, fresh, sleep, type ContractTarget } from "./harness.js";

export function cacheContract(target: ContractTarget): void {
  const { engine, capabilities } = target;
  describe(`cache contract (${engine})`, () => {
    let store: ReadStore;
    const spec = defineCache(fresh("pages"), { ttlSeconds: 60 });
    beforeAll(async () => {
      store = await target.open();
      if (capabilities.cache) await store.ensure(spec);
    });
    afterAll(async () => {
      await store?.close();
    });

    if (!capabilities.cache) {
      it("declares no cache and refuses it", () => {
        expect(() => store.cache(spec)).toThrow(UnsupportedPortError);
      });
      return;
    }

    it("stores, overwrites, reads many and deletes entries", async () => {
      const cache = store.cache(spec);
      const [a, b] = [fresh("a"), fresh("b")];
      expect(await cache.get(a)).toBeUndefined();
      await cache.set(a, '{"page":1}');
      await cache.set(a, '{"page":2} ✓');
      await cache.set(b, "");
      expect(await cache.get(a)).toBe('{"page":2} ✓');
      expect(await cache.getMany([b, fresh("missing"), a])).toEqual(["", undefined, '{"page":2} ✓']);
      await cache.delete(a);
      expect(await cache.get(a)).toBeUndefined();
    });

    it("sets many entries in one call, the last value of a key winning, each with its TTL", async () => {
      const cache = store.cache(spec);
      const keys = Array.from({ length: 400 }, () => fresh("many"));
      await cache.setMany([
        ...keys.map((key, i) => ({ key, value: `v${i}` })),
        { key: keys[0]!, value: "last" },
        // 2 s: Cassandra counts TTLs from a whole second, so 1 s can be almost nothing.
        { key: keys[1]!, value: "brief", ttlSeconds: 2 },
      ]);
      expect(await cache.getMany([keys[0]!, keys[1]!, keys[399]!])).toEqual(["last", "brief", "v399"]);
      await cache.setMany([]);
      await sleep(2_100);
      expect(await eventually(async () => (await cache.get(keys[1]!)) === undefined)).toBe(true);
      expect(await cache.get(keys[2]!)).toBe("v2");
    });

    it("expires entries after their TTL", async () => {
      const cache = store.cache(spec);
      const key = fresh("short");
      await cache.set(key, "soon gone", { ttlSeconds: 1 });
      await cache.set(`${key}-long`, "stays");
      expect(await cache.get(key)).toBe("soon gone");
      await sleep(1_100);
      expect(await eventually(async () => (await cache.get(key)) === undefined)).toBe(true);
      expect(await cache.get(`${key}-long`)).toBe("stays");
    });
  });
}
