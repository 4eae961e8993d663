// A small in-process cache with a time to live and a size bound, for facts a hot command
// path reads on every call (a video's creator and privacy, a creator's account privacy).
// Entries live briefly (about a second): long enough to absorb a burst of views of one
// video, short enough that a privacy change or a block applies almost at once.
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();
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

  set(key: string, value: V): void {
    if (this.ttlMs <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expires: this.now() + this.ttlMs });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Values for `keys`, loading the missing ones in one call. */
  async getMany(keys: readonly string[], load: (missing: string[]) => Promise<Map<string, V>>): Promise<Map<string, V>> {
    const out = new Map<string, V>();
    const missing: string[] = [];
    for (const k of new Set(keys)) {
      const v = this.get(k);
      if (v === undefined) missing.push(k);
      else out.set(k, v);
    }
    if (missing.length > 0) {
      const loaded = await load(missing);
      for (const [k, v] of loaded) {
        this.set(k, v);
        out.set(k, v);
      }
    }
    return out;
  }
}
