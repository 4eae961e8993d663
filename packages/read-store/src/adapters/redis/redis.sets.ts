// Sets on Redis: a sorted set per key whose scores are the times members were added, so
// that per-member expiry is a score range and "evict the oldest" is a rank range (a plain
// Redis set has neither). The key itself expires with its newest member.

import type { SetSpec, Sets } from "../../ports/sets.port.js";
import { toArray } from "../../internal/keys.js";
import { keyOf, type RedisClient } from "./redis.keys.js";
import { registerScripts, script } from "./redis.scripts.js";

export function redisSets(redis: RedisClient, prefix: string, spec: SetSpec): Sets {
  registerScripts(redis);
  const ttlMs = (spec.ttlSeconds ?? 0) * 1000;
  const setKey = (key: string) => keyOf(prefix, "set", spec.name, key);
  const alive = (score: string | null) => score !== null && (ttlMs === 0 || Number(score) > Date.now() - ttlMs);
  return {
    async add(key, members, options) {
      const list = [...new Set(toArray(members))];
      if (list.length === 0) return;
      const at = (options?.at ?? new Date()).getTime();
      await script(redis, redis, "flickSetAdd", [setKey(key)], [Date.now(), ttlMs, spec.maxSize ?? 0, at, ...list]);
    },
    async addMany(additions) {
      // One round trip: the same script per add, in order, in a pipeline.
      const pipeline = redis.pipeline();
      let queued = 0;
      for (const a of additions) {
        const list = [...new Set(a.members)];
        if (list.length === 0) continue;
        void script(redis, pipeline, "flickSetAdd", [setKey(a.key)], [Date.now(), ttlMs, spec.maxSize ?? 0, (a.at ?? new Date()).getTime(), ...list]);
        queued++;
      }
      if (queued === 0) return;
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([err]) => err);
      if (failed) throw failed[0];
    },
    async remove(key, members) {
      const list = toArray(members);
      if (list.length > 0) await redis.zrem(setKey(key), ...list);
    },
    async contains(key, member) {
      return alive(await redis.zscore(setKey(key), member));
    },
    async containsMany(key, members) {
      if (members.length === 0) return [];
      const scores = await redis.zmscore(setKey(key), ...members);
      return scores.map(alive);
    },
    async size(key) {
      if (ttlMs === 0) return redis.zcard(setKey(key));
      return redis.zcount(setKey(key), `(${Date.now() - ttlMs}`, "+inf");
    },
    async clear(key) {
      await redis.del(setKey(key));
    },
  };
}
