// One in-process collection: validates writes, applies them to the current state, and
// keeps the HNSW graph fresh: writes are appended to it a few at a time between requests,
// and background rebuilds drop its stale nodes or take in bulk writes (hnsw.state.ts says
// why appends and rebuilds rather than in-place graph updates).
//
// Nothing here is durable: after a restart the collection is empty until `load` streams
// the vectors back from their source (the table the vector projection writes).

import { setImmediate as yieldToLoop } from "node:timers/promises";
import type { Worker } from "node:worker_threads";
import { compileFilter } from "../internal/filter.js";
import { normalizeInPlace } from "../internal/vector-math.js";
import { checkId, checkK, checkPayload, checkVector } from "../internal/validate.js";
import type { CollectionSpec, ScoredId, SearchFilter, SearchHit, VectorCollection, VectorInput, VectorPayload, VectorRecord } from "../vector-index.port.js";
import type { Index } from "usearch";
import { buildGraph, isWorkerUnavailable, type GraphParams } from "./hnsw.builder.js";
import type { ResolvedHnswOptions } from "./hnsw.options.js";
import { CollectionState, type Snapshot } from "./hnsw.state.js";

export const HNSW_MAX_K = 10_000;

type PendingWrite = { kind: "put"; id: string; vector: Float32Array; payload: VectorPayload } | { kind: "delete"; id: string };

export interface HnswCollectionStats {
  size: number;
  /** Nodes in the current graph, stale ones included (0 until the collection reaches `exactBelow`). */
  graphSize: number;
  /** Writes not in a clean graph yet: the delta plus stale graph nodes (0 right after a rebuild). */
  pendingChanges: number;
  /** Writes searched exactly beside the graph until they are appended to it or rebuilt in. */
  delta: number;
  /** Graph nodes whose record has moved on or was deleted (skipped; a rebuild drops them). */
  stale: number;
  rebuilding: boolean;
  lastBuildMs: number | undefined;
}

// Once a worker could not start, later builds in this process go inline straight away.
let workerUnavailable = false;

// After a failed background build, wait this long before trying again on a later write.
const RETRY_AFTER_MS = 30_000;

// Longest one slice of appends holds the event loop (an append costs ~0.1 ms at 100k × 64).
const APPEND_SLICE_MS = 2;

export class HnswCollection implements VectorCollection {
  private state: CollectionState;
  private rebuilding: Promise<void> | undefined;
  private retryAt = 0;
  private lastBuildMs: number | undefined;
  private worker: Worker | undefined;
  private loads: Promise<unknown> = Promise.resolve();
  /** Set while a load runs: writes made meanwhile, replayed onto the loaded state. */
  private pending: PendingWrite[] | undefined;
  private closed = false;
  private appending: NodeJS.Immediate | undefined;

  constructor(
    readonly spec: CollectionSpec,
    private readonly options: ResolvedHnswOptions,
  ) {
    this.state = new CollectionState(spec, options);
  }

  async upsert(id: string, vector: VectorInput, payload: VectorPayload): Promise<void> {
    this.apply([this.checkRecord({ id, vector, payload })]);
  }

  async upsertMany(records: readonly VectorRecord[]): Promise<void> {
    // All are checked before any is applied, so a bad record leaves the collection as it was.
    this.apply(records.map((r) => this.checkRecord(r)));
  }

  async delete(id: string): Promise<boolean> {
    this.assertOpen();
    checkId(this.spec, id);
    this.pending?.push({ kind: "delete", id });
    const removed = this.state.remove(id);
    this.maybeRebuild();
    return removed;
  }

  async get(id: string): Promise<Float32Array | undefined> {
    return this.state.get(id);
  }

  async count(): Promise<number> {
    return this.state.size;
  }

  async search(vector: VectorInput, k: number, filter?: SearchFilter): Promise<SearchHit[]> {
    return this.state.search(this.checkQuery(vector, k), k, compileFilter(filter));
  }

  async searchIds(vector: VectorInput, k: number, filter?: SearchFilter): Promise<ScoredId[]> {
    return this.state.searchIds(this.checkQuery(vector, k), k, compileFilter(filter));
  }

  private checkQuery(vector: VectorInput, k: number): Float32Array {
    this.assertOpen();
    const query = checkVector(this.spec, vector);
    checkK(this.spec, k, HNSW_MAX_K);
    if (this.spec.metric === "cosine") normalizeInPlace(query);
    return query;
  }

  load(source: AsyncIterable<VectorRecord> | Iterable<VectorRecord>): Promise<{ loaded: number }> {
    const run = this.loads.then(() => this.loadNow(source));
    this.loads = run.catch(() => undefined);
    return run;
  }

  /**
   * Appends every queued write to the current graph now, in one go (tests, benchmarks);
   * otherwise that happens in slices between requests.
   */
  async appendPending(): Promise<void> {
    await this.loads;
    this.state.absorb(Infinity, Infinity);
  }

  /**
   * Folds every pending write into a fresh graph now and resolves when it is searchable
   * (tests, benchmarks, and a warm-up before a server takes traffic).
   */
  async compact(): Promise<void> {
    await this.loads;
    while (this.rebuilding) await this.rebuilding;
    const s = this.state;
    if (s.size >= this.options.exactBelow && (s.pendingChanges > 0 || s.graphSize === 0)) {
      await (this.rebuilding = this.rebuild(s).finally(() => (this.rebuilding = undefined)));
    }
  }

  stats(): HnswCollectionStats {
    const s = this.state;
    return {
      size: s.size,
      graphSize: s.graphSize,
      pendingChanges: s.pendingChanges,
      delta: s.deltaSize,
      stale: s.staleEntries,
      rebuilding: this.rebuilding !== undefined,
      lastBuildMs: this.lastBuildMs,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.appending) clearImmediate(this.appending);
    await this.worker?.terminate();
    await this.rebuilding?.catch(() => undefined);
  }

  private checkRecord(r: VectorRecord): { id: string; vector: Float32Array; payload: VectorPayload } {
    return { id: checkId(this.spec, r.id), vector: checkVector(this.spec, r.vector), payload: checkPayload(this.spec, r.payload) };
  }

  private apply(writes: Array<{ id: string; vector: Float32Array; payload: VectorPayload }>): void {
    this.assertOpen();
    for (const w of writes) {
      // The state normalises the array it is given in place; a load replays the original.
      this.pending?.push({ kind: "put", id: w.id, vector: w.vector.slice(), payload: w.payload });
      this.state.put(w.id, w.vector, w.payload);
    }
    this.maybeRebuild();
  }

  /** More queued writes than this go to a rebuild in a worker rather than appends on the event loop. */
  private bulkLimit(s: CollectionState): number {
    return Math.max(this.options.rebuildMinChanges, this.options.rebuildFraction * s.size);
  }

  private maybeRebuild(): void {
    if (this.needsRebuild()) {
      const s = this.state;
      this.rebuilding = this.rebuild(s)
        .catch((e) => {
          s.abandonBuild();
          if (this.closed) return;
          this.retryAt = Date.now() + RETRY_AFTER_MS;
          this.options.onBackgroundError(e);
        })
        .finally(() => {
          this.rebuilding = undefined;
          // Writes made during the build may already call for the next one.
          this.maybeRebuild();
        });
    }
    this.scheduleAppend();
  }

  /** No graph yet, too many stale nodes, or a bulk of writes better built in a worker. */
  private needsRebuild(): boolean {
    if (this.rebuilding !== undefined || this.closed || Date.now() < this.retryAt) return false;
    const s = this.state;
    if (s.size < this.options.exactBelow) return false;
    if (s.graphSize === 0) return true;
    const staleLimit = Math.max(this.options.rebuildMinChanges, this.options.maxStaleFraction * s.size);
    return s.queued > this.bulkLimit(s) || s.staleEntries > staleLimit;
  }

  /** Appends queued writes to the graph in slices, each after the I/O waiting at that moment. */
  private scheduleAppend(): void {
    if (this.appending !== undefined || this.closed || this.state.queued === 0) return;
    this.appending = setImmediate(() => {
      this.appending = undefined;
      if (this.closed) return;
      const s = this.state;
      if (s.absorb(performance.now() + APPEND_SLICE_MS, this.bulkLimit(s))) this.scheduleAppend();
    });
    this.appending.unref();
  }

  private async rebuild(s: CollectionState): Promise<void> {
    const started = performance.now();
    const { snap, index } = await this.buildFrom(s);
    // A load may have replaced the state meanwhile: this graph belongs to the old one.
    if (this.state !== s || this.closed) return;
    s.install(snap, index);
    this.lastBuildMs = performance.now() - started;
    this.retryAt = 0;
    this.scheduleAppend();
  }

  private async loadNow(source: AsyncIterable<VectorRecord> | Iterable<VectorRecord>): Promise<{ loaded: number }> {
    this.assertOpen();
    const started = performance.now();
    const fresh = new CollectionState(this.spec, this.options);
    this.pending = [];
    try {
      let loaded = 0;
      for await (const r of source) {
        const c = this.checkRecord(r);
        fresh.put(c.id, c.vector, c.payload);
        // A synchronous source would otherwise hold the event loop for the whole read.
        if (++loaded % 8192 === 0) await yieldToLoop();
      }
      if (fresh.size >= this.options.exactBelow) {
        const { snap, index } = await this.buildFrom(fresh);
        fresh.install(snap, index);
        this.lastBuildMs = performance.now() - started;
      }
      this.assertOpen();
      for (const w of this.pending) {
        if (w.kind === "put") fresh.put(w.id, w.vector, w.payload);
        else fresh.remove(w.id);
      }
      this.state = fresh;
      return { loaded };
    } finally {
      this.pending = undefined;
      this.maybeRebuild();
    }
  }

  private async buildFrom(s: CollectionState): Promise<{ snap: Snapshot; index: Index }> {
    const params: GraphParams = {
      dimension: this.spec.dimension,
      quantization: this.options.quantization,
      connectivity: this.options.connectivity,
      expansionAdd: this.options.expansionAdd,
      expansionSearch: this.options.minExpansion,
      threads: this.options.buildThreads,
      inWorker: this.options.buildInWorker && !workerUnavailable,
    };
    const track = (w: Worker | undefined) => (this.worker = w);
    const snap = s.snapshot();
    try {
      return { snap, index: await buildGraph(snap.vectors, snap.count, params, track) };
    } catch (e) {
      if (!params.inWorker || !isWorkerUnavailable(e)) throw e;
      // Workers can be unavailable (a bundler that drops the .mjs file, a sandbox that
      // forbids threads): build inline from now on. The vectors were transferred to the
      // dead worker, so take a new snapshot.
      workerUnavailable = true;
      console.warn(`[vector-index] cannot start the HNSW build worker (${(e as Error).message}); building graphs on the main thread`);
      const again = s.snapshot();
      return { snap: again, index: await buildGraph(again.vectors, again.count, { ...params, inWorker: false }, track) };
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`vector collection "${this.spec.name}" is closed`);
  }
}
