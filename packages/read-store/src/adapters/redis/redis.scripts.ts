// Lua scripts, registered per client with ioredis's defineCommand (EVALSHA, falling back
// to EVAL after a restart flushed the script cache, also inside pipelines). A script runs
// atomically, so "remember this event id, and if it was new apply the increment" cannot be
// split by a crash or a concurrent redelivery.

import type { ChainableCommander } from "ioredis";
import type { RedisClient } from "./redis.keys.js";

const SCRIPTS = {
  // KEYS: value, marker. ARGV: increment, marker lifetime (ms). Returns nil when already applied.
  flickIncrOnce: {
    numberOfKeys: 2,
    lua: `if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[2]) then return redis.call('INCRBY', KEYS[1], ARGV[1]) end return false`,
  },
  flickZincrOnce: {
    numberOfKeys: 2,
    lua: `if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[3]) then return redis.call('ZINCRBY', KEYS[1], ARGV[1], ARGV[2]) end return false`,
  },
  // KEYS: set. ARGV: now (ms), ttl (ms, 0 = none), maxSize (0 = none), at (ms), members…
  // Members are scored by the time they were added, so expiry is a score range and
  // eviction of the oldest is a rank range.
  flickSetAdd: {
    numberOfKeys: 1,
    lua: `
      local now, ttl, max, at = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
      for i = 5, #ARGV do redis.call('ZADD', KEYS[1], at, ARGV[i]) end
      if ttl > 0 then
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - ttl)
        local expireAt = tonumber(at) + ttl
        -- The whole key expires with its newest member (-1: no expiry yet, -2: now empty).
        local current = redis.call('PEXPIRETIME', KEYS[1])
        if current == -1 or current >= 0 and current < expireAt then redis.call('PEXPIREAT', KEYS[1], expireAt) end
      end
      if max > 0 then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(max + 1)) end
      return redis.call('ZCARD', KEYS[1])`,
  },
} as const;

export type ScriptName = keyof typeof SCRIPTS;

const registered = new WeakSet<object>();

/** Defines the scripts on a client; pipelines created afterwards get them too. */
export function registerScripts(redis: RedisClient): void {
  if (registered.has(redis)) return;
  for (const [name, def] of Object.entries(SCRIPTS)) redis.defineCommand(name, def);
  registered.add(redis);
}

/** Runs a script on the client, or queues it on a pipeline of that client. */
export function script(redis: RedisClient, target: RedisClient | ChainableCommander, name: ScriptName, keys: string[], args: (string | number)[]) {
  registerScripts(redis);
  const fn = (target as unknown as Record<string, (...a: (string | number)[]) => unknown>)[name]!;
  return fn.call(target, ...keys, ...args) as Promise<unknown>;
}
