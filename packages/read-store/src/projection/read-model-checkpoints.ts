// How read stores meet the projection runner. The runner owns the checkpoint-store port
// (@flick/projection-runner: CheckpointStore<Tx>); here Tx is a ReadStore bound to the
// slot being written, so one projection handler, written against the read-store ports,
// runs unchanged on every family:
//   PostgreSQL/PGlite  the runner's own SQL checkpoint store: writes and checkpoint in one
//                      transaction (atomic), the handler's ReadStore runs inside it.
//   Cassandra          idempotent writes, then the checkpoint row moved by LWT.
//   Redis              writes idempotent per event id, then the checkpoint moved by Lua.

import type { CheckpointStore, Projection } from "@flick/projection-runner";
import type { ReadStore } from "../ports/read-store.port.js";

export interface ReadModelCheckpoints extends CheckpointStore<ReadStore> {
  /**
   * A read store on a projection's live slot, for queries. A promoted rebuild moves the
   * live slot on Cassandra and Redis: re-open after a rebuild (PostgreSQL renames in place).
   */
  openLive(projection: string): Promise<ReadStore>;
}

/**
 * A checkpoint store over transactions of type A, seen as one over read stores: each
 * transaction is wrapped by `bind` before the handler (or setup) sees it.
 */
export function mapCheckpointStore<A, B>(inner: CheckpointStore<A>, bind: (tx: A) => B): CheckpointStore<B> {
  const adapt = (p: Projection<B>): Projection<A> => ({
    name: p.name,
    version: p.version,
    filter: p.filter,
    setup: p.setup && ((tx: A) => p.setup!(bind(tx))),
    handle: (events, tx) => p.handle(events, bind(tx)),
  });
  return {
    capabilities: inner.capabilities,
    prepare: (p, slot) => inner.prepare(adapt(p), slot),
    load: (p, slot) => inner.load(adapt(p), slot),
    commit: (p, slot, from, to, work) => inner.commit(adapt(p), slot, from, to, (tx) => work(bind(tx))),
    promote: (p) => inner.promote(adapt(p)),
    discard: (p, slot) => inner.discard(adapt(p), slot),
  };
}

/** A short random id naming one generation of a slot's storage. */
export function newGeneration(): string {
  return Math.random().toString(36).slice(2, 10).padEnd(8, "0");
}

/** Names in slot storage: the runner's "events-per-stream" → "events_per_stream". */
export function storageName(projection: string): string {
  const id = projection.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  if (!/^[a-z][a-z0-9_]*$/.test(id)) throw new TypeError(`projection name not usable for storage: ${projection}`);
  return id;
}
