// Projections on the PostgreSQL family: the runner's SQL checkpoint store (a schema per
// slot, writes and checkpoint in one transaction), with each transaction handed to the
// handler as a ReadStore. Inside the transaction, event ids need no memory (the rollback of
// a failed batch takes its increments with it), and table names stay unqualified so they
// land in the slot's schema through the search_path the runner sets.

import { sqlFromPglite, sqlFromPgPool, type SqlDatabase } from "@flick/kernel";
import { createSqlCheckpointStore, readModelSchema } from "@flick/projection-runner";
import type { PGlite } from "@electric-sql/pglite";
import type { Pool } from "pg";
import { mapCheckpointStore, type ReadModelCheckpoints } from "../../projection/read-model-checkpoints.js";
import { pgliteNotifications, pgPoolNotifications, type NotificationSource } from "./postgres.notifications.js";
import { createPostgresReadStore } from "./postgres.read-store.js";

export interface PostgresCheckpointStoreOptions {
  engine?: "postgres" | "pglite";
  /** Lets stores from openLive subscribe (handlers only publish, which needs none); one per store, closed with it. */
  notifications?: () => NotificationSource;
}

export function createPostgresCheckpointStore(db: SqlDatabase, options: PostgresCheckpointStoreOptions = {}): ReadModelCheckpoints {
  const engine = options.engine ?? "postgres";
  const inner = createSqlCheckpointStore(db);
  const store = mapCheckpointStore(inner, (tx) => createPostgresReadStore({ sql: tx, engine, eventIds: "transaction" }));
  return {
    ...store,
    async openLive(projection) {
      // A promoted rebuild is renamed into this same schema: the name never changes.
      return createPostgresReadStore({ sql: db, engine, schema: readModelSchema(projection), notifications: options.notifications?.() });
    },
  };
}

export function createPgPoolCheckpointStore(pool: Pool): ReadModelCheckpoints {
  return createPostgresCheckpointStore(sqlFromPgPool(pool), { engine: "postgres", notifications: () => pgPoolNotifications(pool) });
}

export function createPgliteCheckpointStore(db: PGlite): ReadModelCheckpoints {
  return createPostgresCheckpointStore(sqlFromPglite(db), { engine: "pglite", notifications: () => pgliteNotifications(db) });
}
