// A key/value cache with expiry: rendered feed pages, resolved profiles, rate-limit
// windows. Values are strings (JSON where the caller needs structure); a miss is normal
// and callers recompute.

export interface CacheSpec {
  readonly kind: "cache";
  /** Lowercase letters, digits and underscores, starting with a letter; at most 32 characters. */
  readonly name: string;
  /** Default expiry of an entry. */
  readonly ttlSeconds: number;
}

export function defineCache(name: string, options: { ttlSeconds: number }): CacheSpec {
  return { kind: "cache", name, ...options };
}

export interface CacheEntry {
  key: string;
  value: string;
  /** Default: the cache's ttlSeconds. */
  ttlSeconds?: number;
}

export interface Cache {
  get(key: string): Promise<string | undefined>;
  getMany(keys: readonly string[]): Promise<(string | undefined)[]>;
  set(key: string, value: string, options?: { ttlSeconds?: number }): Promise<void>;
  /**
   * The same as `set` for each entry in order (a key given twice keeps its last value), in
   * as few round trips as the engine allows: a projection's batch caching a fact per event.
   */
  setMany(entries: readonly CacheEntry[]): Promise<void>;
  delete(key: string): Promise<void>;
}
