// The event store port: the one interface every write goes through.
// Adapters: PostgreSQL (pg), PostgreSQL in-process (PGlite), KurrentDB.
// Shaped for the most restrictive engine: no cross-stream transactions are promised to
// callers, positions are opaque, subscriptions are at-least-once.

/** Optimistic concurrency expectation for an append. */
export type ExpectedRevision =
  | "any" // no check
  | "no_stream" // the stream must not exist yet (reservations, creation)
  | "exists" // the stream must have at least one event
  | bigint; // the stream's last revision must be exactly this (0-based)

/** Carried by every event; propagated from the RPC that caused it. */
export interface EventMetadata {
  correlationId?: string;
  causationId?: string;
  /** The user (or system actor) on whose behalf the event was written. */
  actor?: string;
  /** W3C trace context of the producing span, so projections can link to it. */
  traceparent?: string;
  tracestate?: string;
  /** The client request id (idempotency key) that produced the event. */
  requestId?: string;
}

export interface NewEvent {
  /** UUID; deterministic from the request id so that a retried command is a no-op. */
  id: string;
  /** Fully-qualified protobuf message name, e.g. "flick.events.v1.VideoPublished". */
  type: string;
  /** Serialized payload (protobuf binary, or JSON as UTF-8 when contentType says so). */
  data: Uint8Array;
  contentType?: "application/octet-stream" | "application/json";
  metadata?: EventMetadata;
}

export interface RecordedEvent {
  id: string;
  type: string;
  data: Uint8Array;
  contentType: "application/octet-stream" | "application/json";
  metadata: EventMetadata;
  streamName: string;
  /** 0-based position of the event in its stream. */
  revision: bigint;
  /** Opaque, totally ordered position in $all; resume a subscription after it. */
  checkpoint: string;
  recordedAt: Date;
}

export interface AppendResult {
  /** Revision of the last event now in the stream. */
  nextRevision: bigint;
  /** Checkpoint of the last appended event: a reader may wait until it has seen it. */
  checkpoint: string;
}

export interface AllFilter {
  /** Only streams whose category (the part before the first '-') is one of these. */
  categories?: string[];
  /** Only events of these types. */
  eventTypes?: string[];
}

export interface SubscribeOptions {
  /** Resume strictly after this checkpoint; from the very beginning when absent. */
  after?: string;
  filter?: AllFilter;
  /** Ends the subscription (the iterator returns). */
  signal?: AbortSignal;
  /** Hint for how many events an adapter fetches per round trip. */
  batchSize?: number;
}

export interface EventStoreCapabilities {
  /** A retried append with the same event ids is always a no-op (not best-effort). */
  exactIdempotency: boolean;
  /** Concurrent appends to different streams share one engine transaction. */
  groupCommit: boolean;
}

export interface EventStore {
  readonly name: string;
  readonly capabilities: EventStoreCapabilities;
  /**
   * Appends atomically to one stream. Throws WrongExpectedRevisionError when the
   * expectation fails. Re-appending events whose ids are already in the stream writes
   * nothing and returns the original result. `events` must be non-empty with distinct
   * UUID ids (else TypeError). EventStoreUnavailableError means: retry the same call.
   */
  append(stream: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  /** Events of one stream in revision order; empty when the stream does not exist. */
  readStream(stream: string, options?: { fromRevision?: bigint; maxCount?: number }): Promise<RecordedEvent[]>;
  /**
   * Catch-up then live: every event after `after` in global order, each exactly once per
   * subscription (at-least-once across restarts, so handlers must be idempotent).
   */
  subscribe(options?: SubscribeOptions): AsyncIterable<RecordedEvent>;
  /** Orders two checkpoints of this store: negative, zero or positive. */
  compareCheckpoints(a: string, b: string): number;
  /**
   * The checkpoint of the newest event a subscription can deliver now (on PostgreSQL, an
   * event of a transaction committed behind an older one still open shows up once that one
   * ends), or undefined when there is none.
   */
  headCheckpoint(): Promise<string | undefined>;
  close(): Promise<void>;
}

export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    readonly actual: bigint | "no_stream",
  ) {
    super(`stream ${stream}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = "WrongExpectedRevisionError";
  }
}

/**
 * The store could not be reached, or the connection broke while an append was in flight
 * (its outcome is then unknown). Retrying the same append is safe: event ids make it
 * idempotent (exactly so where capabilities.exactIdempotency says so).
 */
export class EventStoreUnavailableError extends Error {
  readonly retriable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "EventStoreUnavailableError";
  }
}

/** "video-01H..." → "video". */
export function categoryOf(stream: string): string {
  const dash = stream.indexOf("-");
  return dash === -1 ? stream : stream.slice(0, dash);
}
