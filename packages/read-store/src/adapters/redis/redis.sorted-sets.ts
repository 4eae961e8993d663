// Sorted sets on Redis: a native ZSET per key (its order, ties by member, is the port's
// order). An increment with an event id runs as a Lua script with a marker key, like a
// counter, so a redelivered view is not counted twice.

import type { ScoredMember, SortedSetSpec, SortedSets } from "../../ports/sorted-sets.port.js";
import { DEFAULT_DEDUPE_WINDOW_SECONDS } from "../../internal/names.js";
import { toArray } from "../../internal/keys.js";
import { checkIncrement } from "../../internal/increments.js";
import { keyOf, markerOf, type RedisClient } from "./redis.keys.js";
import { registerScripts, script } from "./redis.scripts.js";

/** Redis writes infinite scores as "inf". */
const parseScore = (s: string) => (s === "inf" || s === "+inf" ? Infinity : s === "-inf" ? -Infinity : Number(s));

function pairs(flat: string[]): ScoredMember[] {
  const out: ScoredMember[] = [];
  for (let i = 0; i < flat.length; i += 2) out.push({ member: flat[i]!, score: parseScore(flat[i + 1]!) });
  return out;
}

export function redisSortedSets(redis: RedisClient, prefix: string, spec: SortedSetSpec): SortedSets {
  registerScripts(redis);
  const windowMs = (spec.dedupeWindowSeconds ?? DEFAULT_DEDUPE_WINDOW_SECONDS) * 1000;
  const zkey = (key: string) => keyOf(prefix, "zset", spec.name, key);
  const range = async (key: string, offset: number, limit: number) =>
    limit <= 0 ? [] : pairs(await redis.zrevrange(zkey(key), offset, offset + limit - 1, "WITHSCORES"));

  const sortedSets: SortedSets = {
    async add(key, entries) {
      const list = toArray(entries);
      if (list.length === 0) return;
      await redis.zadd(zkey(key), ...list.flatMap((e) => [checkIncrement(e.score), e.member]));
    },
    incrementScore: (key, member, by, options) => sortedSets.incrementMany([{ key, member, by, eventId: options?.eventId }]),
    async incrementMany(increments) {
      if (increments.length === 0) return;
      const pipeline = redis.pipeline();
      for (const inc of increments) {
        const k = zkey(inc.key);
        const by = checkIncrement(inc.by);
        if (inc.eventId === undefined) pipeline.zincrby(k, by, inc.member);
        else void script(redis, pipeline, "flickZincrOnce", [k, markerOf(k, inc.eventId, inc.member)], [by, inc.member, windowMs]);
      }
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([err]) => err);
      if (failed) throw failed[0];
    },
    async score(key, member) {
      const s = await redis.zscore(zkey(key), member);
      return s === null ? undefined : parseScore(s);
    },
    top: (key, k) => range(key, 0, k),
    range,
    async rank(key, member) {
      const r = await redis.zrevrank(zkey(key), member);
      return r === null ? undefined : r;
    },
    async remove(key, members) {
      const list = toArray(members);
      if (list.length > 0) await redis.zrem(zkey(key), ...list);
    },
    async trim(key, keep) {
      // Ranks ascend from the lowest score: drop all but the `keep` highest.
      await redis.zremrangebyrank(zkey(key), 0, -(Math.max(0, keep) + 1));
    },
    size: (key) => redis.zcard(zkey(key)),
  };
  return sortedSets;
}
