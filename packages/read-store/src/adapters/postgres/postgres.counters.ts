// Counters on the PostgreSQL family: one row per key, increments applied with
// INSERT … ON CONFLICT DO UPDATE (atomic under concurrency), once per event id.

import type { SqlQueryable } from "@flick/kernel";
import type { CounterSpec, Counters } from "../../ports/counters.port.js";
import { DEFAULT_DEDUPE_WINDOW_SECONDS } from "../../internal/names.js";
import { checkCounterIncrement } from "../../internal/increments.js";
import { applyIncrements, createAppliedTable, type EventIdMode } from "./postgres.dedupe.js";
import { idempotentDdl, tableName, toNumber } from "./postgres.sql.js";

const names = (spec: CounterSpec) => ({ values: `ctr_${spec.name}`, applied: `ctr_${spec.name}_applied` });

export async function createPostgresCounters(sql: SqlQueryable, schema: string | undefined, spec: CounterSpec): Promise<void> {
  const n = names(spec);
  await idempotentDdl(sql, `CREATE TABLE IF NOT EXISTS ${tableName(schema, n.values)} (key text COLLATE "C" PRIMARY KEY, value bigint NOT NULL)`);
  await createAppliedTable(sql, schema, n.applied, ["key"]);
}

export function postgresCounterTables(spec: CounterSpec): string[] {
  const n = names(spec);
  return [n.values, n.applied];
}

export function postgresCounters(sql: SqlQueryable, schema: string | undefined, spec: CounterSpec, mode: EventIdMode): Counters {
  const n = names(spec);
  const table = tableName(schema, n.values);
  const target = {
    table,
    keyColumns: ["key"],
    valueColumn: "value",
    valueType: "bigint" as const,
    appliedTable: tableName(schema, n.applied),
    dedupeWindowSeconds: spec.dedupeWindowSeconds ?? DEFAULT_DEDUPE_WINDOW_SECONDS,
  };
  const counters: Counters = {
    increment: (key, by = 1, options) => counters.incrementMany([{ key, by, eventId: options?.eventId }]),
    decrement: (key, by = 1, options) => counters.incrementMany([{ key, by: -by, eventId: options?.eventId }]),
    async incrementMany(increments) {
      const incs = increments.map((i) => {
        const by = checkCounterIncrement(i.by ?? 1);
        return { key: [i.key], by, eventId: i.eventId };
      });
      await applyIncrements(sql, target, incs, mode);
    },
    async get(key) {
      const { rows } = await sql.query<{ value: string }>(`SELECT value::text AS value FROM ${table} WHERE key = $1`, [key]);
      return toNumber(rows[0]?.value);
    },
    async getWithEvent(key, eventId) {
      // One statement, one snapshot. A marker proves the value includes the event; its
      // absence proves nothing, since under the projection runner increments commit with
      // the checkpoint and write no markers.
      const { rows } = await sql.query<{ value: string | null; marked: boolean }>(
        `SELECT (SELECT value::text FROM ${table} WHERE key = $1) AS value,
                EXISTS (SELECT 1 FROM ${target.appliedTable} WHERE key = $1 AND event_id = $2) AS marked`,
        [key, eventId],
      );
      return { value: toNumber(rows[0]?.value ?? undefined), includes: rows[0]?.marked ? true : undefined };
    },
    async getMany(keys) {
      if (keys.length === 0) return [];
      const { rows } = await sql.query<{ key: string; value: string }>(`SELECT key, value::text AS value FROM ${table} WHERE key = ANY($1::text[])`, [
        [...keys],
      ]);
      const byKey = new Map(rows.map((r) => [r.key, toNumber(r.value)]));
      return keys.map((k) => byKey.get(k) ?? 0);
    },
  };
  return counters;
}
