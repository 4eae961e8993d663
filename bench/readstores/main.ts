// bench:readstores — what the read-store ports cost per engine: point reads, partition
// scans (a page of 50), counter increments (exactly-once, with an event id) and a
// sorted-set top-100. PGlite always runs; PostgreSQL, Cassandra and Redis run when
// POSTGRES_URL, CASSANDRA_CONTACT_POINTS and REDIS_URL point at servers
// (scripts/ci/{postgres,cassandra,redis}.sh start).
//
//   BENCH_SECONDS     time per workload and engine (default 3)
//   BENCH_CONCURRENCY operations in flight (default 8)

import { percentile, printJson, printTable, type Row } from "../lib/report.js";
import { availableEngines } from "./engines.js";
import { measure, workloads } from "./workloads.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

async function main() {
  const { engines, skipped } = await availableEngines();
  for (const s of skipped) console.warn(`bench:readstores: skipping ${s}`);
  const rows: Row[] = [];
  const figures: Record<string, Record<string, { opsPerSecond: number; p50Ms: number; p99Ms: number }>> = {};
  for (const engine of engines) {
    try {
      for (const w of workloads) {
        const t0 = performance.now();
        if (!(await w.prepare(engine.store))) {
          rows.push({ engine: engine.name, workload: w.name, "ops/s": "n/a", "p50 ms": "", "p99 ms": "" });
          continue;
        }
        const loadS = (performance.now() - t0) / 1000;
        const sample = await measure(() => w.op(engine.store), CONCURRENCY, SECONDS);
        const result = {
          opsPerSecond: Math.round(sample.ops / sample.seconds),
          p50Ms: round(percentile(sample.latenciesMs, 50)),
          p99Ms: round(percentile(sample.latenciesMs, 99)),
        };
        (figures[engine.name] ??= {})[w.name] = result;
        rows.push({ engine: engine.name, workload: w.name, "ops/s": result.opsPerSecond, "p50 ms": result.p50Ms, "p99 ms": result.p99Ms });
        console.error(`  ${engine.name} / ${w.name}: ${sample.ops} ops (load ${loadS.toFixed(1)} s)`);
      }
    } finally {
      await engine.close();
    }
  }
  printTable(`Read stores: ${CONCURRENCY} in flight, ${SECONDS} s per workload (Redis point read = cache entry)`, rows);
  printJson({ bench: "readstores", concurrency: CONCURRENCY, seconds: SECONDS, results: figures });
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
