// Structure names become table names (PostgreSQL, Cassandra) and key segments (Redis), so
// they are checked once here against the strictest rules: Cassandra table names are at
// most 48 characters, and the adapters add prefixes and suffixes of up to 16.

import type { StructureSpec } from "../ports/read-store.port.js";
import type { TableSchema } from "../ports/table.port.js";

const NAME = /^[a-z][a-z0-9_]{0,31}$/;

export function checkName(name: string): string {
  if (!NAME.test(name)) {
    throw new TypeError(`read-store name "${name}": use lowercase letters, digits and underscores, start with a letter, at most 32 characters`);
  }
  return name;
}

const COLUMN = /^[a-z][a-z0-9_]{0,47}$/;

/** Validates a table description once, before any adapter turns it into DDL. */
export function checkSchema(schema: TableSchema): void {
  checkName(schema.name);
  if (schema.partitionKey.length === 0) throw new TypeError(`table ${schema.name}: a partition key needs at least one column`);
  const seen = new Set<string>();
  for (const c of [...schema.partitionKey, ...(schema.clustering ?? []), ...(schema.columns ?? [])]) {
    if (!COLUMN.test(c.name) || c.name.startsWith("_")) throw new TypeError(`table ${schema.name}: bad column name "${c.name}"`);
    if (seen.has(c.name)) throw new TypeError(`table ${schema.name}: column "${c.name}" appears twice`);
    seen.add(c.name);
  }
  for (const c of [...schema.partitionKey, ...(schema.clustering ?? [])]) {
    if (c.type === "json") throw new TypeError(`table ${schema.name}: key column "${c.name}" cannot be json`);
  }
  if (schema.ttlSeconds !== undefined && !(Number.isInteger(schema.ttlSeconds) && schema.ttlSeconds > 0)) {
    throw new TypeError(`table ${schema.name}: ttlSeconds must be a positive integer`);
  }
}

export function checkSpec(spec: StructureSpec): void {
  if (spec.kind === "table") return checkSchema(spec);
  checkName(spec.name);
  if (spec.kind === "sets") {
    if (spec.ttlSeconds !== undefined && !(spec.ttlSeconds > 0)) throw new TypeError(`set ${spec.name}: ttlSeconds must be positive`);
    if (spec.maxSize !== undefined && !(Number.isInteger(spec.maxSize) && spec.maxSize > 0)) {
      throw new TypeError(`set ${spec.name}: maxSize must be a positive integer`);
    }
  }
}

/** Default memory of applied event ids. */
export const DEFAULT_DEDUPE_WINDOW_SECONDS = 7 * 24 * 3600;
