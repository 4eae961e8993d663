// What every Cassandra port shares: identifier quoting, the column type mapping, value
// conversion (the driver's bigint encoding depends on a client option, uuids come back as
// objects), and one way to run a statement.

import cassandra from "cassandra-driver";
import type { ColumnType } from "../../ports/table.port.js";

export type CassandraClient = cassandra.Client;

export const consistencies = cassandra.types.consistencies;

/** Identifiers are checked to [a-z][a-z0-9_]*; quoting also keeps CQL keywords usable as names. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function qualified(keyspace: string, table: string): string {
  return `${quoteIdent(keyspace)}.${quoteIdent(table)}`;
}

const CQL_TYPES: Record<ColumnType, string> = {
  text: "text",
  int: "int",
  bigint: "bigint",
  double: "double",
  boolean: "boolean",
  timestamp: "timestamp",
  uuid: "uuid",
  json: "text",
  bytes: "blob",
};

export function cqlType(type: ColumnType): string {
  return CQL_TYPES[type];
}

/** Statement runner bound to a client: every statement is prepared (typed, cached by the driver). */
export class Cql {
  /** The driver encodes bigint columns from `bigint` or from Long, depending on this option. */
  private readonly bigintAsNative: boolean;

  constructor(readonly client: CassandraClient) {
    // `options` is public at run time but missing from the driver's typings.
    const options = (client as unknown as { options: { encoding?: { useBigIntAsLong?: boolean } } }).options;
    this.bigintAsNative = options.encoding?.useBigIntAsLong === true;
  }

  execute(query: string, params: unknown[] = [], options: cassandra.QueryOptions = {}): Promise<cassandra.types.ResultSet> {
    return this.client.execute(query, params, { prepare: true, ...options });
  }

  batch(queries: { query: string; params: unknown[] }[], options: cassandra.QueryOptions = {}): Promise<cassandra.types.ResultSet> {
    return this.client.batch(queries, { prepare: true, ...options });
  }

  /** DDL, not prepared; the driver waits for schema agreement afterwards. */
  ddl(statement: string): Promise<cassandra.types.ResultSet> {
    return this.client.execute(statement);
  }

  bigint(value: bigint): unknown {
    return this.bigintAsNative ? value : cassandra.types.Long.fromString(value.toString());
  }

  encode(type: ColumnType, value: unknown): unknown {
    if (value === undefined || value === null) return null;
    switch (type) {
      case "bigint":
        return this.bigint(value as bigint);
      case "json":
        return JSON.stringify(value);
      case "bytes": {
        const u = value as Uint8Array;
        return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
      }
      default:
        return value;
    }
  }
}

export function toBigint(value: unknown): bigint | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return value;
  return BigInt((value as { toString(): string }).toString());
}

export function decodeValue(type: ColumnType, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  switch (type) {
    case "bigint":
      return toBigint(value);
    case "uuid":
      return (value as { toString(): string }).toString();
    case "json":
      return JSON.parse(value as string);
    case "bytes": {
      const b = value as Buffer;
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    }
    case "int":
    case "double":
      return Number(value);
    default:
      return value;
  }
}

/** Seconds a TTL'd write should live so it is gone at `expiresAtMs` (rounded up: CQL TTLs are whole seconds). */
export function ttlUntil(expiresAtMs: number, nowMs = Date.now()): number {
  return Math.ceil((expiresAtMs - nowMs) / 1000);
}

/** Runs `work` over items with at most `limit` in flight. */
export async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  });
  await Promise.all(workers);
  return results;
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
