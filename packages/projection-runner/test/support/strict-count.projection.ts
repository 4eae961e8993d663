// A deliberately non-idempotent projection for the tests: plain increments, no revision
// guard. Only an atomic checkpoint keeps it exact, so any lost or repeated batch shows.

import type { SqlQueryable } from "@flick/kernel";
import type { Projection } from "../../src/index.js";

export function strictCountProjection(name = "strict-count", version = 1): Projection<SqlQueryable> {
  return {
    name,
    version,
    async setup(tx) {
      await tx.query(`CREATE TABLE IF NOT EXISTS per_stream (stream text PRIMARY KEY, n bigint NOT NULL)`);
      await tx.query(`CREATE TABLE IF NOT EXISTS totals (id int PRIMARY KEY, deliveries bigint NOT NULL)`);
      await tx.query(`INSERT INTO totals VALUES (1, 0) ON CONFLICT DO NOTHING`);
    },
    async handle(events, tx) {
      await tx.query(
        `INSERT INTO per_stream AS p (stream, n)
         SELECT s, count(*) FROM unnest($1::text[]) AS s GROUP BY s
         ON CONFLICT (stream) DO UPDATE SET n = p.n + excluded.n`,
        [events.map((e) => e.streamName)],
      );
      await tx.query(`UPDATE totals SET deliveries = deliveries + $1 WHERE id = 1`, [events.length]);
    },
  };
}

export async function readStrictCounts(db: SqlQueryable, schema: string): Promise<{ perStream: Record<string, number>; deliveries: number }> {
  const { rows } = await db.query<{ stream: string; n: string }>(`SELECT stream, n::text FROM ${schema}.per_stream ORDER BY stream`);
  const total = await db.query<{ deliveries: string }>(`SELECT deliveries::text FROM ${schema}.totals WHERE id = 1`);
  return {
    perStream: Object.fromEntries(rows.map((r) => [r.stream, Number(r.n)])),
    deliveries: Number(total.rows[0]?.deliveries ?? 0),
  };
}
