// The contents of one in-process collection: every live vector (in a slab, exactly), an
// HNSW graph, and the "delta" — records whose current vector is not in the graph yet —
// which a search scans exactly beside the graph.
//
// A write never edits a graph node. Video vectors move with behaviour, so a vector is
// replaced many times; measured on 50k vectors, replacing every vector three times with
// usearch's remove + add dropped recall@100 from 0.74 to 0.59 (a freed slot is reused with
// its old edges), and hnswlib's repairing replace kept recall but cost ~2 ms per upsert.
// Instead the new vector lands in the delta at once (microseconds, found exactly), and
// the collection then *appends* it to the graph as a new node under a new key, a few at a
// time between requests (`absorb`). The old node stays where it was: still a sound
// waypoint for the graph walk, but "stale" — a graph entry counts only while its record
// keeps the version it was added with — and skipped in results. A background rebuild
// (hnsw.collection.ts) drops the stale nodes once they are a large share of the graph,
// and takes over bulk writes too large to append on the event loop.
//
// Why append rather than only rebuild: the delta is scanned exactly by every search, so
// its cost is (searches/s × delta size); rebuilding often enough to keep it small costs
// a whole graph per few thousand writes. At 100k × 64 a feed search paid ~0.8 ms for a
// 5,000-entry delta; an append costs ~0.1 ms once per write.

import { endianness } from "node:os";
import type { Index } from "usearch";
import type { CompiledFilter } from "../internal/filter.js";
import { dot, normalizeInPlace, TopK } from "../internal/vector-math.js";
import type { CollectionSpec, ScoredId, SearchHit, VectorPayload, Visibility } from "../vector-index.port.js";
import type { ResolvedHnswOptions } from "./hnsw.options.js";
import { VectorSlab } from "./vector-slab.js";

/**
 * A record: its payload's fields are its own (it is the VectorPayload the filter reads),
 * its norm and creation time are in the slab by slot (see vector-slab.ts) — one object per
 * vector instead of a record, a payload and two heap numbers.
 */
class StoredRecord implements VectorPayload {
  /** Bumped on every write; 0 once deleted. A graph entry is valid only for the version it was added with. */
  version = 0;
  /** The current version is in the graph (else the record is in the delta). */
  inGraph = false;
  /** Waiting in the append queue. */
  queued = false;
  creatorId = "";
  soundId: string | null = null;
  visibility: Visibility = "public";

  constructor(
    private readonly slab: VectorSlab,
    readonly id: string,
    readonly slot: number,
  ) {}

  get createdAt(): number {
    return this.slab.createdAt[this.slot]!;
  }

  /** Length before normalisation (cosine), so get() can return the vector as written. */
  get norm(): number {
    return this.slab.norms[this.slot]!;
  }

  /** `p` as checkPayload() shaped it. */
  write(p: VectorPayload, norm: number): void {
    this.creatorId = p.creatorId;
    this.soundId = p.soundId ?? null;
    this.visibility = p.visibility;
    this.slab.createdAt[this.slot] = p.createdAt;
    this.slab.norms[this.slot] = norm;
  }

  /** A copy of the payload, in checkPayload()'s shape. */
  payload(): VectorPayload {
    return { creatorId: this.creatorId, soundId: this.soundId, createdAt: this.createdAt, visibility: this.visibility };
  }
}

export interface Snapshot {
  vectors: Float32Array;
  records: StoredRecord[];
  versions: Float64Array;
  count: number;
  /** Every write up to this version is in the snapshot. */
  version: number;
}

interface Graph {
  index: Index;
  /** The record each graph key (0, 1, …) was added for, and its version then. */
  records: StoredRecord[];
  versions: number[];
}

// How many times a filtered search widens its graph fetch (×4 each) before it falls back
// to scanning every vector exactly.
const WIDENINGS = 3;
// Vectors per native append call: one call's fixed cost (argument checks, a key array)
// amortised, while a slice still stays well under a millisecond.
const APPEND_BATCH = 8;

const LITTLE_ENDIAN = endianness() === "LE";

/**
 * The keys' low 32-bit words (at even indexes): graph keys are ordinals far below 2³², and
 * reading them so spares a BigInt allocation per hit. Undefined on a big-endian machine.
 */
function keyWords(keys: BigUint64Array): Uint32Array | undefined {
  return LITTLE_ENDIAN ? new Uint32Array(keys.buffer, keys.byteOffset, keys.length * 2) : undefined;
}

export class CollectionState {
  private readonly records = new Map<string, StoredRecord>();
  private readonly slab: VectorSlab;
  private graph: Graph | undefined;
  private readonly delta = new Set<StoredRecord>();
  /** Records to append to the graph, oldest write first (may hold deleted or already appended ones). */
  private queue: StoredRecord[] = [];
  private queueHead = 0;
  /** Graph entries whose record moved on or was deleted. */
  private stale = 0;
  private nextVersion = 1;
  /** While a rebuild runs: its snapshot's version, and what was appended to the old graph since. */
  private building: { version: number; appended: StoredRecord[] } | undefined;

  constructor(
    readonly spec: CollectionSpec,
    private readonly options: ResolvedHnswOptions,
  ) {
    this.slab = new VectorSlab(spec.dimension);
  }

  get size(): number {
    return this.records.size;
  }

  /** Nodes in the current graph, stale ones included. */
  get graphSize(): number {
    return this.graph?.records.length ?? 0;
  }

  get staleEntries(): number {
    return this.stale;
  }

  get deltaSize(): number {
    return this.delta.size;
  }

  /** Writes waiting to be appended to the graph (a rebuild's snapshot takes them all). */
  get queued(): number {
    return this.queue.length - this.queueHead;
  }

  /** Writes not yet folded into a clean graph: delta entries plus stale graph entries. */
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
      rec = new StoredRecord(this.slab, id, this.slab.alloc());
      this.records.set(id, rec);
    } else if (rec.inGraph) {
      rec.inGraph = false;
      this.stale++;
    }
    this.slab.write(rec.slot, vector);
    rec.version = this.nextVersion++;
    rec.write(payload, norm);
    this.delta.add(rec);
    if (!rec.queued) {
      rec.queued = true;
      this.queue.push(rec);
    }
  }

  remove(id: string): boolean {
    const rec = this.records.get(id);
    if (rec === undefined) return false;
    if (rec.inGraph) this.stale++;
    else this.delta.delete(rec);
    rec.version = 0;
    rec.inGraph = false;
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

  /**
   * A copy of every live vector, for a graph build that runs while writes continue. The
   * append queue is emptied: the new graph will hold all of it.
   */
  snapshot(): Snapshot {
    const d = this.spec.dimension;
    const count = this.records.size;
    const vectors = new Float32Array(Math.max(1, count) * d);
    const records = new Array<StoredRecord>(count);
    const versions = new Float64Array(count);
    const rows = this.slab.array;
    let i = 0;
    for (const rec of this.records.values()) {
      vectors.set(rows.subarray(rec.slot * d, rec.slot * d + d), i * d);
      records[i] = rec;
      versions[i] = rec.version;
      i++;
    }
    for (let q = this.queueHead; q < this.queue.length; q++) this.queue[q]!.queued = false;
    this.queue = [];
    this.queueHead = 0;
    const version = this.nextVersion - 1;
    this.building = { version, appended: [] };
    return { vectors, records, versions, count, version };
  }

  /** A build from the last snapshot failed: its records go back to the append queue. */
  abandonBuild(): void {
    this.building = undefined;
    for (const rec of this.delta) {
      if (rec.queued) continue;
      rec.queued = true;
      this.queue.push(rec);
    }
  }

  /** Adopts a graph built from `snap` (keys are its rows); records written since go back to the delta. */
  install(snap: Snapshot, index: Index): void {
    let stale = 0;
    const versions = new Array<number>(snap.count);
    for (let i = 0; i < snap.count; i++) {
      const rec = snap.records[i]!;
      versions[i] = snap.versions[i]!;
      if (rec.version === snap.versions[i]) {
        rec.inGraph = true;
        this.delta.delete(rec);
      } else stale++;
    }
    // Written after the snapshot and appended to the old graph meanwhile: the new graph
    // lacks them (and the old one is going away).
    for (const rec of this.building?.appended ?? []) {
      if (rec.version <= snap.version || rec.version === 0 || !rec.inGraph) continue;
      rec.inGraph = false;
      this.delta.add(rec);
      if (!rec.queued) {
        rec.queued = true;
        this.queue.push(rec);
      }
    }
    this.building = undefined;
    this.graph = { index, records: snap.records.slice(0, snap.count), versions };
    this.stale = stale;
  }

  /**
   * Appends queued records to the graph until `deadline` (performance.now()) passes.
   * Returns true while some remain. No-op without a graph, and while a rebuild runs with
   * more queued than `bulkLimit` (the rebuild after it takes them in a worker instead).
   */
  absorb(deadline: number, bulkLimit: number): boolean {
    const graph = this.graph;
    if (graph === undefined || (this.building !== undefined && this.queued > bulkLimit)) return false;
    const d = this.spec.dimension;
    const keys = new BigUint64Array(APPEND_BATCH);
    const vectors = new Float32Array(APPEND_BATCH * d);
    const batch: StoredRecord[] = [];
    const rows = this.slab.array;
    while (this.queueHead < this.queue.length) {
      batch.length = 0;
      while (batch.length < APPEND_BATCH && this.queueHead < this.queue.length) {
        const rec = this.queue[this.queueHead++]!;
        rec.queued = false;
        if (rec.version === 0 || rec.inGraph) continue;
        const key = graph.records.length + batch.length;
        keys[batch.length] = BigInt(key);
        vectors.set(rows.subarray(rec.slot * d, rec.slot * d + d), batch.length * d);
        batch.push(rec);
      }
      if (batch.length > 0) {
        graph.index.add(batch.length === APPEND_BATCH ? keys : keys.subarray(0, batch.length), vectors.subarray(0, batch.length * d), 1);
        for (const rec of batch) {
          graph.records.push(rec);
          graph.versions.push(rec.version);
          rec.inGraph = true;
          this.delta.delete(rec);
          this.building?.appended.push(rec);
        }
      }
      if (performance.now() >= deadline) break;
    }
    if (this.queueHead === this.queue.length) {
      this.queue = [];
      this.queueHead = 0;
      return false;
    }
    return true;
  }

  /** The k nearest passing the filter, nearest first, with their ids and scores. */
  searchIds(query: Float32Array, k: number, filter: CompiledFilter): ScoredId[] {
    return this.nearest(query, k, filter).map(({ score, item }) => ({ id: item.id, score }));
  }

  /** The k nearest passing the filter, nearest first, with a copy of their payloads. */
  search(query: Float32Array, k: number, filter: CompiledFilter): SearchHit[] {
    return this.nearest(query, k, filter).map(({ score, item }) => ({ id: item.id, score, payload: item.payload() }));
  }

  /** `query` must already be normalised for cosine collections. */
  private nearest(query: Float32Array, k: number, filter: CompiledFilter): Array<{ score: number; item: StoredRecord }> {
    const graph = this.graph;
    if (graph === undefined || this.records.size < this.options.exactBelow) return this.scan(this.records.values(), query, k, filter);

    const hits = new TopK<StoredRecord>(k);
    for (const rec of this.delta) this.consider(rec, query, filter, hits);

    // ef: the graph explores at least `wanted` candidates (usearch takes max(k, expansion)).
    // Over-fetch by the excluded ids and by the share of stale entries, which are skipped.
    const graphSize = graph.records.length;
    const staleShare = Math.min(0.9, this.stale / graphSize);
    let wanted = Math.ceil((Math.max(this.options.minExpansion, Math.ceil(k * this.options.searchExpansion)) + filter.excludedIdCount) / (1 - staleShare));
    let graphHits = new TopK<StoredRecord>(k);
    for (let round = 0; ; round++) {
      const n = Math.min(wanted, graphSize);
      graphHits = new TopK<StoredRecord>(k);
      let passing = 0;
      const found = graph.index.search(query, n, 1).keys;
      const low = keyWords(found);
      // usearch returns hits nearest first, so the first k that pass are the graph's top k:
      // the rest are not even looked at (most of an ef-200 fetch, for the feed's k of 30).
      for (let j = 0; j < found.length && passing < k; j++) {
        const ordinal = low === undefined ? Number(found[j]!) : low[2 * j]!;
        const rec = graph.records[ordinal];
        if (rec === undefined || rec.version !== graph.versions[ordinal]) continue;
        if (!filter.passes(rec.id, rec)) continue;
        passing++;
        graphHits.offer(this.score(rec, query), rec);
      }
      if (passing >= k || n >= graphSize || round === WIDENINGS) break;
      wanted *= 4;
    }
    for (const { score, item } of graphHits.drain()) hits.offer(score, item);

    const result = hits.drain();
    // A selective filter (or a graph region left unreachable) can leave fewer than k hits
    // among the candidates fetched; only a full scan can promise k hits whenever k vectors
    // pass, so fall back to one. It costs O(size · dimension): ~10 ms for 100k × 64.
    if (result.length < k && result.length < this.records.size) return this.scan(this.records.values(), query, k, filter);
    return result;
  }

  private scan(records: Iterable<StoredRecord>, query: Float32Array, k: number, filter: CompiledFilter): Array<{ score: number; item: StoredRecord }> {
    const hits = new TopK<StoredRecord>(k);
    for (const rec of records) this.consider(rec, query, filter, hits);
    return hits.drain();
  }

  private consider(rec: StoredRecord, query: Float32Array, filter: CompiledFilter, hits: TopK<StoredRecord>): void {
    if (!filter.passes(rec.id, rec)) return;
    hits.offer(this.score(rec, query), rec);
  }

  // Scores are recomputed from the exact stored vector (not taken from the graph's float32
  // distance), so graph and delta hits rank on one scale and match the other adapters.
  private score(rec: StoredRecord, query: Float32Array): number {
    return dot(query, 0, this.slab.array, rec.slot * this.spec.dimension, this.spec.dimension);
  }
}
