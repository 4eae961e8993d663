// Projections on Redis. No transaction spans a batch's writes and the checkpoint (MULTI
// cannot read-then-decide, and a batch's keys live in many cluster slots), so
// atomicCheckpoint is false: increments carry their event ids (applied at most once by a
// Lua script with a marker key), sets and scores are assigned idempotently, and only after
// the batch is the checkpoint moved, by a Lua compare-and-set.
//
// A slot generation is a key prefix, "<prefix>rm:<projection>:<generation>:", named in the
// slot's checkpoint hash. Promotion re-points the live hash at the rebuild's generation in
// one script (both hashes share a hash tag), then deletes the old generation's keys.

import { CheckpointConflictError, type Slot } from "@flick/projection-runner";
import type { ReadStore } from "../../ports/read-store.port.js";
import { newGeneration, storageName, type ReadModelCheckpoints } from "../../projection/read-model-checkpoints.js";
import { checkPrefix, deleteMatching, globEscape, type RedisClient } from "./redis.keys.js";
import { createRedisReadStore } from "./redis.read-store.js";

export interface RedisCheckpointStoreOptions {
  redis: RedisClient;
  /** Prefix of every key (default "flick:"). */
  prefix?: string;
}

// KEYS: slot hash. ARGV: generation, version.
const CLAIM = `if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('HSET', KEYS[1], 'generation', ARGV[1], 'version', ARGV[2]) end return redis.call('HGET', KEYS[1], 'generation')`;
// KEYS: slot hash. ARGV: generation, has-from ("1"/"0"), from, to. 1 when moved.
const MOVE = `
  if redis.call('HGET', KEYS[1], 'generation') ~= ARGV[1] then return 0 end
  local current = redis.call('HGET', KEYS[1], 'checkpoint')
  if (ARGV[2] == '0' and current == false) or (ARGV[2] == '1' and current == ARGV[3]) then
    redis.call('HSET', KEYS[1], 'checkpoint', ARGV[4]) return 1
  end
  return 0`;
// KEYS: live hash, rebuild hash. Returns the old live generation ('' if none), or an error.
const PROMOTE = `
  local rebuilt = redis.call('HGETALL', KEYS[2])
  if #rebuilt == 0 then return redis.error_reply('no rebuild slot') end
  local old = redis.call('HGET', KEYS[1], 'generation') or ''
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], unpack(rebuilt))
  redis.call('DEL', KEYS[2])
  return old`;

export function createRedisCheckpointStore(options: RedisCheckpointStoreOptions): ReadModelCheckpoints {
  const { redis } = options;
  const prefix = checkPrefix(options.prefix ?? "flick:");
  // The hash tag keeps a projection's live and rebuild hashes in one cluster slot.
  const slotKey = (projection: string, slot: Slot) => `${prefix}{proj:${storageName(projection)}}:${slot}`;
  const dataPrefix = (projection: string, generation: string) => `${prefix}rm:${storageName(projection)}:${generation}:`;
  const storeFor = (projection: string, generation: string): ReadStore => createRedisReadStore({ redis, prefix: dataPrefix(projection, generation) });
  const dropGeneration = (projection: string, generation: string) => deleteMatching(redis, `${globEscape(dataPrefix(projection, generation))}*`);

  const read = async (projection: string, slot: Slot) => {
    const h = await redis.hgetall(slotKey(projection, slot));
    return h["generation"] ? { generation: h["generation"], version: Number(h["version"]), checkpoint: h["checkpoint"] } : undefined;
  };

  return {
    capabilities: { atomicCheckpoint: false },

    async prepare(projection, slot) {
      const generation = (await redis.eval(CLAIM, 1, slotKey(projection.name, slot), newGeneration(), projection.version)) as string;
      await projection.setup?.(storeFor(projection.name, generation));
    },

    async load(projection, slot) {
      const row = await read(projection.name, slot);
      return row && { version: row.version, checkpoint: row.checkpoint };
    },

    async commit(projection, slot, from, to, work) {
      const row = await read(projection.name, slot);
      if (!row || row.checkpoint !== from) throw new CheckpointConflictError(projection.name, slot, from);
      await work(storeFor(projection.name, row.generation));
      const moved = await redis.eval(MOVE, 1, slotKey(projection.name, slot), row.generation, from === undefined ? "0" : "1", from ?? "", to);
      if (moved !== 1) throw new CheckpointConflictError(projection.name, slot, from);
    },

    async promote(projection) {
      const old = (await redis.eval(PROMOTE, 2, slotKey(projection.name, "live"), slotKey(projection.name, "rebuild"))) as string;
      if (old) await dropGeneration(projection.name, old);
    },

    async discard(projection, slot) {
      const row = await read(projection.name, slot);
      await redis.del(slotKey(projection.name, slot));
      if (row) await dropGeneration(projection.name, row.generation);
    },

    async openLive(projection) {
      const row = await read(projection, "live");
      if (!row) throw new Error(`projection ${projection} has no live slot yet`);
      return storeFor(projection, row.generation);
    },
  };
}
