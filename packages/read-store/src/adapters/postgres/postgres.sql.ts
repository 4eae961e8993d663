// What every PostgreSQL-family port shares: identifier quoting, the column type mapping,
// value conversion (pg and PGlite differ on int8, bytea and parameters) and a throttle
// for sweeping expired rows.

import type { SqlQueryable } from "@flick/kernel";
import type { ColumnDef, ColumnType } from "../../ports/table.port.js";

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Unqualified names resolve through search_path: that is how the projection runner points a handler at its slot. */
export function tableName(schema: string | undefined, table: string): string {
  return schema ? `${quoteIdent(schema)}.${quoteIdent(table)}` : quoteIdent(table);
}

// Text is compared by byte order ("C") so that clustering and tie orders match Cassandra
// and Redis whatever the database's default collation.
const SQL_TYPES: Record<ColumnType, string> = {
  text: 'text COLLATE "C"',
  int: "integer",
  bigint: "bigint",
  double: "double precision",
  boolean: "boolean",
  timestamp: "timestamptz",
  uuid: "uuid",
  json: "jsonb",
  bytes: "bytea",
};

export function sqlType(type: ColumnType): string {
  return SQL_TYPES[type];
}

/** The SQL type for casting a parameter (no collation clause in a cast). */
export function castType(type: ColumnType): string {
  return type === "text" ? "text" : SQL_TYPES[type];
}

/** A select-list entry: int8 goes out as text, because PGlite parses it into a lossy number. */
export function selectColumn(c: ColumnDef): string {
  const q = quoteIdent(c.name);
  return c.type === "bigint" ? `${q}::text AS ${q}` : q;
}

export function encodeValue(type: ColumnType, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  switch (type) {
    case "bigint":
      return (value as bigint).toString();
    case "json":
      // pg would turn a JS array into a PostgreSQL array literal: send JSON text instead.
      return JSON.stringify(value);
    case "bytes": {
      const u = value as Uint8Array;
      return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
    }
    default:
      return value;
  }
}

export function decodeValue(type: ColumnType, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  switch (type) {
    case "bigint":
      return BigInt(value as string);
    case "int":
    case "double":
      return Number(value);
    case "timestamp":
      return value instanceof Date ? value : new Date(value as string);
    case "bytes": {
      const u = value as Uint8Array;
      return new Uint8Array(u.buffer, u.byteOffset, u.byteLength);
    }
    case "json":
      return typeof value === "string" ? JSON.parse(value) : value;
    case "boolean":
      return value === true || value === "t" || value === "true";
    default:
      return String(value);
  }
}

/** Runs DDL that may race with another process creating the same object. */
export async function idempotentDdl(sql: SqlQueryable, statement: string): Promise<void> {
  try {
    await sql.query(statement);
  } catch (err) {
    // 42P07 duplicate table/index, 23505 the catalog's unique index, 42710 duplicate object.
    const code = (err as { code?: string }).code;
    if (code !== "42P07" && code !== "23505" && code !== "42710") throw err;
  }
}

const lastSweep = new Map<string, number>();

/**
 * Expired rows are hidden by every read and deleted in the background of writes, at most
 * once a minute per table and a bounded number at a time, so no write pays for a big sweep.
 */
export async function sweepExpired(sql: SqlQueryable, table: string, expiryPredicate: string, now = Date.now()): Promise<void> {
  const last = lastSweep.get(table) ?? 0;
  if (now - last < 60_000) return;
  lastSweep.set(table, now);
  await sql.query(`DELETE FROM ${table} WHERE ctid IN (SELECT ctid FROM ${table} WHERE ${expiryPredicate} LIMIT 1000)`);
}

export function toNumber(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(value);
}
