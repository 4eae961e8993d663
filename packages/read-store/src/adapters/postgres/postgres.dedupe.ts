// Applying an increment once per event on the PostgreSQL family: in one statement, event
// ids are inserted into an "applied" table (ON CONFLICT DO NOTHING) and only the ones that
// went in are summed into the target. Two deliveries of one event, even concurrent ones,
// meet on the applied table's primary key, so exactly one counts.
//
// Under the projection runner the increment and the checkpoint commit in one transaction
// instead; a store created with eventIds: "transaction" skips the applied table entirely.

import type { SqlQueryable } from "@flick/kernel";
import { idempotentDdl, quoteIdent, sweepExpired, tableName } from "./postgres.sql.js";

export type EventIdMode = "dedupe" | "transaction";

export interface Increment {
  /** The target row's key columns, in the order of `keyColumns`. */
  key: string[];
  by: number;
  eventId?: string;
}

export interface IncrementTarget {
  /** Qualified target table. */
  table: string;
  /** Its key column names (text). */
  keyColumns: string[];
  /** The numeric column to add to, and its SQL type. */
  valueColumn: string;
  valueType: "bigint" | "double precision";
  /** Qualified applied-ids table (keys…, event_id, expires_at). */
  appliedTable: string;
  dedupeWindowSeconds: number;
}

export async function createAppliedTable(sql: SqlQueryable, schema: string | undefined, name: string, keyColumns: string[]): Promise<void> {
  const table = tableName(schema, name);
  const keys = keyColumns.map((k) => `${quoteIdent(k)} text COLLATE "C" NOT NULL`).join(", ");
  const pk = [...keyColumns.map(quoteIdent), "event_id"].join(", ");
  await idempotentDdl(sql, `CREATE TABLE IF NOT EXISTS ${table} (${keys}, event_id text NOT NULL, expires_at timestamptz NOT NULL, PRIMARY KEY (${pk}))`);
  await idempotentDdl(sql, `CREATE INDEX IF NOT EXISTS ${quoteIdent(`${name}__expiry`)} ON ${table} (expires_at)`);
}

export async function applyIncrements(sql: SqlQueryable, target: IncrementTarget, increments: readonly Increment[], mode: EventIdMode): Promise<void> {
  if (increments.length === 0) return;
  // Sorted by key so that concurrent batches lock rows in one order (no deadlocks).
  const sorted = [...increments].sort((a, b) => compareKeys(a.key, b.key));
  const keyCols = target.keyColumns.map(quoteIdent);
  const params: unknown[] = target.keyColumns.map((_, i) => sorted.map((inc) => inc.key[i]!));
  params.push(sorted.map((inc) => inc.by));
  const unnestKeys = target.keyColumns.map((_, i) => `$${i + 1}::text[]`).join(", ");
  const byParam = `$${target.keyColumns.length + 1}::${target.valueType}[]`;
  const keyList = keyCols.join(", ");
  const upsert = (source: string) =>
    `INSERT INTO ${target.table} AS t (${keyList}, ${quoteIdent(target.valueColumn)})
     SELECT ${keyList}, sum(by) FROM ${source} GROUP BY ${keyList} ORDER BY ${keyList}
     ON CONFLICT (${keyList}) DO UPDATE SET ${quoteIdent(target.valueColumn)} = t.${quoteIdent(target.valueColumn)} + EXCLUDED.${quoteIdent(target.valueColumn)}`;
  const colNames = `${keyList}, by`;

  if (mode === "transaction" || sorted.every((inc) => inc.eventId === undefined)) {
    await sql.query(upsert(`unnest(${unnestKeys}, ${byParam}) AS i(${colNames})`), params);
    return;
  }
  params.push(sorted.map((inc) => inc.eventId ?? null));
  const eventParam = `$${params.length}::text[]`;
  params.push(target.dedupeWindowSeconds);
  const windowParam = `$${params.length}::double precision`;
  const joinOn = [...keyCols.map((k) => `f.${k} = i.${k}`), "f.event_id = i.event_id"].join(" AND ");
  await sql.query(
    `WITH input AS (
       SELECT * FROM unnest(${unnestKeys}, ${byParam}, ${eventParam}) WITH ORDINALITY AS i(${colNames}, event_id, n)
     ), fresh AS (
       INSERT INTO ${target.appliedTable} (${keyList}, event_id, expires_at)
       SELECT DISTINCT ${keyList}, event_id, now() + make_interval(secs => ${windowParam}) FROM input WHERE event_id IS NOT NULL
       ON CONFLICT DO NOTHING
       RETURNING ${keyList}, event_id
     ), counted AS (
       SELECT ${keyList}, by FROM input WHERE event_id IS NULL
       UNION ALL
       SELECT * FROM (
         SELECT DISTINCT ON (${keyCols.map((k) => `i.${k}`).join(", ")}, i.event_id) ${keyCols.map((k) => `i.${k}`).join(", ")}, i.by
         FROM input i JOIN fresh f ON ${joinOn}
         ORDER BY ${keyCols.map((k) => `i.${k}`).join(", ")}, i.event_id, i.n
       ) first_delivery
     )
     ${upsert("counted")}`,
    params,
  );
  await sweepExpired(sql, target.appliedTable, "expires_at <= now()");
}

function compareKeys(a: string[], b: string[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i]! < b[i]!) return -1;
    if (a[i]! > b[i]!) return 1;
  }
  return 0;
}
