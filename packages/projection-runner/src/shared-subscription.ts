// One reader of $all for every projection of a process. Each runner used to subscribe on
// its own, so a process with a dozen projections fetched, decoded and parsed every event
// a dozen times (profiled: the readers, not the handlers, were most of the work under
// load). Here one live reader keeps a window of recent events in memory and every
// subscription whose position falls inside the window is served from it. A subscription
// behind the window (a first start, a rebuild, a runner that fell far behind) reads the
// store on its own until it reaches the window, then joins; one that the window leaves
// behind (too slow) falls back the same way. Order and exactly-once per subscription are
// kept: a subscriber always continues strictly after the last checkpoint it yielded.

import type { AppendResult, EventStore, ExpectedRevision, NewEvent, RecordedEvent, SubscribeOptions } from "@flick/event-store";
import { matchesFilter } from "./projection.js";

export interface SharedSubscriptionOptions {
  /** Events kept in memory for subscribers (default 20,000). */
  windowSize?: number;
  /** Events the shared reader fetches per round trip (default 1,000). */
  batchSize?: number;
}

/**
 * An EventStore whose subscriptions share one reader; every other call goes to `store`.
 * close() stops the shared reader only: the store belongs to its opener.
 */
export class SharedSubscriptionStore implements EventStore {
  readonly name: string;
  readonly capabilities: EventStore["capabilities"];
  readonly #store: EventStore;
  readonly #windowSize: number;
  readonly #batchSize: number;
  #hub: Hub | undefined;
  #closed = new AbortController();

  constructor(store: EventStore, options: SharedSubscriptionOptions = {}) {
    this.#store = store;
    this.name = store.name;
    this.capabilities = store.capabilities;
    this.#windowSize = Math.max(16, options.windowSize ?? 20_000);
    this.#batchSize = options.batchSize ?? 1_000;
  }

  append(stream: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    return this.#store.append(stream, events, expected);
  }

  readStream(stream: string, options?: { fromRevision?: bigint; maxCount?: number }): Promise<RecordedEvent[]> {
    return this.#store.readStream(stream, options);
  }

  compareCheckpoints(a: string, b: string): number {
    return this.#store.compareCheckpoints(a, b);
  }

  headCheckpoint(): Promise<string | undefined> {
    return this.#store.headCheckpoint();
  }

  subscribe(options: SubscribeOptions = {}): AsyncIterable<RecordedEvent> {
    // Checked here, as the store does, so a bad checkpoint fails the call itself.
    if (options.after !== undefined) this.#store.compareCheckpoints(options.after, options.after);
    return this.#serve(options);
  }

  async close(): Promise<void> {
    this.#closed.abort();
    const hub = this.#hub;
    this.#hub = undefined;
    // Waits for the reader to let go, so closing the engines next finds no query in flight.
    await hub?.stop();
  }

  /** How many subscribers the shared reader serves now (for tests and status pages). */
  get sharedSubscribers(): number {
    return this.#hub?.subscribers ?? 0;
  }

  async *#serve(options: SubscribeOptions): AsyncGenerator<RecordedEvent> {
    const signal = options.signal ? AbortSignal.any([options.signal, this.#closed.signal]) : this.#closed.signal;
    const wanted = (e: RecordedEvent) => !options.filter || matchesFilter(options.filter, e);
    let cursor = options.after;
    while (!signal.aborted) {
      const hub = await this.#hubFor(signal);
      if (!hub) return;
      if (hub.covers(cursor)) {
        // From the window until it leaves us behind (then read alone again).
        for await (const e of hub.after(cursor, signal)) {
          cursor = e.checkpoint;
          if (wanted(e)) yield e;
        }
        continue;
      }
      // Behind the window: read the store alone until the window covers our position.
      const alone = new AbortController();
      const stop = () => alone.abort();
      signal.addEventListener("abort", stop, { once: true });
      try {
        for await (const e of this.#store.subscribe({ after: cursor, signal: alone.signal, batchSize: options.batchSize })) {
          cursor = e.checkpoint;
          if (wanted(e)) yield e;
          if (hub.covers(cursor)) break;
        }
      } finally {
        signal.removeEventListener("abort", stop);
        alone.abort();
      }
    }
  }

  /** The live shared reader, started on first use (and again after it failed). */
  async #hubFor(signal: AbortSignal): Promise<Hub | undefined> {
    if (this.#hub && !this.#hub.failed) return this.#hub;
    const head = await this.#store.headCheckpoint();
    if (signal.aborted) return undefined;
    // Another subscriber may have started one meanwhile.
    if (this.#hub && !this.#hub.failed) return this.#hub;
    this.#hub = new Hub(this.#store, head, this.#windowSize, this.#batchSize);
    return this.#hub;
  }
}

/** The shared reader and its window of recent events. */
class Hub {
  /** Events after `#startAfter`, in order; `#base` is the sequence number of the first. */
  #events: RecordedEvent[] = [];
  #base = 0;
  /** Everything after this checkpoint (after the beginning when undefined) is or will be here. */
  #startAfter: string | undefined;
  #waiters = new Set<() => void>();
  #wakeScheduled = false;
  #error: unknown;
  #failed = false;
  readonly #stop = new AbortController();
  /** The reading loop, so stopping can wait until its subscription has let go of the store. */
  readonly #reading: Promise<void>;
  subscribers = 0;

  constructor(
    private readonly store: EventStore,
    startAfter: string | undefined,
    private readonly windowSize: number,
    batchSize: number,
  ) {
    this.#startAfter = startAfter;
    this.#reading = this.#read(batchSize);
  }

  get failed(): boolean {
    return this.#failed;
  }

  /** Stops reading; resolves once the store's subscription has ended. */
  stop(): Promise<void> {
    this.#stop.abort();
    this.#wake();
    return this.#reading;
  }

  /** True when the window holds (or will hold) every event after `cursor`. */
  covers(cursor: string | undefined): boolean {
    if (this.#failed) return false;
    if (this.#startAfter === undefined) return true;
    return cursor !== undefined && this.store.compareCheckpoints(cursor, this.#startAfter) >= 0;
  }

  /**
   * The window's events after `cursor`, then new ones as they arrive; ends when the
   * window drops an event this subscriber has not had yet. Throws if the reader failed.
   */
  async *after(cursor: string | undefined, signal: AbortSignal): AsyncGenerator<RecordedEvent> {
    this.subscribers++;
    try {
      let next = this.#base + this.#firstAfter(cursor);
      while (!signal.aborted && !this.#stop.signal.aborted) {
        if (next < this.#base) return; // dropped from the window before we read it
        const index = next - this.#base;
        if (index < this.#events.length) {
          const e = this.#events[index]!;
          next++;
          // The window may still hold events up to our position (we were ahead of it).
          if (cursor !== undefined && this.store.compareCheckpoints(e.checkpoint, cursor) <= 0) continue;
          cursor = e.checkpoint;
          yield e;
          continue;
        }
        if (this.#failed) throw this.#error;
        await this.#waitForMore(signal);
      }
    } finally {
      this.subscribers--;
    }
  }

  /** Index in the window of the first event after `cursor` (binary search). */
  #firstAfter(cursor: string | undefined): number {
    if (cursor === undefined) return 0;
    let lo = 0;
    let hi = this.#events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.store.compareCheckpoints(this.#events[mid]!.checkpoint, cursor) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #waitForMore(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.#waiters.delete(done);
        signal.removeEventListener("abort", done);
        resolve();
      };
      this.#waiters.add(done);
      signal.addEventListener("abort", done, { once: true });
    });
  }

  /** Wakes waiting subscribers once per tick, however many events arrived in it. */
  #wake(): void {
    if (this.#wakeScheduled) return;
    this.#wakeScheduled = true;
    queueMicrotask(() => {
      this.#wakeScheduled = false;
      for (const w of [...this.#waiters]) w();
    });
  }

  async #read(batchSize: number): Promise<void> {
    try {
      for await (const e of this.store.subscribe({ after: this.#startAfter, signal: this.#stop.signal, batchSize })) {
        this.#events.push(e);
        if (this.#events.length > this.windowSize) this.#trim();
        this.#wake();
      }
    } catch (error) {
      if (this.#stop.signal.aborted) return;
      this.#error = error;
      this.#failed = true;
      this.#wake();
    }
  }

  /** Drops the oldest quarter at once (one splice instead of one per event). */
  #trim(): void {
    const drop = Math.max(1, this.#events.length - Math.floor(this.windowSize * 0.75));
    this.#startAfter = this.#events[drop - 1]!.checkpoint;
    this.#events.splice(0, drop);
    this.#base += drop;
  }
}
