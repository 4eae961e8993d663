// The cache on Redis: plain strings with PX expiry.

import type { Cache, CacheSpec } from "../../ports/cache.port.js";
import { keyOf, type RedisClient } from "./redis.keys.js";

export function redisCache(redis: RedisClient, prefix: string, spec: CacheSpec): Cache {
  const k = (key: string) => keyOf(prefix, "cache", spec.name, key);
  return {
    async get(key) {
      return (await redis.get(k(key))) ?? undefined;
    },
    async getMany(keys) {
      if (keys.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const key of keys) pipeline.get(k(key));
      const results = (await pipeline.exec()) ?? [];
      return results.map(([err, value]) => {
        if (err) throw err;
        return (value as string | null) ?? undefined;
      });
    },
    async set(key, value, options) {
      const ttlMs = Math.round((options?.ttlSeconds ?? spec.ttlSeconds) * 1000);
      await redis.set(k(key), value, "PX", ttlMs);
    },
    async setMany(entries) {
      if (entries.length === 0) return;
      // One round trip; SETs in order, so a key given twice keeps its last value.
      const pipeline = redis.pipeline();
      for (const e of entries) pipeline.set(k(e.key), e.value, "PX", Math.round((e.ttlSeconds ?? spec.ttlSeconds) * 1000));
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([err]) => err);
      if (failed) throw failed[0];
    },
    async delete(key) {
      await redis.del(k(key));
    },
  };
}
