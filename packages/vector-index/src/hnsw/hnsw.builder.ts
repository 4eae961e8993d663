// Turns a snapshot of vectors into a searchable usearch index whose keys are the
// snapshot's ordinals (0..n-1). In a worker by default (see hnsw.build.worker.mjs);
// inline, in slices that yield to the event loop, when workers are unavailable.

import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setImmediate as yieldToLoop } from "node:timers/promises";
import { Worker } from "node:worker_threads";
import { Index, MetricKind, ScalarKind } from "usearch";
import type { BuildReply, BuildRequest } from "./hnsw.build.protocol.js";

export interface GraphParams {
  dimension: number;
  quantization: "f32" | "f16";
  connectivity: number;
  expansionAdd: number;
  expansionSearch: number;
  threads: number;
  inWorker: boolean;
}

export function emptyIndex(p: GraphParams): Index {
  return new Index({
    dimensions: p.dimension,
    metric: MetricKind.IP,
    quantization: p.quantization === "f16" ? ScalarKind.F16 : ScalarKind.F32,
    connectivity: p.connectivity,
    expansion_add: p.expansionAdd,
    expansion_search: p.expansionSearch,
    multi: false,
  });
}

/** Builds the graph over the first `count` rows of `vectors` (which it may take over). */
export async function buildGraph(vectors: Float32Array, count: number, p: GraphParams, track: (w: Worker | undefined) => void): Promise<Index> {
  return p.inWorker ? buildInWorker(vectors, count, p, track) : buildInline(vectors, count, p);
}

async function buildInWorker(vectors: Float32Array, count: number, p: GraphParams, track: (w: Worker | undefined) => void): Promise<Index> {
  const path = join(tmpdir(), `flick-usearch-${process.pid}-${randomUUID()}.usearch`);
  const request: BuildRequest = {
    vectors,
    count,
    dimension: p.dimension,
    quantization: p.quantization,
    connectivity: p.connectivity,
    expansionAdd: p.expansionAdd,
    expansionSearch: p.expansionSearch,
    threads: p.threads,
    path,
  };
  const worker = new Worker(new URL("./hnsw.build.worker.mjs", import.meta.url), {
    workerData: request,
    transferList: [vectors.buffer as ArrayBuffer],
  });
  track(worker);
  try {
    const reply = await new Promise<BuildReply>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
      worker.once("exit", (code) => reject(new Error(`usearch build worker exited with code ${code} before replying`)));
    });
    if (!reply.ok) throw new Error(`usearch build failed: ${reply.error}`);
    const index = emptyIndex(p);
    index.load(path);
    return index;
  } finally {
    track(undefined);
    await worker.terminate();
    await rm(path, { force: true });
  }
}

const WORKER_UNAVAILABLE = new Set(["ERR_UNKNOWN_FILE_EXTENSION", "ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING", "ERR_WORKER_PATH", "ERR_WORKER_INIT_FAILED"]);

/** The worker could not even start (as opposed to a build that failed inside it). */
export function isWorkerUnavailable(e: unknown): boolean {
  return typeof e === "object" && e !== null && WORKER_UNAVAILABLE.has((e as { code?: string }).code ?? "");
}

// Slices small enough that the event loop never stalls for long (~50 ms on one core).
const INLINE_SLICE = 512;

async function buildInline(vectors: Float32Array, count: number, p: GraphParams): Promise<Index> {
  const index = emptyIndex(p);
  for (let start = 0; start < count; start += INLINE_SLICE) {
    const end = Math.min(count, start + INLINE_SLICE);
    const keys = new BigUint64Array(end - start);
    for (let i = start; i < end; i++) keys[i - start] = BigInt(i);
    index.add(keys, vectors.subarray(start * p.dimension, end * p.dimension), p.threads);
    await yieldToLoop();
  }
  return index;
}
