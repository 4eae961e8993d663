// The checkpoint store on the PostgreSQL family (pg Pool or PGlite). Each projection slot
// is its own schema — "proj_<name>" is live, "proj_<name>__rebuild" is being rebuilt —
// and handlers write unqualified table names: the runner points search_path at the slot,
// so the same handler fills either one and promotion is a schema rename.

import { sqlIdentifier, type SqlDatabase, type SqlQueryable } from "@flick/kernel";
import { CheckpointConflictError, type CheckpointStore, type Slot, type StoredCheckpoint } from "./checkpoint-store.port.js";
import type { Projection } from "./projection.js";

/** The schema that queries read a projection's live tables from. */
export function readModelSchema(projectionName: string): string {
  return `proj_${sqlIdentifier(projectionName)}`;
}

function slotSchema(projectionName: string, slot: Slot): string {
  const live = readModelSchema(projectionName);
  return slot === "live" ? live : `${live}__rebuild`;
}

export interface SqlCheckpointStoreOptions {
  /** Schema of the checkpoints table (default "public"). */
  schema?: string;
}

export function createSqlCheckpointStore(db: SqlDatabase, options: SqlCheckpointStoreOptions = {}): CheckpointStore<SqlQueryable> {
  const table = `${sqlIdentifier(options.schema ?? "public")}.projection_checkpoints`;
  // Concurrent CREATE … IF NOT EXISTS can still collide in the catalog (two runners
  // starting at once): DDL here runs under one transaction-scoped advisory lock.
  const ddlLock = (tx: SqlQueryable) => tx.query(`SELECT pg_advisory_xact_lock(hashtext('flick.projection-ddl'))`);
  let ready: Promise<unknown> | undefined;
  const ensureTable = () =>
    (ready ??= db
      .transaction(async (tx) => {
        await ddlLock(tx);
        await tx.query(
          `CREATE TABLE IF NOT EXISTS ${table} (
            projection text NOT NULL,
            slot text NOT NULL,
            version integer NOT NULL,
            checkpoint text,
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (projection, slot)
          )`,
        );
      })
      .catch((err) => {
        ready = undefined;
        throw err;
      }));

  const inSlot = (tx: SqlQueryable, projection: Projection<SqlQueryable>, slot: Slot) =>
    tx.query(`SET LOCAL search_path TO ${slotSchema(projection.name, slot)}`);

  return {
    capabilities: { atomicCheckpoint: true },

    async prepare(projection, slot) {
      await ensureTable();
      await db.transaction(async (tx) => {
        await ddlLock(tx);
        await tx.query(`CREATE SCHEMA IF NOT EXISTS ${slotSchema(projection.name, slot)}`);
        await inSlot(tx, projection, slot);
        await projection.setup?.(tx);
        await tx.query(
          `INSERT INTO ${table} (projection, slot, version, checkpoint) VALUES ($1, $2, $3, NULL)
           ON CONFLICT (projection, slot) DO NOTHING`,
          [projection.name, slot, projection.version],
        );
      });
    },

    async load(projection, slot): Promise<StoredCheckpoint | undefined> {
      await ensureTable();
      const { rows } = await db.query<{ version: number; checkpoint: string | null }>(
        `SELECT version, checkpoint FROM ${table} WHERE projection = $1 AND slot = $2`,
        [projection.name, slot],
      );
      const row = rows[0];
      return row ? { version: Number(row.version), checkpoint: row.checkpoint ?? undefined } : undefined;
    },

    async commit(projection, slot, from, to, work) {
      await db.transaction(async (tx) => {
        // The conditional update first: it locks the row, so a second runner of the same
        // projection waits here and then finds the checkpoint moved (fencing).
        const { rows } = await tx.query(
          `UPDATE ${table} SET checkpoint = $4, updated_at = now()
           WHERE projection = $1 AND slot = $2 AND checkpoint IS NOT DISTINCT FROM $3::text
           RETURNING 1 AS ok`,
          [projection.name, slot, from ?? null, to],
        );
        if (rows.length === 0) throw new CheckpointConflictError(projection.name, slot, from);
        await inSlot(tx, projection, slot);
        await work(tx);
      });
    },

    async promote(projection) {
      const live = slotSchema(projection.name, "live");
      const rebuilt = slotSchema(projection.name, "rebuild");
      await db.transaction(async (tx) => {
        await tx.query(`DROP SCHEMA IF EXISTS ${live} CASCADE`);
        await tx.query(`ALTER SCHEMA ${rebuilt} RENAME TO ${live}`);
        await tx.query(`DELETE FROM ${table} WHERE projection = $1 AND slot = 'live'`, [projection.name]);
        await tx.query(`UPDATE ${table} SET slot = 'live', updated_at = now() WHERE projection = $1 AND slot = 'rebuild'`, [
          projection.name,
        ]);
      });
    },

    async discard(projection, slot) {
      await ensureTable();
      await db.transaction(async (tx) => {
        await tx.query(`DROP SCHEMA IF EXISTS ${slotSchema(projection.name, slot)} CASCADE`);
        await tx.query(`DELETE FROM ${table} WHERE projection = $1 AND slot = $2`, [projection.name, slot]);
      });
    },
  };
}
