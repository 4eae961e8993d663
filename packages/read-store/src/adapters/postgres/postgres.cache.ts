// A key/value cache on the PostgreSQL family (embedded and server profiles without Redis):
// rows carry their expiry, reads ignore expired rows, writes sweep them now and then.

import type { SqlQueryable } from "@flick/kernel";
import type { Cache, CacheSpec } from "../../ports/cache.port.js";
import { idempotentDdl, quoteIdent, sweepExpired, tableName } from "./postgres.sql.js";

const nameOf = (spec: CacheSpec) => `cache_${spec.name}`;

export async function createPostgresCache(sql: SqlQueryable, schema: string | undefined, spec: CacheSpec): Promise<void> {
  const table = tableName(schema, nameOf(spec));
  await idempotentDdl(sql, `CREATE TABLE IF NOT EXISTS ${table} (key text COLLATE "C" PRIMARY KEY, value text NOT NULL, expires_at timestamptz NOT NULL)`);
  await idempotentDdl(sql, `CREATE INDEX IF NOT EXISTS ${quoteIdent(`${nameOf(spec)}__expiry`)} ON ${table} (expires_at)`);
}

export function postgresCacheTables(spec: CacheSpec): string[] {
  return [nameOf(spec)];
}

export function postgresCache(sql: SqlQueryable, schema: string | undefined, spec: CacheSpec): Cache {
  const table = tableName(schema, nameOf(spec));
  return {
    async get(key) {
      const { rows } = await sql.query<{ value: string }>(`SELECT value FROM ${table} WHERE key = $1 AND expires_at > now()`, [key]);
      return rows[0]?.value;
    },
    async getMany(keys) {
      if (keys.length === 0) return [];
      const { rows } = await sql.query<{ key: string; value: string }>(`SELECT key, value FROM ${table} WHERE key = ANY($1::text[]) AND expires_at > now()`, [
        [...keys],
      ]);
      const byKey = new Map(rows.map((r) => [r.key, r.value]));
      return keys.map((k) => byKey.get(k));
    },
    async set(key, value, options) {
      const ttl = options?.ttlSeconds ?? spec.ttlSeconds;
      await sql.query(
        `INSERT INTO ${table} (key, value, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3::double precision))
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at`,
        [key, value, ttl],
      );
      await sweepExpired(sql, table, "expires_at <= now()");
    },
    async setMany(entries) {
      const last = new Map(entries.map((e) => [e.key, e]));
      if (last.size === 0) return;
      const rows = [...last.values()];
      await sql.query(
        `INSERT INTO ${table} (key, value, expires_at)
         SELECT k, v, now() + make_interval(secs => t) FROM unnest($1::text[], $2::text[], $3::double precision[]) AS i(k, v, t)
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at`,
        [rows.map((r) => r.key), rows.map((r) => r.value), rows.map((r) => r.ttlSeconds ?? spec.ttlSeconds)],
      );
      await sweepExpired(sql, table, "expires_at <= now()");
    },
    async delete(key) {
      await sql.query(`DELETE FROM ${table} WHERE key = $1`, [key]);
    },
  };
}
