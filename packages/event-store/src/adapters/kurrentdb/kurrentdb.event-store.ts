import {
  BACKWARDS,
  CancelledError,
  DeadlineExceededError,
  END,
  KurrentDBClient,
  NotLeaderError,
  START,
  StreamDeletedError,
  StreamNotFoundError,
  TimeoutError,
  UnavailableError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  type Position,
} from "@kurrent/kurrentdb-client";
import {
  EventStoreUnavailableError,
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type EventStoreCapabilities,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
  type SubscribeOptions,
} from "../../event-store.port.js";
import { sleep } from "../../internal/doorbell.js";
import { validateAppend } from "../../internal/validate-append.js";
import {
  comparePositions,
  decodePosition,
  encodePosition,
  isSystemEvent,
  matches,
  toActualRevision,
  toEventData,
  toRecordedEvent,
  toServerFilter,
  toStreamState,
} from "./kurrentdb.mapping.js";

export interface KurrentEventStoreOptions {
  /** e.g. kurrentdb://localhost:2113?tls=false */
  connectionString: string;
}

const MAX_RETRY_DELAY_MS = 5_000;

export async function createKurrentEventStore(options: KurrentEventStoreOptions): Promise<EventStore> {
  // The gRPC channel connects lazily: a wrong address surfaces on the first call.
  return new KurrentEventStore(KurrentDBClient.connectionString(options.connectionString));
}

class KurrentEventStore implements EventStore {
  readonly name = "kurrentdb";
  readonly capabilities: EventStoreCapabilities = {
    // The server de-duplicates by event id only best-effort (not with ANY, not after its
    // id cache rolls over); the command handler's request-id check covers the rest.
    exactIdempotency: false,
    groupCommit: false,
  };
  readonly #closing = new AbortController();

  constructor(private readonly client: KurrentDBClient) {}

  async append(stream: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const valid = validateAppend(stream, events, expected);
    try {
      const result = await this.client.appendToStream(stream, valid.map(toEventData), {
        streamState: toStreamState(expected),
      });
      const position = result.position ?? (await this.#lastPosition(stream));
      return { nextRevision: result.nextExpectedRevision, checkpoint: encodePosition(position) };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        throw new WrongExpectedRevisionError(stream, expected, toActualRevision(error.actualState));
      }
      throw unavailable(error) ?? error;
    }
  }

  async readStream(stream: string, options: { fromRevision?: bigint; maxCount?: number } = {}): Promise<RecordedEvent[]> {
    if (options.maxCount === 0) return [];
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(stream, {
        fromRevision: options.fromRevision ?? START,
        ...(options.maxCount === undefined ? {} : { maxCount: options.maxCount }),
      })) {
        if (resolved.event) events.push(toRecordedEvent(resolved.event, resolved.commitPosition));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError || error instanceof StreamDeletedError) return [];
      throw unavailable(error) ?? error;
    }
    return events;
  }

  subscribe(options: SubscribeOptions = {}): AsyncIterable<RecordedEvent> {
    const after = options.after === undefined ? undefined : decodePosition(options.after);
    return this.#subscribe(after, options);
  }

  compareCheckpoints(a: string, b: string): number {
    return comparePositions(decodePosition(a), decodePosition(b));
  }

  async headCheckpoint(): Promise<string | undefined> {
    try {
      for await (const resolved of this.client.readAll({
        direction: BACKWARDS,
        fromPosition: END,
        maxCount: 1,
        filter: excludeSystemEvents(),
      })) {
        if (resolved.event) return encodePosition(resolved.event.position);
      }
      return undefined;
    } catch (error) {
      throw unavailable(error) ?? error;
    }
  }

  async close(): Promise<void> {
    this.#closing.abort();
    await this.client.dispose();
  }

  /** Older servers omit the position from an append's result: read it back. */
  async #lastPosition(stream: string): Promise<Position> {
    for await (const resolved of this.client.readStream(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1 })) {
      if (resolved.event?.position) return resolved.event.position;
    }
    throw new Error(`KurrentDB returned no position for the append to ${stream}`);
  }

  async *#subscribe(after: Position | undefined, options: SubscribeOptions): AsyncGenerator<RecordedEvent> {
    const signal = options.signal ? AbortSignal.any([options.signal, this.#closing.signal]) : this.#closing.signal;
    let cursor = after;
    let failures = 0;
    while (!signal.aborted) {
      const subscription = this.client.subscribeToAll(
        { fromPosition: cursor ?? START, filter: toServerFilter(options.filter), resolveLinkTos: false },
        { highWaterMark: options.batchSize ?? 500 },
      );
      const stop = () => void subscription.unsubscribe().catch(() => {});
      signal.addEventListener("abort", stop, { once: true });
      try {
        for await (const resolved of subscription) {
          if (signal.aborted) return;
          failures = 0;
          const event = resolved.event;
          if (!event || isSystemEvent(event)) continue;
          // Resuming from a position must never repeat the event at that position.
          if (cursor && comparePositions(event.position, cursor) <= 0) continue;
          cursor = event.position;
          const recorded = toRecordedEvent(event);
          if (matches(options.filter, recorded)) yield recorded;
        }
        if (signal.aborted) return;
        // The server ended the subscription without an error: resubscribe, gently.
        failures++;
        await sleep(Math.min(100 * 2 ** failures, MAX_RETRY_DELAY_MS), signal);
      } catch (error) {
        // A dropped subscription (server restart, leader change) resumes after its cursor.
        if (signal.aborted) return;
        if (!unavailable(error)) throw error;
        failures++;
        await sleep(Math.min(100 * 2 ** failures, MAX_RETRY_DELAY_MS), signal);
      } finally {
        signal.removeEventListener("abort", stop);
        stop();
      }
    }
  }
}

/** gRPC status codes of a raw ServiceError the client passes through unconverted. */
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

function unavailable(error: unknown): EventStoreUnavailableError | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  const retriable =
    code === GRPC_UNAVAILABLE ||
    code === GRPC_DEADLINE_EXCEEDED ||
    error instanceof UnavailableError ||
    error instanceof DeadlineExceededError ||
    error instanceof TimeoutError ||
    error instanceof NotLeaderError ||
    error instanceof CancelledError;
  if (!retriable || !(error instanceof Error)) return undefined;
  return new EventStoreUnavailableError(`kurrentdb event store unavailable: ${error.message}`, { cause: error });
}
