// Key layout. Every structure's keys start with the store's prefix (a projection slot, a
// test run), then the kind and the structure's name. The caller's key sits inside {…}, a
// Redis Cluster hash tag, so a value and its applied-event markers share a slot and one
// Lua script can touch both.

import type { Cluster, Redis } from "ioredis";

export type RedisClient = Redis | Cluster;

export function checkPrefix(prefix: string): string {
  if (/[{}]/.test(prefix)) throw new TypeError(`redis read-store prefix must not contain braces: ${prefix}`);
  return prefix;
}

export const keyOf = (prefix: string, kind: "ctr" | "set" | "zset" | "cache", name: string, key: string) =>
  kind === "cache" ? `${prefix}cache:${name}:${key}` : `${prefix}${kind}:${name}:{${key}}`;

/** Marker that an event was applied to `valueKey` (and `member`, for sorted sets). */
export const markerOf = (valueKey: string, eventId: string, member?: string) =>
  member === undefined ? `${valueKey}:e:${eventId}` : `${valueKey}:e:${eventId}:${member}`;

/** Deletes every key matching `pattern`, on each master of a cluster; UNLINK frees memory off the main thread. */
export async function deleteMatching(redis: RedisClient, pattern: string): Promise<void> {
  const nodes = "nodes" in redis && typeof redis.nodes === "function" ? (redis as Cluster).nodes("master") : [redis as Redis];
  for (const node of nodes) {
    let cursor = "0";
    do {
      const [next, keys] = await node.scan(cursor, "MATCH", pattern, "COUNT", 1000);
      cursor = next;
      // One key per call: keys of a batch may live in different cluster slots.
      if (keys.length > 0) await Promise.all(keys.map((k) => node.unlink(k)));
    } while (cursor !== "0");
  }
}

/** Escapes glob characters of a literal prefix for SCAN MATCH. */
export function globEscape(literal: string): string {
  return literal.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
