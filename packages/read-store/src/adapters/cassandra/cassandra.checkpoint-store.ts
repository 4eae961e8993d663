// Projections on Cassandra. There is no transaction spanning a batch's writes and the
// checkpoint, so (as the runner's port allows) atomicCheckpoint is false: the handler's
// writes are idempotent (upserts; counters and scores deduplicated by event id), and only
// after they succeeded is the checkpoint row moved, by LWT, from the checkpoint the batch
// started at. A crash in between redelivers the batch, which then changes nothing.
//
// Each slot generation is its own keyspace, "<prefix><projection>_<generation>", named in
// the checkpoint row. Keyspaces cannot be renamed, so promoting a rebuild re-points the
// live row at the rebuild's keyspace (one conditional batch on the projection's partition)
// and drops the old keyspace; openLive resolves the current one.

import cassandra from "cassandra-driver";
import { CheckpointConflictError, type Slot } from "@flick/projection-runner";
import type { ReadStore } from "../../ports/read-store.port.js";
import { newGeneration, storageName, type ReadModelCheckpoints } from "../../projection/read-model-checkpoints.js";
import { consistencies, quoteIdent, type CassandraClient } from "./cassandra.cql.js";
import { createCassandraReadStore, ensureKeyspace } from "./cassandra.read-store.js";

export interface CassandraCheckpointStoreOptions {
  client: CassandraClient;
  /** Keyspace of the checkpoints table (default "flick_projections"). */
  metaKeyspace?: string;
  /** Prefix of slot keyspaces (default "rm_"). */
  keyspacePrefix?: string;
  /** Replication of the keyspaces created (default: SimpleStrategy, 1 replica). */
  replication?: Record<string, string | number>;
}

interface SlotRow {
  version: number;
  generation: string;
  checkpoint: string | undefined;
}

export function createCassandraCheckpointStore(options: CassandraCheckpointStoreOptions): ReadModelCheckpoints {
  const { client } = options;
  const meta = options.metaKeyspace ?? "flick_projections";
  const prefix = options.keyspacePrefix ?? "rm_";
  const table = `${quoteIdent(meta)}.projection_checkpoints`;
  const serial = { prepare: true, consistency: consistencies.serial };
  const lwt = { prepare: true, serialConsistency: consistencies.serial };
  let ready: Promise<void> | undefined;
  const ensureMeta = () =>
    (ready ??= (async () => {
      await ensureKeyspace(client, meta, options.replication);
      await client.execute(
        `CREATE TABLE IF NOT EXISTS ${table} (projection text, slot text, version int, generation text, checkpoint text, PRIMARY KEY (projection, slot))`,
      );
    })().catch((err) => {
      ready = undefined;
      throw err;
    }));

  const keyspaceOf = (projection: string, generation: string) => {
    const ks = `${prefix}${storageName(projection)}_${generation}`;
    if (ks.length > 48) throw new TypeError(`projection name too long for a Cassandra keyspace: ${projection}`);
    return ks;
  };
  const storeFor = (projection: string, generation: string): ReadStore =>
    createCassandraReadStore({ client, keyspace: keyspaceOf(projection, generation), replication: options.replication });

  const read = async (projection: string, slot: Slot): Promise<SlotRow | undefined> => {
    await ensureMeta();
    const rs = await client.execute(`SELECT version, generation, checkpoint FROM ${table} WHERE projection = ? AND slot = ?`, [projection, slot], serial);
    const row = rs.rows[0];
    return row ? { version: row["version"] as number, generation: row["generation"] as string, checkpoint: (row["checkpoint"] as string | null) ?? undefined } : undefined;
  };
  const applied = (rs: cassandra.types.ResultSet) => rs.rows[0]?.["[applied]"] === true;

  return {
    capabilities: { atomicCheckpoint: false },

    async prepare(projection, slot) {
      await ensureMeta();
      // Claim a generation first (IF NOT EXISTS): two runners preparing at once agree on one.
      await client.execute(
        `INSERT INTO ${table} (projection, slot, version, generation) VALUES (?, ?, ?, ?) IF NOT EXISTS`,
        [projection.name, slot, projection.version, newGeneration()],
        lwt,
      );
      const row = await read(projection.name, slot);
      const keyspace = keyspaceOf(projection.name, row!.generation);
      await ensureKeyspace(client, keyspace, options.replication);
      // Setup is idempotent (CREATE … IF NOT EXISTS), so a repeated prepare is harmless.
      await projection.setup?.(storeFor(projection.name, row!.generation));
    },

    async load(projection, slot) {
      const row = await read(projection.name, slot);
      return row && { version: row.version, checkpoint: row.checkpoint };
    },

    async commit(projection, slot, from, to, work) {
      const row = await read(projection.name, slot);
      if (!row || row.checkpoint !== from) throw new CheckpointConflictError(projection.name, slot, from);
      await work(storeFor(projection.name, row.generation));
      // The generation is part of the condition: after a promotion elsewhere, a runner still
      // writing the old keyspace is fenced off here and reloads.
      const rs = await client.execute(
        `UPDATE ${table} SET checkpoint = ? WHERE projection = ? AND slot = ? IF checkpoint = ? AND generation = ?`,
        [to, projection.name, slot, from ?? null, row.generation],
        lwt,
      );
      if (!applied(rs)) throw new CheckpointConflictError(projection.name, slot, from);
    },

    async promote(projection) {
      const rebuilt = await read(projection.name, "rebuild");
      if (!rebuilt) throw new Error(`projection ${projection.name}: no rebuild slot to promote`);
      const live = await read(projection.name, "live");
      // One partition (the projection), so the two rows change together.
      const rs = await client.batch(
        [
          {
            query: `UPDATE ${table} SET version = ?, generation = ?, checkpoint = ? WHERE projection = ? AND slot = 'live' IF generation = ?`,
            params: [rebuilt.version, rebuilt.generation, rebuilt.checkpoint ?? null, projection.name, live?.generation ?? null],
          },
          { query: `DELETE FROM ${table} WHERE projection = ? AND slot = 'rebuild'`, params: [projection.name] },
        ],
        lwt,
      );
      if (!applied(rs)) throw new CheckpointConflictError(projection.name, "live", live?.checkpoint);
      if (live) await client.execute(`DROP KEYSPACE IF EXISTS ${quoteIdent(keyspaceOf(projection.name, live.generation))}`);
    },

    async discard(projection, slot) {
      const row = await read(projection.name, slot);
      if (!row) return;
      await client.execute(`DROP KEYSPACE IF EXISTS ${quoteIdent(keyspaceOf(projection.name, row.generation))}`);
      await client.execute(`DELETE FROM ${table} WHERE projection = ? AND slot = ? IF EXISTS`, [projection.name, slot], lwt);
    },

    async openLive(projection) {
      const row = await read(projection, "live");
      if (!row) throw new Error(`projection ${projection} has no live slot yet`);
      return storeFor(projection, row.generation);
    },
  };
}
