// Tuning of the in-process index. Defaults were measured on 100k random unit vectors of
// dimension 64 with k = 1000 (README.md: "Choosing the library"): connectivity 24 with a
// search expansion of 1.5·k gave recall@1000 ≈ 0.98; 16 needed 3·k for the same.

import { availableParallelism } from "node:os";

export interface HnswOptions {
  /**
   * How the graph stores its copy of the vectors: "f16" halves that memory and makes a
   * graph walk ~25 % cheaper (measured on the feed's vectors at 100k: recall@120 0.972
   * either way). Scores are always recomputed from the exact float32 vectors; only which
   * candidates the walk finds can differ. Vectors of "dot" collections must stay within
   * half precision's range (±65,504).
   */
  quantization?: "f32" | "f16";
  /** HNSW M: graph edges per node (usearch "connectivity"). */
  connectivity?: number;
  /** HNSW ef_construction (usearch "expansion_add"). */
  expansionAdd?: number;
  /** A search explores max(minExpansion, ⌈k · searchExpansion⌉) candidates (HNSW ef). */
  searchExpansion?: number;
  minExpansion?: number;
  /** Collections with fewer live vectors are answered by an exact scan (faster, and exact). */
  exactBelow?: number;
  /**
   * Writes are appended to the graph a few at a time between requests, but more than
   * max(rebuildMinChanges, rebuildFraction · size) waiting at once (a bulk import) are
   * built into a new graph in the background instead.
   */
  rebuildMinChanges?: number;
  rebuildFraction?: number;
  /**
   * The graph is rebuilt in the background once its stale nodes (replaced or deleted
   * vectors, skipped by searches, which over-fetch by their share) exceed
   * max(rebuildMinChanges, maxStaleFraction · size).
   */
  maxStaleFraction?: number;
  /** Threads a graph build uses (default: all cores but one, so the event loop keeps one). */
  buildThreads?: number;
  /** Build graphs in a worker thread (default); inline, in slices, when false. */
  buildInWorker?: boolean;
  /** Where failures of background rebuilds are reported (they are retried on later writes). */
  onBackgroundError?: (error: unknown) => void;
}

export type ResolvedHnswOptions = Required<HnswOptions>;

export function resolveHnswOptions(o: HnswOptions = {}): ResolvedHnswOptions {
  const resolved: ResolvedHnswOptions = {
    quantization: o.quantization ?? "f32",
    connectivity: o.connectivity ?? 24,
    expansionAdd: o.expansionAdd ?? 128,
    searchExpansion: o.searchExpansion ?? 1.5,
    minExpansion: o.minExpansion ?? 200,
    exactBelow: o.exactBelow ?? 4096,
    rebuildMinChanges: o.rebuildMinChanges ?? 1024,
    rebuildFraction: o.rebuildFraction ?? 0.05,
    maxStaleFraction: o.maxStaleFraction ?? 0.2,
    buildThreads: o.buildThreads ?? Math.max(1, availableParallelism() - 1),
    buildInWorker: o.buildInWorker ?? true,
    onBackgroundError: o.onBackgroundError ?? ((e) => console.warn("[vector-index] background HNSW rebuild failed; it will be retried:", e)),
  };
  if (resolved.quantization !== "f32" && resolved.quantization !== "f16") throw new RangeError(`quantization must be "f32" or "f16", got ${String(resolved.quantization)}`);
  if (!(resolved.connectivity >= 2 && resolved.connectivity <= 256)) throw new RangeError(`connectivity must be in 2..256, got ${resolved.connectivity}`);
  if (!(resolved.searchExpansion >= 1)) throw new RangeError(`searchExpansion must be ≥ 1, got ${resolved.searchExpansion}`);
  if (!(resolved.rebuildFraction > 0 && resolved.rebuildFraction < 1)) throw new RangeError(`rebuildFraction must be in (0, 1), got ${resolved.rebuildFraction}`);
  if (!(resolved.maxStaleFraction > 0 && resolved.maxStaleFraction < 1)) throw new RangeError(`maxStaleFraction must be in (0, 1), got ${resolved.maxStaleFraction}`);
  return resolved;
}
