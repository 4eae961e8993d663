// The Redis read store (server and distributed profiles): counters, sets, sorted sets, a
// cache and pub/sub. No wide-column tables: Redis cannot scan a partition in clustering
// order with range bounds without a second index per table, and that is Cassandra's or
// PostgreSQL's job here.

import { Redis } from "ioredis";
import { UnsupportedPortError, type ReadStore, type ReadStoreCapabilities, type StructureSpec } from "../../ports/read-store.port.js";
import { checkSpec } from "../../internal/names.js";
import { perSpec } from "../../internal/per-spec.js";
import type { CacheSpec } from "../../ports/cache.port.js";
import type { CounterSpec } from "../../ports/counters.port.js";
import type { SetSpec } from "../../ports/sets.port.js";
import type { SortedSetSpec } from "../../ports/sorted-sets.port.js";
import { redisCache } from "./redis.cache.js";
import { redisCounters } from "./redis.counters.js";
import { checkPrefix, deleteMatching, globEscape, type RedisClient } from "./redis.keys.js";
import { redisPubSub } from "./redis.pubsub.js";
import { redisSets } from "./redis.sets.js";
import { redisSortedSets } from "./redis.sorted-sets.js";

export const redisCapabilities: ReadStoreCapabilities = Object.freeze({
  tables: false,
  counters: true,
  sets: true,
  sortedSets: true,
  cache: true,
  pubsub: "cluster",
  exactLastPage: true,
  tableTtl: false,
});

export interface RedisReadStoreOptions {
  /** A client (or Cluster) the caller owns, or a redis:// URL the store connects to and owns. */
  redis: RedisClient | string;
  /** Prepended to every key, e.g. "flick:" or a projection slot's prefix (no braces). */
  prefix?: string;
}

export function createRedisReadStore(options: RedisReadStoreOptions): ReadStore {
  const owned = typeof options.redis === "string";
  const redis: RedisClient = typeof options.redis === "string" ? new Redis(options.redis) : options.redis;
  const prefix = checkPrefix(options.prefix ?? "flick:");
  const pubsub = redisPubSub(redis);
  const kinds = { counters: "ctr", sets: "set", sortedSets: "zset", cache: "cache" } as const;

  return {
    engine: "redis",
    capabilities: redisCapabilities,
    async ensure(...specs: StructureSpec[]) {
      // Redis needs no schema; still refuse what it cannot hold, at setup rather than at first write.
      for (const spec of specs) {
        checkSpec(spec);
        if (spec.kind === "table") throw new UnsupportedPortError("redis", "wide-column tables");
      }
    },
    async drop(...specs: StructureSpec[]) {
      for (const spec of specs) {
        checkSpec(spec);
        if (spec.kind === "table") throw new UnsupportedPortError("redis", "wide-column tables");
        await deleteMatching(redis, `${globEscape(`${prefix}${kinds[spec.kind]}:${spec.name}:`)}*`);
      }
    },
    table: () => {
      throw new UnsupportedPortError("redis", "wide-column tables");
    },
    counters: perSpec((spec: CounterSpec) => (checkSpec(spec), redisCounters(redis, prefix, spec))),
    sets: perSpec((spec: SetSpec) => (checkSpec(spec), redisSets(redis, prefix, spec))),
    sortedSets: perSpec((spec: SortedSetSpec) => (checkSpec(spec), redisSortedSets(redis, prefix, spec))),
    cache: perSpec((spec: CacheSpec) => (checkSpec(spec), redisCache(redis, prefix, spec))),
    pubsub,
    async close() {
      await pubsub.close();
      if (owned) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
