// Example projection: how many events each stream has, and when it last changed. Small,
// but written the way real read models should be: the batch goes to the database as
// arrays in one statement (rebuild speed), and a revision guard makes a redelivered batch
// a no-op, so the handler is also correct on stores without atomic checkpoints.

import type { AllFilter } from "@flick/event-store";
import type { SqlQueryable } from "@flick/kernel";
import type { Projection } from "../projection.js";

export interface StreamEventCount {
  stream: string;
  events: number;
  lastRevision: number;
  lastEventAt: Date;
}

export function eventsPerStreamProjection(
  options: { name?: string; version?: number; filter?: AllFilter } = {},
): Projection<SqlQueryable> {
  return {
    name: options.name ?? "events-per-stream",
    version: options.version ?? 1,
    filter: options.filter,
    async setup(tx) {
      await tx.query(`CREATE TABLE IF NOT EXISTS stream_event_counts (
        stream text PRIMARY KEY,
        events bigint NOT NULL,
        last_revision bigint NOT NULL,
        last_event_at timestamptz NOT NULL
      )`);
    },
    async handle(events, tx) {
      // Only events past a stream's last counted revision count: revisions grow within a
      // stream and a stream's events arrive in order, so this drops exactly the repeats.
      await tx.query(
        `WITH batch AS (
           SELECT * FROM unnest($1::text[], $2::bigint[], $3::timestamptz[]) AS b(stream, revision, at)
         ), fresh AS (
           SELECT b.stream, count(*) AS n, max(b.revision) AS last_revision, max(b.at) AS at
           FROM batch b LEFT JOIN stream_event_counts c ON c.stream = b.stream
           WHERE c.stream IS NULL OR b.revision > c.last_revision
           GROUP BY b.stream
         )
         INSERT INTO stream_event_counts AS c (stream, events, last_revision, last_event_at)
         SELECT stream, n, last_revision, at FROM fresh
         ON CONFLICT (stream) DO UPDATE SET
           events = c.events + excluded.events,
           last_revision = excluded.last_revision,
           last_event_at = excluded.last_event_at`,
        [
          events.map((e) => e.streamName),
          events.map((e) => e.revision.toString()),
          events.map((e) => e.recordedAt.toISOString()),
        ],
      );
    },
  };
}

/** Reads the model from a schema (readModelSchema(name) for the live one). */
export async function readStreamEventCounts(db: SqlQueryable, schema: string): Promise<StreamEventCount[]> {
  const { rows } = await db.query<{ stream: string; events: string; last_revision: string; last_event_at: Date }>(
    `SELECT stream, events::text, last_revision::text, last_event_at FROM ${schema}.stream_event_counts ORDER BY stream`,
  );
  return rows.map((r) => ({
    stream: r.stream,
    events: Number(r.events),
    lastRevision: Number(r.last_revision),
    lastEventAt: new Date(r.last_event_at),
  }));
}
