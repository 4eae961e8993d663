// Wakes subscriptions when new events may be readable (a local commit, a NOTIFY).
// The generation counter closes the race between "the query found nothing" and "start
// waiting": a ring that lands in between makes wait() return at once instead of being lost.
export class Doorbell {
  #generation = 0;
  readonly #waiters = new Set<() => void>();

  get generation(): number {
    return this.#generation;
  }

  ring(): void {
    this.#generation++;
    for (const wake of [...this.#waiters]) wake();
  }

  /** Resolves on a ring after generation `seen`, after `timeoutMs`, or on abort. */
  wait(seen: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.#generation !== seen || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", wake);
        this.#waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      signal?.addEventListener("abort", wake, { once: true });
      this.#waiters.add(wake);
    });
  }
}

/** Sleeps, but returns early when the signal aborts (never rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Doorbell().wait(0, ms, signal);
}
