// Rows of one batch that share a primary key are merged first (later values win, column
// by column), because engines disagree on what a batch with two writes to one row means:
// PostgreSQL rejects it, Cassandra picks the larger value when timestamps tie.

import type { TableSchema } from "../ports/table.port.js";
import { keyColumns } from "./keys.js";

export function mergeByPrimaryKey<R extends Record<string, unknown>>(schema: TableSchema, rows: readonly R[]): R[] {
  const cols = keyColumns(schema);
  const merged = new Map<string, R>();
  for (const row of rows) {
    const id = JSON.stringify(cols.map((c) => identity(row[c.name])));
    const prev = merged.get(id);
    merged.set(id, prev ? { ...prev, ...definedOnly(row) } : row);
  }
  return [...merged.values()];
}

function definedOnly<R extends Record<string, unknown>>(row: R): Partial<R> {
  return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined)) as Partial<R>;
}

function identity(v: unknown): unknown {
  if (typeof v === "bigint") return `${v}n`;
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString("hex");
  return v;
}
