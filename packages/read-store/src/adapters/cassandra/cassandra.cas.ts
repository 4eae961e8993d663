// Exactly-once updates of a value on Cassandra, the part counter tables cannot do.
//
// A partition holds the value in STATIC columns (one copy per partition) plus a version,
// and one clustering row per applied event id (a "marker", written with a TTL: the dedupe
// window). An update reads the value and the markers of its event ids at SERIAL
// consistency, then writes the new value and the new markers in one conditional batch
// (IF version = the version read). A batch on one partition is atomic and a conditional
// one is linearizable (Paxos), so:
//   - concurrent writers serialize: a loser re-reads and retries;
//   - a redelivered event finds its marker and changes nothing;
//   - a timed-out CAS (outcome unknown) is retried safely, because the retry finds the
//     marker if the first attempt went through. Increments without an event id get a
//     random marker for exactly that reason.
//
// The version doubles as the write timestamp of derived rows (the sorted-set rank index),
// so it is max(previous + 1, now in µs): monotonic per partition and close to real time.

import { randomUUID } from "node:crypto";
import cassandra from "cassandra-driver";
import { chunks, consistencies, quoteIdent, toBigint, type Cql } from "./cassandra.cql.js";

export interface CasTable {
  /** Qualified table name. */
  table: string;
  /** Partition key column names. */
  partition: string[];
  /** Static columns holding the value (besides "version"). */
  statics: string[];
}

export type StaticState = Record<string, unknown> & { version: bigint | null };

export interface CasOutcome {
  before: StaticState;
  after: StaticState;
  /** False when every event id had already been applied. */
  applied: boolean;
}

const MAX_ATTEMPTS = 200;
/** Markers per conditional batch: keeps batches small (batch_size_warn_threshold). */
const MARKERS_PER_BATCH = 50;

export async function casUpdate(
  cql: Cql,
  t: CasTable,
  partition: unknown[],
  eventIds: readonly (string | undefined)[],
  markerTtlSeconds: number,
  compute: (current: StaticState, freshCount: number, freshIndexes: number[]) => Record<string, unknown>,
): Promise<CasOutcome> {
  const ids = eventIds.map((id) => id ?? `anon:${randomUUID()}`);
  let outcome: CasOutcome | undefined;
  // Large batches are applied a chunk at a time; each chunk is exactly-once by itself.
  for (const chunk of chunks(ids.map((id, i) => ({ id, i })), MARKERS_PER_BATCH)) {
    const result = await casChunk(cql, t, partition, chunk, markerTtlSeconds, compute);
    outcome = outcome ? { before: outcome.before, after: result.after, applied: outcome.applied || result.applied } : result;
  }
  return outcome!;
}

async function casChunk(
  cql: Cql,
  t: CasTable,
  partition: unknown[],
  chunk: { id: string; i: number }[],
  markerTtlSeconds: number,
  compute: (current: StaticState, freshCount: number, freshIndexes: number[]) => Record<string, unknown>,
): Promise<CasOutcome> {
  const where = t.partition.map((c) => `${quoteIdent(c)} = ?`).join(" AND ");
  const staticCols = [...t.statics, "version"];
  const readStatic = `SELECT ${staticCols.map(quoteIdent).join(", ")} FROM ${t.table} WHERE ${where} LIMIT 1`;
  const readMarkers = `SELECT marker FROM ${t.table} WHERE ${where} AND marker IN ?`;
  const update = `UPDATE ${t.table} SET ${staticCols.map((c) => `${quoteIdent(c)} = ?`).join(", ")} WHERE ${where} IF version = ?`;
  const insertMarker = `INSERT INTO ${t.table} (${[...t.partition, "marker"].map(quoteIdent).join(", ")}) VALUES (${[...t.partition, "marker"].map(() => "?").join(", ")}) USING TTL ?`;
  const serial = { consistency: consistencies.serial };

  for (let attempt = 0; ; attempt++) {
    // Version first, markers second, never in parallel: the CAS below succeeds only if
    // nothing committed since the version was read, so markers read after it are exactly
    // the markers at CAS time. Read the other way round, a concurrent delivery of the same
    // event could commit between the two reads and be applied twice.
    const statics = await cql.execute(readStatic, partition, serial);
    const markers = await cql.execute(readMarkers, [...partition, chunk.map((c) => c.id)], serial);
    const row = statics.rows[0];
    const current: StaticState = { version: null };
    for (const c of t.statics) current[c] = row?.[c] ?? null;
    current.version = toBigint(row?.["version"]);
    const seen = new Set(markers.rows.map((r) => r["marker"] as string));
    const fresh = chunk.filter((c) => !seen.has(c.id));
    if (fresh.length === 0) return { before: current, after: current, applied: false };

    const next = compute(current, fresh.length, fresh.map((f) => f.i));
    const nowMicros = BigInt(Date.now()) * 1000n;
    const version = current.version === null || current.version < nowMicros ? nowMicros : current.version + 1n;
    const queries = [
      { query: update, params: [...t.statics.map((c) => next[c] ?? null), cql.bigint(version), ...partition, current.version === null ? null : cql.bigint(current.version)] },
      ...fresh.map((f) => ({ query: insertMarker, params: [...partition, f.id, markerTtlSeconds] })),
    ];
    try {
      const result = await cql.batch(queries, { serialConsistency: consistencies.serial });
      if (result.rows[0]?.["[applied]"] === true) return { before: current, after: { ...next, version }, applied: true };
    } catch (err) {
      // A CAS that timed out may or may not have been applied: the next round's read tells.
      if (!isUnknownCasOutcome(err)) throw err;
    }
    if (attempt >= MAX_ATTEMPTS) throw new Error(`cassandra: gave up on ${t.table} after ${MAX_ATTEMPTS} contended attempts`);
    await backoff(attempt);
  }
}

function isUnknownCasOutcome(err: unknown): boolean {
  const e = err as { code?: number; writeType?: string };
  return (
    (e.code === cassandra.types.responseErrorCodes.writeTimeout && e.writeType === "CAS") ||
    // Paxos contention can also surface as an unavailable/timeout on the read before commit.
    e.code === cassandra.types.responseErrorCodes.readTimeout ||
    err instanceof cassandra.errors.OperationTimedOutError
  );
}

/** Jittered exponential backoff: contenders spread out instead of colliding again. */
function backoff(attempt: number): Promise<void> {
  const cap = Math.min(100, 2 * 2 ** Math.min(attempt, 6));
  return new Promise((resolve) => setTimeout(resolve, Math.random() * cap));
}
