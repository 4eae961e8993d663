// The contents of one in-process collection: every live vector (in a slab, exactly), an
// HNSW graph built from a snapshot of them, and the "delta" — records written since that
// snapshot — which a search scans exactly beside the graph.
//
// Why a delta rather than updating the graph in place: video vectors move with behaviour,
// so a vector is replaced many times. Measured on 50k vectors, replacing every vector
// three times in place dropped usearch's recall@100 from 0.74 to 0.59 (remove + add leaves
// stale edges); hnswlib's repairing replace kept recall but cost ~2 ms per upsert. Writing
// to an exact delta costs microseconds, keeps results exact for fresh vectors, and a
// background rebuild (hnsw.collection.ts) folds the delta into a new graph.
//
// A graph entry is trusted only while its record still has the version it was built with;
// otherwise it is "stale" and skipped (the replacement lives in the delta).

import type { Index } from "usearch";
import type { CompiledFilter } from "../internal/filter.js";
import { dot, normalizeInPlace, TopK } from "../internal/vector-math.js";
import type { CollectionSpec, SearchHit, VectorPayload } from "../vector-index.port.js";
import type { ResolvedHnswOptions } from "./hnsw.options.js";
import { VectorSlab } from "./vector-slab.js";

interface StoredRecord {
  slot: number;
  /** Bumped on every write; a graph entry is valid only for the version it was built from. */
  version: number;
  /** The current version is in the graph (else the id is in the delta). */
  inGraph: boolean;
  /** Length before normalisation (cosine), so get() can return the vector as written. */
  norm: number;
  payload: VectorPayload;
}

export interface Snapshot {
  vectors: Float32Array;
  ids: string[];
  versions: Float64Array;
  count: number;
}

interface Graph {
  index: Index;
  ids: string[];
  versions: Float64Array;
}

// How many times a filtered search widens its graph fetch (×4 each) before it falls back
// to scanning every vector exactly.
const WIDENINGS = 3;

export class CollectionState {
  private readonly records = new Map<string, StoredRecord>();
  private readonly slab: VectorSlab;
  private graph: Graph | undefined;
  private readonly delta = new Set<string>();
  private stale = 0;
  private nextVersion = 1;

  constructor(
    readonly spec: CollectionSpec,
    private readonly options: ResolvedHnswOptions,
  ) {
    this.slab = new VectorSlab(spec.dimension);
  }

  get size(): number {
    return this.records.size;
  }

  get graphSize(): number {
    return this.graph?.ids.length ?? 0;
  }

  /** Writes not yet folded into the graph: delta entries plus stale graph entries. */
  get pendingChanges(): number {
    return this.delta.size + this.stale;
  }

  get memoryBytes(): number {
    return this.slab.bytes;
  }

  /** Stores the vector (taking ownership of the array: it is normalised in place). */
  put(id: string, vector: Float32Array, payload: VectorPayload): void {
    const norm = this.spec.metric === "cosine" ? normalizeInPlace(vector) : 1;
    let rec = this.records.get(id);
    if (rec === undefined) {
      rec = { slot: this.slab.alloc(), version: 0, inGraph: false, norm, payload };
      this.records.set(id, rec);
    } else if (rec.inGraph) {
      rec.inGraph = false;
      this.stale++;
    }
    this.slab.write(rec.slot, vector);
    rec.version = this.nextVersion++;
    rec.norm = norm;
    rec.payload = payload;
    this.delta.add(id);
  }

  remove(id: string): boolean {
    const rec = this.records.get(id);
    if (rec === undefined) return false;
    if (rec.inGraph) this.stale++;
    else this.delta.delete(id);
    this.slab.release(rec.slot);
    this.records.delete(id);
    return true;
  }

  get(id: string): Float32Array | undefined {
    const rec = this.records.get(id);
    if (rec === undefined) return undefined;
    const v = this.slab.read(rec.slot);
    if (rec.norm !== 1) for (let i = 0; i < v.length; i++) v[i] = v[i]! * rec.norm;
    return v;
  }

  /** A copy of every live vector, for a graph build that runs while writes continue. */
  snapshot(): Snapshot {
    const d = this.spec.dimension;
    const count = this.records.size;
    const vectors = new Float32Array(Math.max(1, count) * d);
    const ids = new Array<string>(count);
    const versions = new Float64Array(count);
    const rows = this.slab.array;
    let i = 0;
    for (const [id, rec] of this.records) {
      vectors.set(rows.subarray(rec.slot * d, rec.slot * d + d), i * d);
      ids[i] = id;
      versions[i] = rec.version;
      i++;
    }
    return { vectors, ids, versions, count };
  }

  /** Adopts a graph built from `snap`; records written since stay in the delta. */
  install(snap: Snapshot, index: Index): void {
    let stale = 0;
    for (let i = 0; i < snap.count; i++) {
      const id = snap.ids[i]!;
      const rec = this.records.get(id);
      if (rec !== undefined && rec.version === snap.versions[i]) {
        rec.inGraph = true;
        this.delta.delete(id);
      } else {
        stale++;
        // The old graph's flag no longer means anything for a record the new one lacks.
        if (rec !== undefined) rec.inGraph = false;
      }
    }
    this.graph = { index, ids: snap.ids, versions: snap.versions };
    this.stale = stale;
  }

  /** `query` must already be normalised for cosine collections. */
  search(query: Float32Array, k: number, filter: CompiledFilter): SearchHit[] {
    const graph = this.graph;
    if (graph === undefined || this.records.size < this.options.exactBelow) return this.scan(this.records.keys(), query, k, filter);

    const hits = new TopK<string>(k);
    for (const id of this.delta) this.consider(id, query, filter, hits);

    // ef: the graph explores at least `wanted` candidates (usearch takes max(k, expansion)).
    // Over-fetch by the excluded ids and by the share of stale entries, which are skipped.
    const graphSize = graph.ids.length;
    const staleShare = Math.min(0.9, this.stale / graphSize);
    let wanted = Math.ceil((Math.max(this.options.minExpansion, Math.ceil(k * this.options.searchExpansion)) + filter.excludedIdCount) / (1 - staleShare));
    let graphHits = new TopK<string>(k);
    for (let round = 0; ; round++) {
      const n = Math.min(wanted, graphSize);
      graphHits = new TopK<string>(k);
      let passing = 0;
      const found = graph.index.search(query, n, 1).keys;
      for (let j = 0; j < found.length; j++) {
        const ordinal = Number(found[j]!);
        const id = graph.ids[ordinal];
        if (id === undefined) continue;
        const rec = this.records.get(id);
        if (rec === undefined || rec.version !== graph.versions[ordinal]) continue;
        if (!filter.passes(id, rec.payload)) continue;
        passing++;
        graphHits.offer(this.score(rec, query), id);
      }
      if (passing >= k || n >= graphSize || round === WIDENINGS) break;
      wanted *= 4;
    }
    for (const { score, item } of graphHits.drain()) hits.offer(score, item);

    const result = this.toHits(hits);
    // A selective filter (or a graph region left unreachable) can leave fewer than k hits
    // among the candidates fetched; only a full scan can promise k hits whenever k vectors
    // pass, so fall back to one. It costs O(size · dimension): ~10 ms for 100k × 64.
    if (result.length < k && result.length < this.records.size) return this.scan(this.records.keys(), query, k, filter);
    return result;
  }

  private scan(ids: Iterable<string>, query: Float32Array, k: number, filter: CompiledFilter): SearchHit[] {
    const hits = new TopK<string>(k);
    for (const id of ids) this.consider(id, query, filter, hits);
    return this.toHits(hits);
  }

  private consider(id: string, query: Float32Array, filter: CompiledFilter, hits: TopK<string>): void {
    const rec = this.records.get(id)!;
    if (!filter.passes(id, rec.payload)) return;
    hits.offer(this.score(rec, query), id);
  }

  // Scores are recomputed from the exact stored vector (not taken from the graph's float32
  // distance), so graph and delta hits rank on one scale and match the other adapters.
  private score(rec: StoredRecord, query: Float32Array): number {
    return dot(query, 0, this.slab.array, rec.slot * this.spec.dimension, this.spec.dimension);
  }

  private toHits(hits: TopK<string>): SearchHit[] {
    return hits.drain().map(({ score, item }) => ({ id: item, score, payload: { ...this.records.get(item)!.payload } }));
  }
}
