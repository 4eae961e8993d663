// Sets on the PostgreSQL family: a row per (key, member) with the time it was added.
// Expired members are hidden by every read (added_at older than the TTL) and deleted when
// the key is next written; a capped set drops its oldest members on add.

import type { SqlQueryable } from "@flick/kernel";
import type { SetSpec, Sets } from "../../ports/sets.port.js";
import { toArray } from "../../internal/keys.js";
import { idempotentDdl, quoteIdent, tableName, toNumber } from "./postgres.sql.js";

const nameOf = (spec: SetSpec) => `set_${spec.name}`;

export async function createPostgresSets(sql: SqlQueryable, schema: string | undefined, spec: SetSpec): Promise<void> {
  const table = tableName(schema, nameOf(spec));
  await idempotentDdl(
    sql,
    `CREATE TABLE IF NOT EXISTS ${table} (key text COLLATE "C" NOT NULL, member text COLLATE "C" NOT NULL, added_at timestamptz NOT NULL, PRIMARY KEY (key, member))`,
  );
  if (spec.maxSize || spec.ttlSeconds) {
    await idempotentDdl(sql, `CREATE INDEX IF NOT EXISTS ${quoteIdent(`${nameOf(spec)}__age`)} ON ${table} (key, added_at DESC, member DESC)`);
  }
}

export function postgresSetTables(spec: SetSpec): string[] {
  return [nameOf(spec)];
}

export function postgresSets(sql: SqlQueryable, schema: string | undefined, spec: SetSpec): Sets {
  const table = tableName(schema, nameOf(spec));
  const live = spec.ttlSeconds ? ` AND added_at > now() - make_interval(secs => ${spec.ttlSeconds})` : "";
  /** Expired members of these keys go, then a capped set's oldest beyond its size. */
  const tidy = async (keys: readonly string[]) => {
    if (spec.ttlSeconds) {
      await sql.query(`DELETE FROM ${table} WHERE key = ANY($1::text[]) AND added_at <= now() - make_interval(secs => ${spec.ttlSeconds})`, [[...keys]]);
    }
    if (spec.maxSize) {
      for (const key of keys) {
        await sql.query(
          `DELETE FROM ${table} WHERE key = $1 AND member IN (
             SELECT member FROM ${table} WHERE key = $1 ORDER BY added_at DESC, member DESC OFFSET $2)`,
          [key, spec.maxSize],
        );
      }
    }
  };
  const sets: Sets = {
    async add(key, members, options) {
      const list = [...new Set(toArray(members))];
      if (list.length === 0) return;
      const at = options?.at ?? new Date();
      await sql.query(
        `INSERT INTO ${table} (key, member, added_at) SELECT $1, m, $3 FROM unnest($2::text[]) AS m
         ON CONFLICT (key, member) DO UPDATE SET added_at = EXCLUDED.added_at`,
        [key, list, at],
      );
      await tidy([key]);
    },
    async addMany(additions) {
      // A capped set evicts by the order of adds: there, entry by entry.
      if (spec.maxSize) {
        for (const a of additions) await sets.add(a.key, a.members, { at: a.at });
        return;
      }
      // Otherwise one INSERT; a (key, member) added twice keeps its last time, as in order.
      const rows = new Map<string, [string, string, Date]>();
      const now = new Date();
      for (const a of additions) for (const m of a.members) rows.set(JSON.stringify([a.key, m]), [a.key, m, a.at ?? now]);
      if (rows.size === 0) return;
      const [keys, members, times] = [0, 1, 2].map((i) => [...rows.values()].map((r) => r[i]));
      await sql.query(
        `INSERT INTO ${table} (key, member, added_at) SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[])
         ON CONFLICT (key, member) DO UPDATE SET added_at = EXCLUDED.added_at`,
        [keys, members, times],
      );
      await tidy([...new Set(keys as string[])]);
    },
    async remove(key, members) {
      const list = toArray(members);
      if (list.length === 0) return;
      await sql.query(`DELETE FROM ${table} WHERE key = $1 AND member = ANY($2::text[])`, [key, [...list]]);
    },
    async contains(key, member) {
      const { rows } = await sql.query(`SELECT 1 FROM ${table} WHERE key = $1 AND member = $2${live}`, [key, member]);
      return rows.length > 0;
    },
    async containsMany(key, members) {
      if (members.length === 0) return [];
      const { rows } = await sql.query<{ member: string }>(`SELECT member FROM ${table} WHERE key = $1 AND member = ANY($2::text[])${live}`, [
        key,
        [...members],
      ]);
      const present = new Set(rows.map((r) => r.member));
      return members.map((m) => present.has(m));
    },
    async size(key) {
      const { rows } = await sql.query<{ n: unknown }>(`SELECT count(*) AS n FROM ${table} WHERE key = $1${live}`, [key]);
      return toNumber(rows[0]?.n);
    },
    async clear(key) {
      await sql.query(`DELETE FROM ${table} WHERE key = $1`, [key]);
    },
  };
  return sets;
}
