import type { SchemaNames } from "./postgres.schema.js";

// Every statement the store runs after migration. Integers travel as text both ways:
// pg and PGlite map int8 differently (string vs number), text is exact in both.

const EVENT_COLUMNS = `
  e.transaction_id::text AS tx, e.position::text AS pos, e.stream_name, e.revision::text AS revision,
  e.event_id::text AS id, e.event_type AS type, e.content_type, e.data, e.metadata, e.recorded_at`;

/**
 * Only events of transactions that have all ended: none can appear behind a reader later.
 * The price: any long transaction that writes, anywhere in the cluster, delays delivery
 * (never loses events) until it ends. Keep projection transactions short.
 */
const VISIBLE = `e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())`;

export function queries({ schema: s }: SchemaNames) {
  return {
    append: `SELECT append_index, outcome, stream_revision::text AS stream_revision, commit_xid, last_position
             FROM ${s}.append_events($1::jsonb) ORDER BY append_index`,

    readStream: `SELECT ${EVENT_COLUMNS} FROM ${s}.events AS e
                 WHERE e.stream_name = $1 AND e.revision >= $2::bigint
                 ORDER BY e.revision LIMIT $3::bigint`,

    /**
     * Several stream reads (stream, from revision, max count) in one statement: readers
     * arriving in the same turn of the event loop share a round trip (see readStream).
     */
    readStreams: `SELECT r.idx::text AS idx, ${EVENT_COLUMNS}
                  FROM unnest($1::text[], $2::bigint[], $3::bigint[]) WITH ORDINALITY AS r(stream_name, from_revision, max_count, idx)
                  CROSS JOIN LATERAL (
                    SELECT * FROM ${s}.events AS x
                    WHERE x.stream_name = r.stream_name AND x.revision >= r.from_revision
                    ORDER BY x.revision LIMIT r.max_count
                  ) AS e
                  ORDER BY r.idx, e.revision`,

    /**
     * One page of $all after a position. Filters do not shrink the scan window: rows that
     * do not match come back as keys only, so the reader's position still moves past them
     * and a rare category never rescans the same rows on every poll.
     */
    scanAll: `SELECT w.tx, w.pos, w.matched,
                CASE WHEN w.matched THEN w.stream_name END AS stream_name,
                CASE WHEN w.matched THEN w.revision END AS revision,
                CASE WHEN w.matched THEN w.id END AS id,
                CASE WHEN w.matched THEN w.type END AS type,
                CASE WHEN w.matched THEN w.content_type END AS content_type,
                CASE WHEN w.matched THEN w.data END AS data,
                CASE WHEN w.matched THEN w.metadata END AS metadata,
                CASE WHEN w.matched THEN w.recorded_at END AS recorded_at
              FROM (
                SELECT ${EVENT_COLUMNS},
                  ($4::text[] IS NULL OR split_part(e.stream_name, '-', 1) = ANY ($4::text[]))
                  AND ($5::text[] IS NULL OR e.event_type = ANY ($5::text[])) AS matched
                FROM ${s}.events AS e
                WHERE (e.transaction_id, e.position) > ($1::xid8, $2::bigint) AND ${VISIBLE}
                ORDER BY e.transaction_id, e.position
                LIMIT $3::int
              ) AS w`,

    /**
     * The newest committed event, visible to readers yet or not: "everything in the store
     * now" for catch-up waits. Taking only visible ones made a wait return at once while
     * another transaction in the cluster held the horizon back (as on a shared server).
     */
    head: `SELECT e.transaction_id::text AS tx, e.position::text AS pos FROM ${s}.events AS e
           ORDER BY e.transaction_id DESC, e.position DESC LIMIT 1`,
  };
}

export type Queries = ReturnType<typeof queries>;
