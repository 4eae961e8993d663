// Sorted sets: members with a score per key, read highest first (trending videos,
// leaderboards, a creator's top sounds). Ties are ordered by member, descending by byte
// order, on every adapter (it is Redis's order), so pages never shuffle. Setting a score
// is idempotent; incrementing one is applied once per event id, like a counter.

export interface SortedSetSpec {
  readonly kind: "sortedSets";
  /** Lowercase letters, digits and underscores, starting with a letter; at most 32 characters. */
  readonly name: string;
  /** How long an applied event id is remembered (default 7 days). */
  readonly dedupeWindowSeconds?: number;
}

export function defineSortedSet(name: string, options: Omit<SortedSetSpec, "kind" | "name"> = {}): SortedSetSpec {
  return { kind: "sortedSets", name, ...options };
}

export interface ScoredMember {
  member: string;
  score: number;
}

export interface ScoreIncrement {
  key: string;
  member: string;
  by: number;
  eventId?: string;
}

export interface SortedSets {
  /** Sets the members' scores. */
  add(key: string, entries: ScoredMember | readonly ScoredMember[]): Promise<void>;
  /** Adds `by` to the member's score (0 when absent), once per event id. */
  incrementScore(key: string, member: string, by: number, options?: { eventId?: string }): Promise<void>;
  incrementMany(increments: readonly ScoreIncrement[]): Promise<void>;
  score(key: string, member: string): Promise<number | undefined>;
  /** The k highest, highest first. */
  top(key: string, k: number): Promise<ScoredMember[]>;
  /** Entries at ranks offset … offset+limit-1 (rank 0 is the highest). */
  range(key: string, offset: number, limit: number): Promise<ScoredMember[]>;
  /** 0-based rank from the top, or undefined when absent. */
  rank(key: string, member: string): Promise<number | undefined>;
  remove(key: string, members: string | readonly string[]): Promise<void>;
  /** Keeps the `keep` highest members and removes the rest. */
  trim(key: string, keep: number): Promise<void>;
  size(key: string): Promise<number>;
}
