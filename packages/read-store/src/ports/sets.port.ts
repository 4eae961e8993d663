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

/** One `add` of a batch. */
export interface SetAddition {
  key: string;
  members: readonly string[];
  /** As SetAddOptions.at. */
  at?: Date;
}

export interface Sets {
  add(key: string, members: string | readonly string[], options?: SetAddOptions): Promise<void>;
  /**
   * The same as calling `add` for each entry in order, in as few round trips as the engine
   * allows (a projection's batch touching hundreds of keys). Not atomic as a whole; every
   * add is idempotent, so a batch cut short is safely applied again.
   */
  addMany(additions: readonly SetAddition[]): Promise<void>;
  remove(key: string, members: string | readonly string[]): Promise<void>;
  contains(key: string, member: string): Promise<boolean>;
  /** One answer per member, in order. */
  containsMany(key: string, members: readonly string[]): Promise<boolean[]>;
  /** Members not expired. */
  size(key: string): Promise<number>;
  clear(key: string): Promise<void>;
}
