// A small in-process cache with a time to live and a size bound, for facts a hot command
// path reads on every call (a video's creator and privacy, a creator's account privacy).
// Entries live briefly (about a second): long enough to absorb a burst of views of one
// video, short enough that a privacy change or a block applies almost at once.
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();
  private readonly loading = new Map<string, Promise<V | undefined>>();
  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 50_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expires <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  /** Entries held, expired ones not yet dropped included. */
  get size(): number {
    return this.entries.size;
  }

  set(key: string, value: V): void {
    if (this.ttlMs <= 0) return;
    const now = this.now();
    this.entries.delete(key);
    this.entries.set(key, { value, expires: now + this.ttlMs });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    // Expired entries go as new ones arrive, oldest first (entries are in the order they
    // were set, which with one TTL is the order they expire: the first one still live
    // ends the sweep). Otherwise an entry read once stayed until maxEntries newer ones
    // pushed it out: after a burst of views, ~70k dead entries (~430k objects with
    // their keys and values) sat in the old generation for every major GC to mark.
    for (const [k, e] of this.entries) {
      if (e.expires > now) break;
      this.entries.delete(k);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /**
   * Values for `keys`, loading the missing ones in one call. A key already being loaded
   * by another caller is waited for, not loaded again: when an entry expires under load,
   * the callers that find it gone share one read instead of each making their own.
   */
  async getMany(keys: readonly string[], load: (missing: string[]) => Promise<Map<string, V>>): Promise<Map<string, V>> {
    const out = new Map<string, V>();
    const missing: string[] = [];
    const waiting: [string, Promise<V | undefined>][] = [];
    for (const k of new Set(keys)) {
      const v = this.get(k);
      if (v !== undefined) out.set(k, v);
      else if (this.loading.has(k)) waiting.push([k, this.loading.get(k)!]);
      else missing.push(k);
    }
    if (missing.length > 0) {
      const loaded = load(missing).then((found) => {
        for (const [k, v] of found) this.set(k, v);
        return found;
      });
      for (const k of missing) {
        const one = loaded.then((m) => m.get(k)).finally(() => this.loading.delete(k));
        one.catch(() => undefined); // callers sharing it see the error when they await it
        this.loading.set(k, one);
      }
      for (const [k, v] of await loaded) out.set(k, v);
    }
    for (const [k, pending] of waiting) {
      const v = await pending;
      if (v !== undefined) out.set(k, v);
    }
    return out;
  }
}
