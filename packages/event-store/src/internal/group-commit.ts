// Group commit: appends that arrive while a transaction is in flight wait in a queue, and
// the next transaction carries all of them. One commit (one WAL flush, one round trip)
// then serves many callers, so throughput grows with concurrency instead of being capped
// by commit latency. No timer: a lone append goes at once, batching only happens under load.

export interface GroupCommitOptions {
  /** Most items one group carries: bounds a transaction's locks, size and latency. */
  maxGroupSize: number;
  /** Groups in flight at once: >1 overlaps one group's round trip with the next one's. */
  maxConcurrentGroups: number;
}

/** Per-item outcome of a group: a value, or the error that fails only that item. */
export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

interface Pending<T, R> {
  item: T;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

export class GroupCommitter<T, R> {
  readonly #queue: Pending<T, R>[] = [];
  readonly #idleWaiters: Array<() => void> = [];
  #inFlight = 0;
  #pumpScheduled = false;
  #closed = false;

  /**
   * `commitGroup` returns one outcome per item, in order. If it throws, every item of the
   * group fails with that error (the whole transaction did not happen, or its fate is unknown).
   */
  constructor(
    private readonly commitGroup: (items: T[]) => Promise<Outcome<R>[]>,
    private readonly options: GroupCommitOptions,
  ) {
    if (options.maxGroupSize < 1 || options.maxConcurrentGroups < 1) {
      throw new RangeError("maxGroupSize and maxConcurrentGroups must be >= 1");
    }
  }

  submit(item: T): Promise<R> {
    if (this.#closed) return Promise.reject(new Error("event store is closed"));
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      // Deferred to a microtask so callers submitting in the same tick share a group.
      if (!this.#pumpScheduled) {
        this.#pumpScheduled = true;
        queueMicrotask(() => {
          this.#pumpScheduled = false;
          this.#pump();
        });
      }
    });
  }

  /** Refuses new items and resolves once everything already submitted has settled. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#inFlight === 0 && this.#queue.length === 0) return;
    await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
  }

  #pump(): void {
    while (this.#inFlight < this.options.maxConcurrentGroups && this.#queue.length > 0) {
      const group = this.#queue.splice(0, this.options.maxGroupSize);
      this.#inFlight++;
      void this.#run(group);
    }
    if (this.#inFlight === 0 && this.#queue.length === 0) {
      for (const resolve of this.#idleWaiters.splice(0)) resolve();
    }
  }

  async #run(group: Pending<T, R>[]): Promise<void> {
    try {
      const outcomes = await this.commitGroup(group.map((p) => p.item));
      group.forEach((pending, i) => {
        const outcome = outcomes[i];
        if (!outcome) pending.reject(new Error("group commit returned no outcome for an item"));
        else if (outcome.ok) pending.resolve(outcome.value);
        else pending.reject(outcome.error);
      });
    } catch (error) {
      for (const pending of group) pending.reject(error);
    } finally {
      this.#inFlight--;
      this.#pump();
    }
  }
}
