// Point reads from concurrent requests, coalesced: every key asked for before the event
// loop turns goes to the store in one multi-key read (one statement on SQL). On the
// hottest paths a round trip to the database costs the process more than the rest of the
// request (a socket write and the peer's wake-up), so under load — many requests in
// flight — this turns a read per request into a read per turn of the loop, the way group
// commit does for appends. A lone request waits for nothing but the current turn.
export class CoalescedReads<K, V> {
  #pending: { key: K; resolve: (value: V) => void; reject: (error: unknown) => void }[] = [];
  #scheduled = false;

  /** `loadMany` answers every key, in order. */
  constructor(private readonly loadMany: (keys: K[]) => Promise<V[]>) {}

  load(key: K): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      this.#pending.push({ key, resolve, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      setImmediate(() => void this.#flush());
    });
  }

  loadAll(keys: readonly K[]): Promise<V[]> {
    return Promise.all(keys.map((k) => this.load(k)));
  }

  async #flush(): Promise<void> {
    const batch = this.#pending;
    this.#pending = [];
    this.#scheduled = false;
    try {
      const values = await this.loadMany(batch.map((p) => p.key));
      batch.forEach((p, i) => p.resolve(values[i]!));
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  }
}
