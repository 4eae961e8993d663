// Helpers every adapter needs to read a row's primary key and check a batch.

import type { ColumnDef, TableSchema } from "../ports/table.port.js";

export function keyColumns(schema: TableSchema): ColumnDef[] {
  return [...schema.partitionKey, ...(schema.clustering ?? [])];
}

export function valueColumns(schema: TableSchema): readonly ColumnDef[] {
  return schema.columns ?? [];
}

export function requireColumns(schema: TableSchema, row: Record<string, unknown>, columns: readonly ColumnDef[], what: string): void {
  for (const c of columns) {
    if (row[c.name] === undefined || row[c.name] === null) throw new TypeError(`table ${schema.name}: ${what} needs "${c.name}"`);
  }
}

/** A comparable text form of a partition key, to check that a batch stays in one partition. */
export function partitionIdentity(schema: TableSchema, row: Record<string, unknown>): string {
  return JSON.stringify(schema.partitionKey.map((c) => stableValue(row[c.name])));
}

/** A comparable text form of a primary key (input keys and decoded rows alike). */
export function primaryKeyIdentity(schema: TableSchema, row: Record<string, unknown>): string {
  return JSON.stringify(keyColumns(schema).map((c) => stableValue(row[c.name])));
}

function stableValue(v: unknown): unknown {
  if (typeof v === "bigint") return `${v}n`;
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString("hex");
  return v;
}

export function checkOnePartition(schema: TableSchema, rows: readonly Record<string, unknown>[]): void {
  if (rows.length === 0) return;
  const first = partitionIdentity(schema, rows[0]!);
  for (const r of rows) {
    if (partitionIdentity(schema, r) !== first) throw new TypeError(`table ${schema.name}: upsertMany rows must share one partition key`);
  }
}

export function pageLimit(limit: number | undefined): number {
  const n = limit ?? 100;
  if (!Number.isInteger(n) || n < 1 || n > 5000) throw new RangeError(`scan limit must be an integer in 1..5000, got ${limit}`);
  return n;
}

export function toArray<T>(value: T | readonly T[]): readonly T[] {
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}
