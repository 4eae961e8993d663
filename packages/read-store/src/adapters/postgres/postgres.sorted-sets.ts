// Sorted sets on the PostgreSQL family: a row per (key, member) with its score, and an
// index on (key, score DESC, member DESC) so top-k and rank ranges are index range reads
// in exactly Redis's order (ties by member, descending).

import type { SqlQueryable } from "@flick/kernel";
import type { ScoredMember, SortedSetSpec, SortedSets } from "../../ports/sorted-sets.port.js";
import { DEFAULT_DEDUPE_WINDOW_SECONDS } from "../../internal/names.js";
import { toArray } from "../../internal/keys.js";
import { checkIncrement } from "../../internal/increments.js";
import { applyIncrements, createAppliedTable, type EventIdMode } from "./postgres.dedupe.js";
import { idempotentDdl, quoteIdent, tableName, toNumber } from "./postgres.sql.js";

const names = (spec: SortedSetSpec) => ({ scores: `zset_${spec.name}`, applied: `zset_${spec.name}_applied` });

export async function createPostgresSortedSets(sql: SqlQueryable, schema: string | undefined, spec: SortedSetSpec): Promise<void> {
  const n = names(spec);
  const table = tableName(schema, n.scores);
  await idempotentDdl(
    sql,
    `CREATE TABLE IF NOT EXISTS ${table} (key text COLLATE "C" NOT NULL, member text COLLATE "C" NOT NULL, score double precision NOT NULL, PRIMARY KEY (key, member))`,
  );
  await idempotentDdl(sql, `CREATE INDEX IF NOT EXISTS ${quoteIdent(`${n.scores}__rank`)} ON ${table} (key, score DESC, member DESC)`);
  await createAppliedTable(sql, schema, n.applied, ["key", "member"]);
}

export function postgresSortedSetTables(spec: SortedSetSpec): string[] {
  const n = names(spec);
  return [n.scores, n.applied];
}

export function postgresSortedSets(sql: SqlQueryable, schema: string | undefined, spec: SortedSetSpec, mode: EventIdMode): SortedSets {
  const n = names(spec);
  const table = tableName(schema, n.scores);
  const target = {
    table,
    keyColumns: ["key", "member"],
    valueColumn: "score",
    valueType: "double precision" as const,
    appliedTable: tableName(schema, n.applied),
    dedupeWindowSeconds: spec.dedupeWindowSeconds ?? DEFAULT_DEDUPE_WINDOW_SECONDS,
  };
  const toEntries = (rows: { member: string; score: unknown }[]): ScoredMember[] => rows.map((r) => ({ member: r.member, score: Number(r.score) }));
  const range = async (key: string, offset: number, limit: number) => {
    if (limit <= 0) return [];
    const { rows } = await sql.query<{ member: string; score: unknown }>(
      `SELECT member, score FROM ${table} WHERE key = $1 ORDER BY score DESC, member DESC OFFSET $2 LIMIT $3`,
      [key, offset, limit],
    );
    return toEntries(rows);
  };

  const sortedSets: SortedSets = {
    async add(key, entries) {
      // Last score wins for a member given twice (ON CONFLICT cannot touch a row twice).
      const byMember = new Map(toArray(entries).map((e) => [e.member, checkIncrement(e.score)]));
      if (byMember.size === 0) return;
      await sql.query(
        `INSERT INTO ${table} (key, member, score) SELECT $1, m, s FROM unnest($2::text[], $3::double precision[]) AS i(m, s)
         ON CONFLICT (key, member) DO UPDATE SET score = EXCLUDED.score`,
        [key, [...byMember.keys()], [...byMember.values()]],
      );
    },
    incrementScore: (key, member, by, options) => sortedSets.incrementMany([{ key, member, by, eventId: options?.eventId }]),
    async incrementMany(increments) {
      const incs = increments.map((i) => ({ key: [i.key, i.member], by: checkIncrement(i.by), eventId: i.eventId }));
      await applyIncrements(sql, target, incs, mode);
    },
    async score(key, member) {
      const { rows } = await sql.query<{ score: unknown }>(`SELECT score FROM ${table} WHERE key = $1 AND member = $2`, [key, member]);
      return rows[0] ? Number(rows[0].score) : undefined;
    },
    top: (key, k) => range(key, 0, k),
    range,
    async rank(key, member) {
      const { rows } = await sql.query<{ rank: unknown }>(
        `SELECT (SELECT count(*) FROM ${table} o WHERE o.key = me.key AND (o.score, o.member) > (me.score, me.member)) AS rank
         FROM ${table} me WHERE me.key = $1 AND me.member = $2`,
        [key, member],
      );
      return rows[0] ? toNumber(rows[0].rank) : undefined;
    },
    async remove(key, members) {
      const list = toArray(members);
      if (list.length === 0) return;
      await sql.query(`DELETE FROM ${table} WHERE key = $1 AND member = ANY($2::text[])`, [key, [...list]]);
    },
    async trim(key, keep) {
      await sql.query(
        `DELETE FROM ${table} WHERE key = $1 AND member IN (
           SELECT member FROM ${table} WHERE key = $1 ORDER BY score DESC, member DESC OFFSET $2)`,
        [key, Math.max(0, keep)],
      );
    },
    async size(key) {
      const { rows } = await sql.query<{ n: unknown }>(`SELECT count(*) AS n FROM ${table} WHERE key = $1`, [key]);
      return toNumber(rows[0]?.n);
    },
  };
  return sortedSets;
}
