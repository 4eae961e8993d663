// A key/value cache on Cassandra: one row per key written with a TTL. Reads also check
// the stored expiry, because CQL TTLs are whole seconds.

import type { Cache, CacheSpec } from "../../ports/cache.port.js";
import { inParallel, qualified, ttlUntil, type Cql } from "./cassandra.cql.js";

const tableOf = (spec: CacheSpec) => `cache_${spec.name}`;

export async function createCassandraCache(cql: Cql, keyspace: string, spec: CacheSpec): Promise<void> {
  await cql.ddl(`CREATE TABLE IF NOT EXISTS ${qualified(keyspace, tableOf(spec))} (key text PRIMARY KEY, value text, expires_at timestamp)`);
}

export function cassandraCacheTables(spec: CacheSpec): string[] {
  return [tableOf(spec)];
}

export function cassandraCache(cql: Cql, keyspace: string, spec: CacheSpec): Cache {
  const table = qualified(keyspace, tableOf(spec));
  const get = async (key: string) => {
    const rs = await cql.execute(`SELECT value, expires_at FROM ${table} WHERE key = ?`, [key]);
    const row = rs.rows[0];
    if (!row || (row["expires_at"] as Date).getTime() <= Date.now()) return undefined;
    return row["value"] as string;
  };
  const set = async (key: string, value: string, ttlSeconds = spec.ttlSeconds) => {
    const expiresAt = Date.now() + ttlSeconds * 1000;
    await cql.execute(`INSERT INTO ${table} (key, value, expires_at) VALUES (?, ?, ?) USING TTL ?`, [key, value, new Date(expiresAt), Math.max(1, ttlUntil(expiresAt))]);
  };
  return {
    get,
    // Single-partition reads in parallel: an IN over partition keys would load one coordinator.
    getMany: (keys) => inParallel(keys, 32, get),
    set: (key, value, options) => set(key, value, options?.ttlSeconds),
    // Single-partition writes in parallel; a key given twice keeps its last value.
    async setMany(entries) {
      await inParallel([...new Map(entries.map((e) => [e.key, e])).values()], 32, (e) => set(e.key, e.value, e.ttlSeconds));
    },
    async delete(key) {
      await cql.execute(`DELETE FROM ${table} WHERE key = ?`, [key]);
    },
  };
}
