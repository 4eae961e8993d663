// Sorted sets on Cassandra: two tables shaped for their queries.
//   zset_<name>_scores  PRIMARY KEY ((key, member), marker): the truth. The score is a
//                       static column updated by CAS with applied-event markers, exactly
//                       like a counter, with the previous score kept beside it.
//   zset_<name>_rank    PRIMARY KEY (key, score, member), CLUSTERING ORDER BY (score DESC,
//                       member DESC): the index that top-k, rank ranges and trims read.
// The rank index is written after the CAS, with the score's version as the write
// timestamp: "insert (new score)" and "delete (previous score)" at that version. Writes
// from concurrent writers may arrive in any order and still converge (the higher version
// wins, a delete beats an insert at the same version), and every write first re-issues
// the current version's index writes, so an update whose index write was lost (a crash
// between the two steps) is repaired when its event is redelivered.

import type { ScoredMember, SortedSetSpec, SortedSets } from "../../ports/sorted-sets.port.js";
import { DEFAULT_DEDUPE_WINDOW_SECONDS } from "../../internal/names.js";
import { toArray } from "../../internal/keys.js";
import { checkIncrement } from "../../internal/increments.js";
import { casUpdate, type StaticState } from "./cassandra.cas.js";
import { MARKER_TABLE_OPTIONS } from "./cassandra.counters.js";
import { inParallel, qualified, type Cql } from "./cassandra.cql.js";

const names = (spec: SortedSetSpec) => ({ scores: `zset_${spec.name}_scores`, rank: `zset_${spec.name}_rank` });

export async function createCassandraSortedSets(cql: Cql, keyspace: string, spec: SortedSetSpec): Promise<void> {
  const n = names(spec);
  await cql.ddl(
    `CREATE TABLE IF NOT EXISTS ${qualified(keyspace, n.scores)} (
       key text, member text, marker text, score double static, prev_score double static, version bigint static,
       PRIMARY KEY ((key, member), marker)) WITH ${MARKER_TABLE_OPTIONS}`,
  );
  await cql.ddl(
    `CREATE TABLE IF NOT EXISTS ${qualified(keyspace, n.rank)} (
       key text, score double, member text, PRIMARY KEY (key, score, member))
     WITH CLUSTERING ORDER BY (score DESC, member DESC) AND ${MARKER_TABLE_OPTIONS}`,
  );
}

export function cassandraSortedSetTables(spec: SortedSetSpec): string[] {
  const n = names(spec);
  return [n.scores, n.rank];
}

interface Change {
  /** Score set at `version`, or null when the member was removed. */
  score: number | null;
  prevScore: number | null;
  version: bigint;
}

export function cassandraSortedSets(cql: Cql, keyspace: string, spec: SortedSetSpec): SortedSets {
  const n = names(spec);
  const scoresTable = qualified(keyspace, n.scores);
  const rankTable = qualified(keyspace, n.rank);
  const ttl = spec.dedupeWindowSeconds ?? DEFAULT_DEDUPE_WINDOW_SECONDS;
  const cas = { table: scoresTable, partition: ["key", "member"], statics: ["score", "prev_score"] };
  const insertRank = `INSERT INTO ${rankTable} (key, score, member) VALUES (?, ?, ?) USING TIMESTAMP ?`;
  const deleteRank = `DELETE FROM ${rankTable} USING TIMESTAMP ? WHERE key = ? AND score = ? AND member = ?`;

  const changeOf = (s: StaticState): Change | undefined =>
    s.version === null ? undefined : { score: (s["score"] as number | null) ?? null, prevScore: (s["prev_score"] as number | null) ?? null, version: s.version };

  /** The index writes of one version (idempotent; one partition, so one unlogged batch). */
  const indexWrites = (key: string, member: string, c: Change) => {
    const ts = cql.bigint(c.version);
    const qs: { query: string; params: unknown[] }[] = [];
    if (c.prevScore !== null && c.prevScore !== c.score) qs.push({ query: deleteRank, params: [ts, key, c.prevScore, member] });
    if (c.score !== null) qs.push({ query: insertRank, params: [key, c.score, member, ts] });
    return qs;
  };

  /** CAS the member's score, then write the index for the state before (repair) and after. */
  const update = async (key: string, member: string, eventIds: (string | undefined)[], next: (score: number | null, fresh: number[]) => number | null) => {
    const outcome = await casUpdate(cql, cas, [key, member], eventIds, ttl, (current, _n, fresh) => {
      const score = (current["score"] as number | null) ?? null;
      return { score: next(score, fresh), prev_score: score };
    });
    const writes = [...(outcome.applied ? (changeOf(outcome.before) ? indexWrites(key, member, changeOf(outcome.before)!) : []) : [])];
    const after = changeOf(outcome.after);
    if (after) writes.push(...indexWrites(key, member, after));
    if (writes.length > 0) await cql.batch(writes, { logged: false });
  };

  const range = async (key: string, offset: number, limit: number): Promise<ScoredMember[]> => {
    if (limit <= 0) return [];
    // No OFFSET in CQL: read through the skipped ranks (a leaderboard page is shallow).
    const rs = await cql.execute(`SELECT score, member FROM ${rankTable} WHERE key = ? LIMIT ?`, [key, offset + limit]);
    return rs.rows.slice(offset).map((r) => ({ member: r["member"] as string, score: r["score"] as number }));
  };

  const score = async (key: string, member: string) => {
    const rs = await cql.execute(`SELECT score FROM ${scoresTable} WHERE key = ? AND member = ? LIMIT 1`, [key, member]);
    const s = rs.rows[0]?.["score"];
    return s === null || s === undefined ? undefined : (s as number);
  };

  const remove = async (key: string, member: string) => {
    // Removing an absent member would only create an empty partition.
    if ((await score(key, member)) === undefined) return;
    await update(key, member, [undefined], () => null);
  };

  const sortedSets: SortedSets = {
    async add(key, entries) {
      const byMember = new Map(toArray(entries).map((e) => [e.member, checkIncrement(e.score)]));
      await inParallel([...byMember], 16, async ([member, s]) => {
        // Setting the score it already has changes nothing (and writes nothing).
        if ((await score(key, member)) === s) return;
        await update(key, member, [undefined], () => s);
      });
    },
    incrementScore: (key, member, by, options) => sortedSets.incrementMany([{ key, member, by, eventId: options?.eventId }]),
    async incrementMany(increments) {
      const groups = new Map<string, { key: string; member: string; incs: { by: number; eventId?: string }[] }>();
      for (const inc of increments) {
        const id = JSON.stringify([inc.key, inc.member]);
        const g = groups.get(id) ?? { key: inc.key, member: inc.member, incs: [] };
        g.incs.push({ by: checkIncrement(inc.by), eventId: inc.eventId });
        groups.set(id, g);
      }
      await inParallel([...groups.values()], 16, async ({ key, member, incs }) => {
        const seen = new Set<string>();
        const list = incs.filter((i) => i.eventId === undefined || (!seen.has(i.eventId) && seen.add(i.eventId)));
        await update(key, member, list.map((i) => i.eventId), (s, fresh) => fresh.reduce((sum, i) => sum + list[i]!.by, s ?? 0));
      });
    },
    score,
    top: (key, k) => range(key, 0, k),
    range,
    async rank(key, member) {
      const s = await score(key, member);
      if (s === undefined) return undefined;
      const rs = await cql.execute(`SELECT COUNT(*) AS n FROM ${rankTable} WHERE key = ? AND (score, member) > (?, ?)`, [key, s, member]);
      return Number(rs.rows[0]?.["n"] ?? 0);
    },
    async remove(key, members) {
      await inParallel([...new Set(toArray(members))], 16, (m) => remove(key, m));
    },
    async trim(key, keep) {
      const doomed: string[] = [];
      let pageState: string | undefined;
      let index = 0;
      do {
        const rs = await cql.execute(`SELECT member FROM ${rankTable} WHERE key = ?`, [key], { fetchSize: 1000, pageState });
        for (const r of rs.rows) if (index++ >= keep) doomed.push(r["member"] as string);
        pageState = rs.pageState ?? undefined;
      } while (pageState);
      await inParallel(doomed, 16, (m) => remove(key, m));
    },
    async size(key) {
      const rs = await cql.execute(`SELECT COUNT(*) AS n FROM ${rankTable} WHERE key = ?`, [key]);
      return Number(rs.rows[0]?.["n"] ?? 0);
    },
  };
  return sortedSets;
}
