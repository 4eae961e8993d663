// Counters: likes per video, followers per user, events per category. Projections see
// events at least once, so a count is only exact after replays if every increment is
// applied once per event: callers pass the event's id, and adapters remember applied ids
// for a window (or, on the PostgreSQL family under the projection runner, commit the
// increment and the checkpoint in one transaction, which makes remembering unnecessary).

export interface CounterSpec {
  readonly kind: "counters";
  /** Lowercase letters, digits and underscores, starting with a letter; at most 32 characters. */
  readonly name: string;
  /**
   * How long an applied event id is remembered (default 7 days). A redelivery later than
   * this is counted again; the runner redelivers only what follows its checkpoint.
   */
  readonly dedupeWindowSeconds?: number;
}

export function defineCounters(name: string, options: Omit<CounterSpec, "kind" | "name"> = {}): CounterSpec {
  return { kind: "counters", name, ...options };
}

export interface CounterIncrement {
  key: string;
  /** Negative to decrement (default 1). */
  by?: number;
  /** Applied at most once per id (within the dedupe window). */
  eventId?: string;
}

export interface Counters {
  increment(key: string, by?: number, options?: { eventId?: string }): Promise<void>;
  decrement(key: string, by?: number, options?: { eventId?: string }): Promise<void>;
  /** Many increments (a projection's batch), keys may repeat; cheaper than one by one. */
  incrementMany(increments: readonly CounterIncrement[]): Promise<void>;
  /** 0 for a key never incremented. */
  get(key: string): Promise<number>;
  /** Values in the order of `keys`. */
  getMany(keys: readonly string[]): Promise<number[]>;
  /**
   * The value and whether the increment that carried `eventId` is in it, read together
   * in one atomic read, so a command can answer "the count after my change" without
   * waiting for the projection to reach it. `includes` is true or false where the engine
   * keeps applied-event markers beside the value (Redis); undefined where it cannot tell
   * (the PostgreSQL family under the projection runner commits increment and checkpoint
   * together and keeps no markers; Cassandra's markers are not read): wait for the
   * projection's checkpoint instead.
   */
  getWithEvent(key: string, eventId: string): Promise<{ value: number; includes: boolean | undefined }>;
}
