// Messages between hnsw.builder.ts and the build worker (hnsw.build.worker.mjs).

export interface BuildRequest {
  /** Row-major, count × dimension; transferred to the worker. */
  vectors: Float32Array;
  count: number;
  dimension: number;
  quantization: "f32" | "f16";
  connectivity: number;
  expansionAdd: number;
  expansionSearch: number;
  threads: number;
  /** Where the worker saves the built graph for the main thread to load. */
  path: string;
}

export type BuildReply = { ok: true } | { ok: false; error: string };
