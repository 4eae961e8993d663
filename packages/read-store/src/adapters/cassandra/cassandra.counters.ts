// Counters on Cassandra, built on lightweight transactions rather than counter tables.
//
// Why not a counter table: a counter update is not idempotent (a timed-out one cannot be
// retried without risking a double count, and the driver refuses to retry it), a counter
// table can hold nothing but counters (no applied-event markers beside the value), and
// counters can neither be written conditionally nor expire. A projection that sees events
// at least once would drift on every redelivery. So each key is a partition with the value
// in a static column and a TTL'd marker row per applied event (see cassandra.cas.ts): one
// Paxos round per key per batch buys counts that stay exact across replays and timeouts.

import type { CounterSpec, Counters } from "../../ports/counters.port.js";
import { DEFAULT_DEDUPE_WINDOW_SECONDS } from "../../internal/names.js";
import { checkCounterIncrement } from "../../internal/increments.js";
import { casUpdate } from "./cassandra.cas.js";
import { inParallel, qualified, toBigint, type Cql } from "./cassandra.cql.js";

const tableOf = (spec: CounterSpec) => `ctr_${spec.name}`;

/** Markers expire; tombstones of expired markers need not wait the default 10 days. */
export const MARKER_TABLE_OPTIONS = "gc_grace_seconds = 10800";

export async function createCassandraCounters(cql: Cql, keyspace: string, spec: CounterSpec): Promise<void> {
  await cql.ddl(
    `CREATE TABLE IF NOT EXISTS ${qualified(keyspace, tableOf(spec))} (
       key text, marker text, value bigint static, version bigint static,
       PRIMARY KEY (key, marker)) WITH ${MARKER_TABLE_OPTIONS}`,
  );
}

export function cassandraCounterTables(spec: CounterSpec): string[] {
  return [tableOf(spec)];
}

export function cassandraCounters(cql: Cql, keyspace: string, spec: CounterSpec): Counters {
  const table = qualified(keyspace, tableOf(spec));
  const ttl = spec.dedupeWindowSeconds ?? DEFAULT_DEDUPE_WINDOW_SECONDS;
  const cas = { table, partition: ["key"], statics: ["value"] };
  const get = async (key: string) => {
    const rs = await cql.execute(`SELECT value FROM ${table} WHERE key = ? LIMIT 1`, [key]);
    return Number(toBigint(rs.rows[0]?.["value"]) ?? 0n);
  };
  const counters: Counters = {
    increment: (key, by = 1, options) => counters.incrementMany([{ key, by, eventId: options?.eventId }]),
    decrement: (key, by = 1, options) => counters.incrementMany([{ key, by: -by, eventId: options?.eventId }]),
    async incrementMany(increments) {
      const byKey = new Map<string, { by: number; eventId?: string }[]>();
      for (const inc of increments) {
        const by = checkCounterIncrement(inc.by ?? 1);
        byKey.set(inc.key, [...(byKey.get(inc.key) ?? []), { by, eventId: inc.eventId }]);
      }
      // One CAS per key, keys in parallel (they are different partitions).
      await inParallel([...byKey], 16, async ([key, incs]) => {
        // A batch may carry one event twice: it counts once.
        const unique = new Map<string, { by: number; eventId?: string }>();
        const anonymous: { by: number }[] = [];
        for (const inc of incs) {
          if (inc.eventId === undefined) anonymous.push(inc);
          else if (!unique.has(inc.eventId)) unique.set(inc.eventId, inc);
        }
        const list = [...unique.values(), ...anonymous];
        await casUpdate(cql, cas, [key], list.map((i) => (i as { eventId?: string }).eventId), ttl, (current, _n, fresh) => {
          const delta = fresh.reduce((sum, i) => sum + BigInt(list[i]!.by), 0n);
          return { value: cql.bigint((toBigint(current["value"]) ?? 0n) + delta) };
        });
      });
    },
    get,
    getMany: (keys) => inParallel(keys, 32, get),
    // Markers are kept beside the value, but no profile reads counts from Cassandra
    // (the fast role is Redis): the caller waits for the checkpoint instead.
    getWithEvent: async (key) => ({ value: await get(key), includes: undefined }),
  };
  return counters;
}
