// Counters on Redis: one string per key (INCRBY). With an event id, a Lua script sets a
// marker key (SET NX PX: it expires after the dedupe window) and increments only if the
// marker was new, atomically; a redelivered event finds its marker and changes nothing.

import type { CounterSpec, Counters } from "../../ports/counters.port.js";
import { DEFAULT_DEDUPE_WINDOW_SECONDS } from "../../internal/names.js";
import { checkCounterIncrement } from "../../internal/increments.js";
import { keyOf, markerOf, type RedisClient } from "./redis.keys.js";
import { registerScripts, script } from "./redis.scripts.js";

export function redisCounters(redis: RedisClient, prefix: string, spec: CounterSpec): Counters {
  registerScripts(redis);
  const windowMs = (spec.dedupeWindowSeconds ?? DEFAULT_DEDUPE_WINDOW_SECONDS) * 1000;
  const valueKey = (key: string) => keyOf(prefix, "ctr", spec.name, key);
  const counters: Counters = {
    increment: (key, by = 1, options) => counters.incrementMany([{ key, by, eventId: options?.eventId }]),
    decrement: (key, by = 1, options) => counters.incrementMany([{ key, by: -by, eventId: options?.eventId }]),
    async incrementMany(increments) {
      if (increments.length === 0) return;
      const ops = increments.map((i) => ({ ...i, by: checkCounterIncrement(i.by ?? 1) }));
      // One round trip for the batch; each increment is atomic on its own, and each is
      // idempotent by its event id, so a batch cut short is safely applied again.
      const pipeline = redis.pipeline();
      for (const op of ops) {
        const k = valueKey(op.key);
        if (op.eventId === undefined) pipeline.incrby(k, op.by);
        else void script(redis, pipeline, "flickIncrOnce", [k, markerOf(k, op.eventId)], [op.by, windowMs]);
      }
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([err]) => err);
      if (failed) throw failed[0];
    },
    async get(key) {
      return Number((await redis.get(valueKey(key))) ?? 0);
    },
    async getWithEvent(key, eventId) {
      // MULTI/EXEC: the value and the marker as of one moment (the increment script sets
      // both atomically), so "includes" is exact. Both keys share the value key's hash tag.
      const k = valueKey(key);
      const results = (await redis.multi().get(k).exists(markerOf(k, eventId)).exec()) ?? [];
      const failed = results.find(([err]) => err);
      if (failed) throw failed[0];
      return { value: Number(results[0]?.[1] ?? 0), includes: results[1]?.[1] === 1 };
    },
    async getMany(keys) {
      if (keys.length === 0) return [];
      // One MGET on a single node: one command object and one reply instead of a pipeline
      // of GETs (a feed page reads 40 counters; the pipeline's per-command objects were most
      // of what a page left in the old generation, by bench:feed:server's heap profile).
      if (!redis.isCluster) {
        const values = await redis.mget(keys.map(valueKey));
        return values.map((value) => Number(value ?? 0));
      }
      // GETs in a pipeline rather than MGET: in a cluster the keys live in different slots.
      const pipeline = redis.pipeline();
      for (const k of keys) pipeline.get(valueKey(k));
      const results = (await pipeline.exec()) ?? [];
      return results.map(([err, value]) => {
        if (err) throw err;
        return Number(value ?? 0);
      });
    },
  };
  return counters;
}
