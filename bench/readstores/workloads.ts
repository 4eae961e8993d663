// The four workloads, each on the structure a query of that shape would use:
//   point read      one row by primary key (a table; Redis: a cache entry)
//   partition scan  first page of 50 rows of one partition, in clustering order
//   counter incr    one increment with an event id (the exactly-once path projections use)
//   top-100         the 100 highest of a 5,000-member sorted set
// Operations run with a fixed number in flight for a fixed time; each is timed alone.

import { randomUUID } from "node:crypto";
import { defineCache, defineCounters, defineSortedSet, defineTable, type ReadStore, type StructureSpec } from "@flick/read-store";

export const timeline = defineTable({
  name: "bench_timeline",
  partitionKey: [{ name: "user_id", type: "text" }],
  clustering: [{ name: "at", type: "bigint", order: "desc" }],
  columns: [
    { name: "video_id", type: "text" },
    { name: "score", type: "double" },
  ],
});
export const views = defineCounters("bench_views", { dedupeWindowSeconds: 3600 });
export const trending = defineSortedSet("bench_trending", { dedupeWindowSeconds: 3600 });
export const profiles = defineCache("bench_profiles", { ttlSeconds: 3600 });
export const structures: StructureSpec[] = [views, trending, profiles];

export const PARTITIONS = 200;
export const ROWS_PER_PARTITION = 100;
export const ZSET_MEMBERS = 5_000;

export interface Sample {
  ops: number;
  seconds: number;
  latenciesMs: number[];
}

export interface Workload {
  name: string;
  /** Loads what the workload reads; returns false when the engine cannot serve it. */
  prepare(store: ReadStore): Promise<boolean>;
  op(store: ReadStore): Promise<unknown>;
}

const pick = (n: number) => Math.floor(Math.random() * n);
const user = (i: number) => `u${i}`;

async function inBatches<T>(items: T[], parallel: number, work: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += parallel) await Promise.all(items.slice(i, i + parallel).map(work));
}

export const workloads: Workload[] = [
  {
    name: "point read",
    async prepare(store) {
      if (store.capabilities.tables) {
        await store.ensure(timeline);
        const t = store.table(timeline);
        await inBatches([...Array(PARTITIONS).keys()], 8, (p) =>
          t.upsertMany(Array.from({ length: ROWS_PER_PARTITION }, (_, i) => ({ user_id: user(p), at: BigInt(i), video_id: `v${p}-${i}`, score: i / 10 }))),
        );
      } else {
        await store.ensure(profiles);
        const c = store.cache(profiles);
        await inBatches([...Array(PARTITIONS * ROWS_PER_PARTITION).keys()], 64, (i) => c.set(`p${i}`, JSON.stringify({ id: i, name: `user ${i}` })));
      }
      return true;
    },
    op: (store) =>
      store.capabilities.tables
        ? store.table(timeline).get({ user_id: user(pick(PARTITIONS)), at: BigInt(pick(ROWS_PER_PARTITION)) })
        : store.cache(profiles).get(`p${pick(PARTITIONS * ROWS_PER_PARTITION)}`),
  },
  {
    name: "partition scan (50)",
    prepare: async (store) => store.capabilities.tables, // rows loaded by "point read"
    op: (store) => store.table(timeline).scan({ user_id: user(pick(PARTITIONS)) }, { limit: 50 }),
  },
  {
    name: "counter increment",
    async prepare(store) {
      await store.ensure(views);
      return true;
    },
    op: (store) => store.counters(views).increment(`video-${pick(1000)}`, 1, { eventId: randomUUID() }),
  },
  {
    name: "sorted-set top-100",
    async prepare(store) {
      await store.ensure(trending);
      const z = store.sortedSets(trending);
      const members = Array.from({ length: ZSET_MEMBERS }, (_, i) => ({ member: `video-${i}`, score: (i * 7919) % 10_007 }));
      await inBatches(
        Array.from({ length: Math.ceil(members.length / 250) }, (_, i) => members.slice(i * 250, i * 250 + 250)),
        2,
        (chunk) => z.add("global", chunk),
      );
      return true;
    },
    op: (store) => store.sortedSets(trending).top("global", 100),
  },
];

/** Runs `op` with `concurrency` in flight until `seconds` have passed. */
export async function measure(op: () => Promise<unknown>, concurrency: number, seconds: number): Promise<Sample> {
  const latenciesMs: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  const worker = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      await op();
      latenciesMs.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { ops: latenciesMs.length, seconds: (performance.now() - started) / 1000, latenciesMs };
}
