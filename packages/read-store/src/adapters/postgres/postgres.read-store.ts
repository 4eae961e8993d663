// The PostgreSQL-family read store: one implementation over kernel's small SQL surface,
// so it runs on a `pg` Pool (server profile), on PGlite in-process (embedded profile),
// and inside a projection runner's transaction (writes commit with the checkpoint).

import { sqlFromPglite, sqlFromPgPool, type SqlQueryable } from "@flick/kernel";
import type { PGlite } from "@electric-sql/pglite";
import type { Pool } from "pg";
import { type ReadStore, type ReadStoreCapabilities, type StructureSpec } from "../../ports/read-store.port.js";
import { checkSpec } from "../../internal/names.js";
import { perSpec } from "../../internal/per-spec.js";
import type { CacheSpec } from "../../ports/cache.port.js";
import type { CounterSpec } from "../../ports/counters.port.js";
import type { SetSpec } from "../../ports/sets.port.js";
import type { SortedSetSpec } from "../../ports/sorted-sets.port.js";
import type { TableSchema } from "../../ports/table.port.js";
import { createPostgresCache, postgresCache, postgresCacheTables } from "./postgres.cache.js";
import { createPostgresCounters, postgresCounterTables, postgresCounters } from "./postgres.counters.js";
import type { EventIdMode } from "./postgres.dedupe.js";
import { pgliteNotifications, pgPoolNotifications, type NotificationSource } from "./postgres.notifications.js";
import { postgresPubSub } from "./postgres.pubsub.js";
import { createPostgresSets, postgresSetTables, postgresSets } from "./postgres.sets.js";
import { createPostgresSortedSets, postgresSortedSetTables, postgresSortedSets } from "./postgres.sorted-sets.js";
import { idempotentDdl, quoteIdent, tableName } from "./postgres.sql.js";
import { createPostgresTable, postgresTable } from "./postgres.tables.js";

export interface PostgresReadStoreOptions {
  /** Where statements run: kernel's sqlFromPgPool / sqlFromPglite, or a transaction. */
  sql: SqlQueryable;
  engine?: "postgres" | "pglite";
  /**
   * Schema of the structures. Absent: unqualified names, resolved by search_path — what
   * the projection runner sets to the slot a handler writes.
   */
  schema?: string;
  /** Enables subscribe (publish needs none). */
  notifications?: NotificationSource;
  /**
   * "dedupe" (default): event ids passed to increments are remembered, so a redelivered
   * event is not counted twice. "transaction": the caller commits these writes together
   * with its checkpoint (the runner on this family), so ids need no memory.
   */
  eventIds?: EventIdMode;
  /** Called by close(), for what the factory opened itself. */
  onClose?: () => Promise<void>;
}

/** A PostgreSQL server serves every port; NOTIFY reaches every connected process. */
export const postgresCapabilities: ReadStoreCapabilities = Object.freeze({
  tables: true,
  counters: true,
  sets: true,
  sortedSets: true,
  cache: true,
  pubsub: "cluster",
  exactLastPage: true,
  tableTtl: true,
});

/** PGlite serves the same ports; its notifications stay inside this process. */
export const pgliteCapabilities: ReadStoreCapabilities = Object.freeze({ ...postgresCapabilities, pubsub: "process" });

export function createPostgresReadStore(options: PostgresReadStoreOptions): ReadStore {
  const { sql, schema, notifications } = options;
  const engine = options.engine ?? "postgres";
  const mode = options.eventIds ?? "dedupe";
  const capabilities = engine === "pglite" ? pgliteCapabilities : postgresCapabilities;
  return {
    engine,
    capabilities,
    async ensure(...specs: StructureSpec[]) {
      if (schema) await idempotentDdl(sql, `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      for (const spec of specs) {
        checkSpec(spec);
        switch (spec.kind) {
          case "table":
            await createPostgresTable(sql, schema, spec);
            break;
          case "counters":
            await createPostgresCounters(sql, schema, spec);
            break;
          case "sets":
            await createPostgresSets(sql, schema, spec);
            break;
          case "sortedSets":
            await createPostgresSortedSets(sql, schema, spec);
            break;
          case "cache":
            await createPostgresCache(sql, schema, spec);
            break;
        }
      }
    },
    async drop(...specs: StructureSpec[]) {
      for (const spec of specs) {
        checkSpec(spec);
        const tables =
          spec.kind === "table"
            ? [spec.name]
            : spec.kind === "counters"
              ? postgresCounterTables(spec)
              : spec.kind === "sets"
                ? postgresSetTables(spec)
                : spec.kind === "sortedSets"
                  ? postgresSortedSetTables(spec)
                  : postgresCacheTables(spec);
        for (const t of tables) await sql.query(`DROP TABLE IF EXISTS ${tableName(schema, t)}`);
      }
    },
    table: perSpec((spec: TableSchema) => (checkSpec(spec), postgresTable(sql, schema, spec))) as ReadStore["table"],
    counters: perSpec((spec: CounterSpec) => (checkSpec(spec), postgresCounters(sql, schema, spec, mode))),
    sets: perSpec((spec: SetSpec) => (checkSpec(spec), postgresSets(sql, schema, spec))),
    sortedSets: perSpec((spec: SortedSetSpec) => (checkSpec(spec), postgresSortedSets(sql, schema, spec, mode))),
    cache: perSpec((spec: CacheSpec) => (checkSpec(spec), postgresCache(sql, schema, spec))),
    pubsub: postgresPubSub(sql, notifications),
    async close() {
      await notifications?.close();
      await options.onClose?.();
    },
  };
}

export interface PostgresConnectionOptions {
  schema?: string;
  eventIds?: EventIdMode;
}

/** Server profile: a read store over a `pg` Pool (the pool stays the caller's to end). */
export function createPgPoolReadStore(pool: Pool, options: PostgresConnectionOptions = {}): ReadStore {
  return createPostgresReadStore({ ...options, sql: sqlFromPgPool(pool), engine: "postgres", notifications: pgPoolNotifications(pool) });
}

/**
 * Embedded profile: a read store over in-process PGlite (the database stays the caller's
 * to close). Pub/sub reaches subscribers in this process only.
 */
export function createPgliteReadStore(db: PGlite, options: PostgresConnectionOptions = {}): ReadStore {
  return createPostgresReadStore({ ...options, sql: sqlFromPglite(db), engine: "pglite", notifications: pgliteNotifications(db) });
}

