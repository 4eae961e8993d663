// bench:ann — the For You feed's candidate retrieval: the k = 1000 nearest videos to an
// interest vector, per vector-index adapter. For each: build/load time of N seeded unit
// vectors (dimension 64), resident memory added, query latency p50/p99, and recall@k
// against an exact brute-force search — unfiltered, and with the feed's filter (public
// only, 500 already-seen ids excluded). Also single upserts per second after the build.
//
// Each adapter runs in its own child process, so one adapter's memory (PGlite's WASM heap
// never shrinks) does not blur the next one's RSS figure.
//
//   npx tsx bench/feed/ann.ts                 100k vectors, every adapter available
//   npx tsx bench/feed/ann.ts --1m            also 1M (the pgvector build takes many minutes)
//   npx tsx bench/feed/ann.ts --adapters=usearch --queries=100 --sizes=20000
// Qdrant runs when QDRANT_URL is set.

import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
  HnswVectorIndex,
  PgliteVectorIndex,
  QdrantVectorIndex,
  type HnswCollection,
  type SearchFilter,
  type VectorCollection,
  type VectorIndex,
} from "@flick/vector-index";
import { exactTopK, recall, seededId, seededPayload, seededRecords, seededUnitVectors } from "@flick/vector-index/testing";
import { percentile, printJson, printTable, type Row } from "../lib/report.js";

export type AnnAdapter = "usearch" | "pglite-pgvector" | "qdrant";

export interface AnnBenchOptions {
  /** Collection sizes to measure (default [100_000]). */
  sizes?: number[];
  dimension?: number;
  k?: number;
  /** Timed queries per measurement (default 200). */
  queries?: number;
  /** Default: usearch and pglite-pgvector, plus qdrant when QDRANT_URL is set. */
  adapters?: AnnAdapter[];
  seed?: number;
  /** Run each adapter in a child process for a clean RSS figure (default true). */
  isolate?: boolean;
}

const FILE = fileURLToPath(import.meta.url);
const SEEN = 500;

export async function runAnnBench(opts: AnnBenchOptions = {}): Promise<Row[]> {
  const o = resolveOptions(opts);
  const rows: Row[] = [];
  for (const n of o.sizes) {
    for (const adapter of o.adapters) {
      rows.push(...(o.isolate ? await inChild(adapter, n, o) : await measure(adapter, n, o)));
    }
  }
  return rows;
}

type Resolved = Required<AnnBenchOptions>;

function resolveOptions(o: AnnBenchOptions): Resolved {
  return {
    sizes: o.sizes ?? [100_000],
    dimension: o.dimension ?? 64,
    k: o.k ?? 1000,
    queries: o.queries ?? 200,
    adapters: o.adapters ?? (["usearch", "pglite-pgvector", ...(process.env.QDRANT_URL ? ["qdrant"] : [])] as AnnAdapter[]),
    seed: o.seed ?? 2026,
    isolate: o.isolate ?? true,
  };
}

async function open(adapter: AnnAdapter): Promise<VectorIndex> {
  switch (adapter) {
    case "usearch":
      return new HnswVectorIndex();
    case "pglite-pgvector":
      return PgliteVectorIndex.open();
    case "qdrant":
      return new QdrantVectorIndex({ connection: { url: process.env.QDRANT_URL!, ...(process.env.QDRANT_API_KEY ? { apiKey: process.env.QDRANT_API_KEY } : {}) }, collectionPrefix: "flick_bench_" });
  }
}

const rssMb = () => {
  globalThis.gc?.();
  return process.memoryUsage().rss / 2 ** 20;
};

async function measure(adapter: AnnAdapter, n: number, o: Resolved): Promise<Row[]> {
  const d = o.dimension;
  const vectors = seededUnitVectors(n, d, o.seed);
  const queries = seededUnitVectors(o.queries, d, o.seed + 1);
  const index = await open(adapter);
  try {
    const c = await index.ensureCollection({ name: "ann_bench", dimension: d, metric: "cosine" });
    const rss0 = rssMb();
    const t0 = performance.now();
    await c.load(seededRecords(vectors, d));
    if (adapter === "usearch") await (c as HnswCollection).compact();
    const buildS = (performance.now() - t0) / 1000;
    const rss = rssMb() - rss0;

    const plain = await timeQueries(c, vectors, queries, o, () => undefined);
    const filtered = await timeQueries(c, vectors, queries, o, (query) => {
      // "Already seen": 500 of the 1500 nearest, so the filter bites where results are.
      const seen = new Set(exactTopK(vectors, d, query, 3 * SEEN, "cosine").filter((_, i) => i % 3 === 0).map(seededId));
      return { excludeIds: seen, publicOnly: true };
    });
    const upsertsPerS = await timeUpserts(c, n, d, o.seed);
    const base = { adapter, n, dim: d, k: o.k, build_s: round(buildS), rss_mb: Math.round(rss), upserts_per_s: Math.round(upsertsPerS) };
    return [
      { ...base, query: "nearest", p50_ms: plain.p50, p99_ms: plain.p99, recall: plain.recall },
      { ...base, query: `public, ${SEEN} seen excluded`, p50_ms: filtered.p50, p99_ms: filtered.p99, recall: filtered.recall },
    ];
  } finally {
    await index.dropCollection("ann_bench").catch(() => undefined);
    await index.close();
  }
}

async function timeQueries(c: VectorCollection, vectors: Float32Array, queries: Float32Array, o: Resolved, filterFor: (q: Float32Array) => SearchFilter | undefined) {
  const d = o.dimension;
  const latencies: number[] = [];
  let recallSum = 0;
  const count = queries.length / d;
  // A few untimed queries first: JIT, caches, PGlite's first plan.
  for (let q = 0; q < Math.min(10, count); q++) await c.search(queries.subarray(q * d, (q + 1) * d), o.k, filterFor(queries.subarray(q * d, (q + 1) * d)));
  for (let q = 0; q < count; q++) {
    const query = queries.subarray(q * d, (q + 1) * d);
    const filter = filterFor(query);
    const t = performance.now();
    const hits = await c.search(query, o.k, filter);
    latencies.push(performance.now() - t);
    const excluded = new Set(filter?.excludeIds ?? []);
    const keep = filter ? (row: number) => !excluded.has(seededId(row)) && seededPayload(row).visibility === "public" : undefined;
    recallSum += recall(
      hits.map((h) => h.id),
      exactTopK(vectors, d, query, o.k, "cosine", keep).map(seededId),
    );
  }
  return { p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)), recall: Number((recallSum / count).toFixed(4)) };
}

/** One upsert at a time, as a projection applies events: moves 1000 existing vectors. */
async function timeUpserts(c: VectorCollection, n: number, d: number, seed: number): Promise<number> {
  const moved = seededUnitVectors(1000, d, seed + 2);
  const t = performance.now();
  for (let i = 0; i < 1000; i++) {
    const row = (i * 97) % n;
    await c.upsert(seededId(row), moved.subarray(i * d, (i + 1) * d), seededPayload(row));
  }
  return 1000 / ((performance.now() - t) / 1000);
}

const round = (x: number) => Number(x.toPrecision(3));

function inChild(adapter: AnnAdapter, n: number, o: Resolved): Promise<Row[]> {
  const args = [...process.execArgv, "--expose-gc", FILE, "--child", `--adapter=${adapter}`, `--n=${n}`, `--dimension=${o.dimension}`, `--k=${o.k}`, `--queries=${o.queries}`, `--seed=${o.seed}`];
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      const last = out.trim().split("\n").pop() ?? "";
      if (code !== 0) return reject(new Error(`ann bench child for ${adapter} exited with ${code}: ${out.slice(-2000)}`));
      done(JSON.parse(last) as Row[]);
    });
  });
}

function flag(name: string): string | undefined {
  const hit = process.argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  return hit === undefined ? undefined : (hit.split("=")[1] ?? "");
}

async function main(): Promise<void> {
  const num = (name: string) => (flag(name) ? Number(flag(name)) : undefined);
  if (flag("child") !== undefined) {
    const rows = await measure(flag("adapter") as AnnAdapter, num("n")!, resolveOptions({ dimension: num("dimension"), k: num("k"), queries: num("queries"), seed: num("seed") }));
    console.log(JSON.stringify(rows));
    return;
  }
  const rows = await runAnnBench({
    sizes: flag("sizes") ? flag("sizes")!.split(",").map(Number) : flag("1m") !== undefined ? [100_000, 1_000_000] : [100_000],
    ...(flag("adapters") ? { adapters: flag("adapters")!.split(",") as AnnAdapter[] } : {}),
    ...(num("queries") ? { queries: num("queries") } : {}),
  });
  printTable("ANN candidate retrieval (seeded unit vectors, cosine; recall against exact search)", rows);
  printJson({ bench: "ann", rows });
}

if (process.argv[1] === FILE) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
