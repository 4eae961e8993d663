// The in-process ANN adapter (server and distributed-local profiles): usearch's HNSW in
// this process, filled by `load` from the vectors' durable source at start-up and kept
// current by the projection's upserts. README.md says why usearch.

import { assertSameSpec, checkSpec } from "../internal/validate.js";
import type { CollectionSpec, VectorIndex, VectorIndexCapabilities } from "../vector-index.port.js";
import { HNSW_MAX_K, HnswCollection } from "./hnsw.collection.js";
import { resolveHnswOptions, type HnswOptions, type ResolvedHnswOptions } from "./hnsw.options.js";

export class HnswVectorIndex implements VectorIndex {
  readonly engine = "usearch" as const;
  readonly capabilities: VectorIndexCapabilities = { search: "approximate", maxK: HNSW_MAX_K, filterMayShortfall: false, durable: false };
  private readonly options: ResolvedHnswOptions;
  private readonly collections = new Map<string, HnswCollection>();

  constructor(options: HnswOptions = {}) {
    this.options = resolveHnswOptions(options);
  }

  async ensureCollection(spec: CollectionSpec): Promise<HnswCollection> {
    const wanted = checkSpec(spec);
    const existing = this.collections.get(wanted.name);
    if (existing) {
      assertSameSpec(existing.spec, wanted);
      return existing;
    }
    const created = new HnswCollection(wanted, this.options);
    this.collections.set(wanted.name, created);
    return created;
  }

  async dropCollection(name: string): Promise<void> {
    const c = this.collections.get(name);
    this.collections.delete(name);
    await c?.close();
  }

  async close(): Promise<void> {
    const all = [...this.collections.values()];
    this.collections.clear();
    await Promise.all(all.map((c) => c.close()));
  }
}
