// Runs one projection: subscribes to $all after its stored checkpoint, hands batches to
// the handler and commits writes and checkpoint together, restarts from the stored
// checkpoint after any failure (so a crash at any point loses and doubles nothing on an
// atomic checkpoint store), rebuilds from position 0 into a fresh slot, and reports lag.
//
// A live batch with nothing for the handler moves the runner's checkpoint (waitFor sees
// it) without storing it, unless the stored one is older than idleCheckpointMs: a dozen
// projections in a process, most of them idle for most batches, otherwise each committed
// a transaction per batch. After a restart the runner reads those events again and skips
// them again — they were none of its business.

import type { EventStore, RecordedEvent } from "@flick/event-store";
import { batched } from "./batches.js";
import { CheckpointConflictError, type CheckpointStore, type Slot } from "./checkpoint-store.port.js";
import { LagWindow, type LagSnapshot } from "./lag.js";
import { matchesFilter, type Projection } from "./projection.js";

export interface ProjectionRunnerOptions<Tx> {
  store: EventStore;
  checkpoints: CheckpointStore<Tx>;
  projection: Projection<Tx>;
  /** Largest live batch (default 500). */
  batchSize?: number;
  /** Longest a live batch waits to fill once it has an event (default 20 ms). */
  maxBatchDelayMs?: number;
  /** Batch size while rebuilding, when throughput matters more than latency (default 5000). */
  rebuildBatchSize?: number;
  /** First pause after a failure; doubles up to 30 s (default 500 ms). */
  retryDelayMs?: number;
  /**
   * Longest a live runner leaves its stored checkpoint behind while its batches hold
   * nothing for the handler (default 1000 ms; 0 stores every batch).
   */
  idleCheckpointMs?: number;
  /** Events between two checkpoints, when the store can tell (for the position-lag gauge). */
  eventsBetween?: (from: string | undefined, to: string) => number | undefined;
  /** Called after every committed batch: the hook telemetry attaches its histograms to. */
  onBatchCommitted?: (batch: BatchCommitted) => void;
  onError?: (error: unknown) => void;
}

export interface BatchCommitted {
  projection: string;
  slot: Slot;
  /** Events read (all advance the checkpoint). */
  events: number;
  /** Events that matched the filter and went to the handler. */
  handled: number;
  checkpoint: string;
  /** False for an idle batch whose checkpoint was only noted in memory (see idleCheckpointMs). */
  stored: boolean;
  committedAt: Date;
  /** Commit time minus recordedAt, per event, in ms. */
  lagMs: number[];
  /** Time spent in the handler and commit. */
  commitMs: number;
}

export type RunnerState = "stopped" | "running" | "retrying" | "rebuilding";

export interface ProjectionStatus {
  name: string;
  version: number;
  state: RunnerState;
  /** Last checkpoint committed to the live read model. */
  checkpoint: string | undefined;
  /** Newest checkpoint in the store when the status was taken. */
  headCheckpoint: string | undefined;
  caughtUp: boolean;
  /** Position lag: events not yet committed, when the store can count them. */
  eventsBehind: number | undefined;
  /** Recent recordedAt→commit lag of the live slot. */
  lag: LagSnapshot;
  eventsProcessed: number;
  lastCommitAt: Date | undefined;
  lastError: string | undefined;
}

export interface RebuildReport {
  events: number;
  durationMs: number;
  eventsPerSecond: number;
  checkpoint: string | undefined;
  promoted: boolean;
}

interface Waiter {
  checkpoint: string;
  resolve(reached: boolean): void;
  timer: NodeJS.Timeout;
}

export class ProjectionRunner<Tx> {
  private readonly projection: Projection<Tx>;
  private readonly store: EventStore;
  private readonly checkpoints: CheckpointStore<Tx>;
  private checkpoint: string | undefined;
  /** The live slot's checkpoint as stored (behind `checkpoint` after idle batches). */
  private stored: string | undefined;
  private storedAt = 0;
  private live: { controller: AbortController; done: Promise<void> } | undefined;
  private readonly waiters = new Set<Waiter>();
  private readonly lag = new LagWindow();
  private state: RunnerState = "stopped";
  private eventsProcessed = 0;
  private lastCommitAt: Date | undefined;
  private lastError: string | undefined;
  private rebuilding = false;
  private rebuildCancel: AbortController | undefined;

  constructor(private readonly options: ProjectionRunnerOptions<Tx>) {
    this.projection = options.projection;
    this.store = options.store;
    this.checkpoints = options.checkpoints;
  }

  /**
   * Prepares storage and starts consuming. When the stored version differs, first rebuilds
   * (the old model stays readable, stale, meanwhile) and resolves once the new one is live.
   */
  async start(): Promise<void> {
    if (this.live) return;
    const stored = await this.checkpoints.load(this.projection, "live");
    if (stored && stored.version !== this.projection.version) {
      // Not prepare("live") first: the new version's DDL may not apply to the old tables.
      await this.rebuild({ swap: true });
      return;
    }
    await this.checkpoints.prepare(this.projection, "live");
    this.checkpoint = this.stored = stored?.checkpoint;
    this.startLive();
  }

  /** Stops consuming (and cancels a rebuild in progress); pending waitFor calls get false. */
  async stop(): Promise<void> {
    this.rebuildCancel?.abort();
    await this.stopLive();
    for (const w of this.waiters) this.settle(w, false);
  }

  /**
   * Resolves true once the live read model includes the event at `checkpoint` (e.g. the
   * one a command just appended: read-your-writes), false after `timeoutMs`.
   */
  waitFor(checkpoint: string, timeoutMs: number): Promise<boolean> {
    if (this.reached(checkpoint)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter: Waiter = { checkpoint, resolve, timer: setTimeout(() => this.settle(waiter, false), timeoutMs) };
      this.waiters.add(waiter);
    });
  }

  /** Waits until everything in the store right now has been committed. */
  async catchUp(timeoutMs: number): Promise<boolean> {
    const head = await this.store.headCheckpoint();
    return head === undefined ? true : this.waitFor(head, timeoutMs);
  }

  /** Sync numbers for observable gauges. */
  lagSnapshot(): LagSnapshot {
    return this.lag.snapshot();
  }

  async status(): Promise<ProjectionStatus> {
    const head = await this.store.headCheckpoint().catch(() => undefined);
    const caughtUp = head === undefined || this.reached(head);
    return {
      name: this.projection.name,
      version: this.projection.version,
      state: this.state,
      checkpoint: this.checkpoint,
      headCheckpoint: head,
      caughtUp,
      eventsBehind: caughtUp ? 0 : head === undefined ? undefined : this.options.eventsBetween?.(this.checkpoint, head),
      lag: this.lag.snapshot(),
      eventsProcessed: this.eventsProcessed,
      lastCommitAt: this.lastCommitAt,
      lastError: this.lastError,
    };
  }

  /**
   * Replays the whole log into a fresh "rebuild" slot. With `swap`, the live consumer is
   * paused once the rebuild has caught up, the last stretch is replayed, the rebuild slot
   * replaces the live one, and consuming resumes from its checkpoint. Without, the
   * rebuilt model is left beside the live one (to compare them).
   */
  async rebuild(options: { swap: boolean }): Promise<RebuildReport> {
    if (this.rebuilding) throw new Error(`projection ${this.projection.name}: a rebuild is already running`);
    this.rebuilding = true;
    const cancel = (this.rebuildCancel = new AbortController());
    const cancelled = () => {
      if (cancel.signal.aborted) throw new Error(`projection ${this.projection.name}: rebuild cancelled`);
    };
    const wasState = this.state;
    const wasLive = this.live !== undefined;
    this.state = "rebuilding";
    const started = performance.now();
    let events = 0;
    const count = (n: number) => (events += n);
    try {
      await this.checkpoints.discard(this.projection, "rebuild");
      await this.checkpoints.prepare(this.projection, "rebuild");
      const target = await this.store.headCheckpoint();
      let cursor = target === undefined ? undefined : await this.consume("rebuild", undefined, cancel.signal, target, count);
      cancelled();
      if (options.swap) {
        await this.stopLive();
        const head = await this.store.headCheckpoint();
        if (head !== undefined && (cursor === undefined || this.store.compareCheckpoints(cursor, head) < 0)) {
          cursor = await this.consume("rebuild", cursor, cancel.signal, head, count);
        }
        cancelled();
        await this.checkpoints.promote(this.projection);
        this.checkpoint = this.stored = cursor;
        this.wakeWaiters();
        this.startLive();
      }
      const durationMs = performance.now() - started;
      return { events, durationMs, eventsPerSecond: events / (durationMs / 1000), checkpoint: cursor, promoted: options.swap };
    } finally {
      this.rebuilding = false;
      this.rebuildCancel = undefined;
      // A failed rebuild leaves the old model in place: keep it current again.
      if (wasLive && !this.live && !cancel.signal.aborted) this.startLive();
      if (this.state === "rebuilding") this.state = this.live ? "running" : wasState;
    }
  }

  private startLive(): void {
    const controller = new AbortController();
    this.state = "running";
    this.live = { controller, done: this.superviseLive(controller.signal) };
  }

  private async stopLive(): Promise<void> {
    const live = this.live;
    if (!live) return;
    this.live = undefined;
    live.controller.abort();
    await live.done;
    if (!this.rebuilding) this.state = "stopped";
  }

  private async superviseLive(signal: AbortSignal): Promise<void> {
    let delay = this.options.retryDelayMs ?? 500;
    while (!signal.aborted) {
      try {
        await this.consume("live", this.checkpoint, signal, undefined, () => undefined, () => {
          delay = this.options.retryDelayMs ?? 500; // healthy again
        });
        if (!signal.aborted) throw new Error("subscription ended unexpectedly");
      } catch (err) {
        if (signal.aborted) return;
        this.lastError = err instanceof Error ? err.message : String(err);
        this.state = "retrying";
        this.options.onError?.(err);
        await sleep(delay, signal);
        delay = Math.min(delay * 2, 30_000);
        // The stored checkpoint is the truth: a failed commit rolled back, a conflict
        // means another runner moved it.
        if (err instanceof CheckpointConflictError || !this.checkpoints.capabilities.atomicCheckpoint) {
          const stored = await this.checkpoints.load(this.projection, "live").catch(() => undefined);
          if (stored) this.checkpoint = this.stored = stored.checkpoint;
        }
        if (!signal.aborted) this.state = "running";
      }
    }
  }

  /**
   * Subscribes after `from` and commits batches into `slot` until `until` is reached (or
   * forever, for live). Returns the last committed checkpoint.
   */
  private async consume(
    slot: Slot,
    from: string | undefined,
    outer: AbortSignal | undefined,
    until: string | undefined,
    onEvents: (n: number) => void,
    onCommit?: () => void,
  ): Promise<string | undefined> {
    const local = new AbortController();
    const abort = () => local.abort();
    outer?.addEventListener("abort", abort, { once: true });
    const live = slot === "live";
    const maxSize = live ? (this.options.batchSize ?? 500) : (this.options.rebuildBatchSize ?? 5000);
    const maxDelayMs = live ? (this.options.maxBatchDelayMs ?? 20) : 200;
    let cursor = from;
    try {
      if (until !== undefined && cursor !== undefined && this.store.compareCheckpoints(cursor, until) >= 0) return cursor;
      const events = this.store.subscribe({ after: from, signal: local.signal, batchSize: maxSize });
      for await (const batch of batched(events, { maxSize, maxDelayMs })) {
        if (live) await this.commitLive(batch);
        else await this.commitBatch(slot, cursor, batch);
        cursor = batch.at(-1)!.checkpoint;
        onEvents(batch.length);
        onCommit?.();
        if (live) {
          this.checkpoint = cursor;
          this.wakeWaiters();
        }
        if (until !== undefined && this.store.compareCheckpoints(cursor, until) >= 0) break;
      }
      return cursor;
    } finally {
      outer?.removeEventListener("abort", abort);
      local.abort();
    }
  }

  /** A live batch: committed from the stored checkpoint, or only noted when idle. */
  private async commitLive(batch: RecordedEvent[]): Promise<void> {
    const idleMs = this.options.idleCheckpointMs ?? 1_000;
    const idle = !batch.some((e) => matchesFilter(this.projection.filter, e));
    const persist = !idle || performance.now() - this.storedAt >= idleMs;
    await this.commitBatch("live", this.stored, batch, persist);
    if (persist) {
      this.stored = batch.at(-1)!.checkpoint;
      this.storedAt = performance.now();
    }
  }

  private async commitBatch(slot: Slot, from: string | undefined, batch: RecordedEvent[], persist = true): Promise<void> {
    const matching = batch.filter((e) => matchesFilter(this.projection.filter, e));
    const to = batch.at(-1)!.checkpoint;
    const started = performance.now();
    if (persist) {
      await this.checkpoints.commit(this.projection, slot, from, to, async (tx) => {
        if (matching.length > 0) await this.projection.handle(matching, tx);
      });
    }
    const committedAt = new Date();
    const lagMs = batch.map((e) => committedAt.getTime() - e.recordedAt.getTime());
    if (slot === "live") {
      for (const l of lagMs) this.lag.record(l);
      this.eventsProcessed += batch.length;
      this.lastCommitAt = committedAt;
    }
    this.options.onBatchCommitted?.({
      projection: this.projection.name,
      slot,
      events: batch.length,
      handled: matching.length,
      checkpoint: to,
      stored: persist,
      committedAt,
      lagMs,
      commitMs: performance.now() - started,
    });
  }

  private reached(checkpoint: string): boolean {
    return this.checkpoint !== undefined && this.store.compareCheckpoints(this.checkpoint, checkpoint) >= 0;
  }

  private wakeWaiters(): void {
    for (const w of this.waiters) if (this.reached(w.checkpoint)) this.settle(w, true);
  }

  private settle(w: Waiter, reached: boolean): void {
    clearTimeout(w.timer);
    this.waiters.delete(w);
    w.resolve(reached);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
