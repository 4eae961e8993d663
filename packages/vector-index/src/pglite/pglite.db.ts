// The slice of PGlite the adapter uses. Typed structurally so the embedded profile can
// hand in the one PGlite instance it shares with the event store and read models (loaded
// with the pgvector extension), whichever copy of @electric-sql/pglite created it.

import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";

interface Results<T> {
  rows: T[];
  affectedRows?: number;
}

export interface PgliteQueryable {
  query<T>(sql: string, params?: unknown[]): Promise<Results<T>>;
  exec(sql: string): Promise<unknown>;
}

export interface PgliteLike extends PgliteQueryable {
  transaction<T>(fn: (tx: PgliteQueryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Opens a PGlite database with pgvector (in memory without a directory). Give the
 * instance to PgliteVectorIndex; a shared instance must be created with
 * `extensions: { vector }` from @electric-sql/pglite-pgvector in the same way.
 */
export async function openPgliteWithVector(dataDir?: string): Promise<PgliteLike> {
  if (dataDir !== undefined) await mkdir(dataDir, { recursive: true });
  return PGlite.create(dataDir ?? "memory://", { extensions: { vector } });
}
