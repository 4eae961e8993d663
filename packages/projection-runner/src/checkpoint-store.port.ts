// Where a projection's writes and checkpoint go: the runner's only storage port. The
// PostgreSQL family commits both in one transaction (exactly-once effect); Cassandra
// (idempotent upserts, then a checkpoint row) and Redis (per-event idempotency keys)
// can implement the same port with `atomicCheckpoint: false`.

import type { Projection } from "./projection.js";

/** "live" is what queries read; "rebuild" is filled from position 0, then promoted. */
export type Slot = "live" | "rebuild";

export interface StoredCheckpoint {
  /** Last event applied; undefined: start from the beginning. */
  checkpoint: string | undefined;
  /** Projection version that wrote this slot. */
  version: number;
}

export interface CheckpointStore<Tx> {
  readonly capabilities: {
    /** Writes and checkpoint commit together; otherwise handlers see redeliveries. */
    atomicCheckpoint: boolean;
  };
  /** Creates the slot's storage and tables (projection.setup) if missing. */
  prepare(projection: Projection<Tx>, slot: Slot): Promise<void>;
  /** The slot's checkpoint, or undefined when the slot has never been prepared. */
  load(projection: Projection<Tx>, slot: Slot): Promise<StoredCheckpoint | undefined>;
  /**
   * Runs `work`, then moves the slot's checkpoint from `from` to `to`. Throws
   * CheckpointConflictError (and applies nothing, where atomic) when the stored
   * checkpoint is not `from`: another runner has moved it.
   */
  commit(projection: Projection<Tx>, slot: Slot, from: string | undefined, to: string, work: (tx: Tx) => Promise<void>): Promise<void>;
  /** Replaces the live slot with the rebuild slot, atomically for readers where possible. */
  promote(projection: Projection<Tx>): Promise<void>;
  /** Deletes a slot's storage and checkpoint. */
  discard(projection: Projection<Tx>, slot: Slot): Promise<void>;
}

export class CheckpointConflictError extends Error {
  constructor(readonly projection: string, readonly slot: Slot, readonly expected: string | undefined) {
    super(`projection ${projection} (${slot}): checkpoint moved by someone else (expected ${expected ?? "start"})`);
    this.name = "CheckpointConflictError";
  }
}
