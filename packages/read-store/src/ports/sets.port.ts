// Sets of strings per key: "videos a user has seen", "users blocked by a user". Members can
// expire (ttlSeconds, counted from when they were added) and a set can be capped (maxSize:
// the oldest members go first), so a feed filter stays bounded. add and remove are
// idempotent, so a redelivered batch replayed in order leaves the same set.

export interface SetSpec {
  readonly kind: "sets";
  /** Lowercase letters, digits and underscores, starting with a letter; at most 32 characters. */
  readonly name: string;
  /** Members expire this long after they were (last) added. */
  readonly ttlSeconds?: number;
  /** At most this many members per key; adding more evicts the oldest. */
  readonly maxSize?: number;
}

export function defineSet(name: string, options: Omit<SetSpec, "kind" | "name"> = {}): SetSpec {
  return { kind: "sets", name, ...options };
}

export interface SetAddOptions {
  /**
   * When the member was added (default now): pass the event's time so a rebuild expires
   * and evicts members exactly as the live model did.
   */
  at?: Date;
}

export interface Sets {
  add(key: string, members: string | readonly string[], options?: SetAddOptions): Promise<void>;
  remove(key: string, members: string | readonly string[]): Promise<void>;
  contains(key: string, member: string): Promise<boolean>;
  /** One answer per member, in order. */
  containsMany(key: string, members: readonly string[]): Promise<boolean[]>;
  /** Members not expired. */
  size(key: string): Promise<number>;
  clear(key: string): Promise<void>;
}
