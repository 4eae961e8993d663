// The one command handler every write goes through: read the stream, fold, decide,
// append with the expected revision; on a lost race re-read and decide again.
//
// Idempotency does not trust the store alone: KurrentDB de-duplicates event ids only
// best-effort, so the handler itself looks for this request's deterministic event ids in
// the stream it has just read and, when they are there, returns the earlier result
// instead of deciding again.

import {
  EventStoreUnavailableError,
  WrongExpectedRevisionError,
  type EventMetadata,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
} from "@flick/event-store";
import type { EventCodec } from "./codec.js";
import type { Decider } from "./decider.js";
import { ConcurrencyError } from "./errors.js";
import { eventId } from "./ids.js";

export interface HandleCommandOptions<Command, State, Event> {
  stream: string;
  decider: Decider<Command, State, Event>;
  command: Command;
  /** The client's idempotency key: event ids derive from it. */
  requestId: string;
  /** Correlation, causation, actor, trace context: copied onto every appended event. */
  metadata?: EventMetadata;
  codec: EventCodec<Event>;
  /**
   * Retries after a lost optimistic-concurrency race (then ConcurrencyError) or an append
   * whose outcome is unknown (then the store's error). Default 8.
   */
  maxRetries?: number;
  /** Backoff before retry n: uniform in [0, min(maxMs, baseMs·2^n)] ("full jitter"). */
  backoff?: { baseMs: number; maxMs: number };
  /**
   * "request" (default): a command whose events are already in the stream is answered
   * from them. "decider": the decider is idempotent by itself (a repeated command decides
   * no events) and ids are scoped to the stream revision, so the same request may act
   * again after a compensating event (a reservation released and claimed again).
   */
  idempotency?: "request" | "decider";
}

export interface CommandResult<State, Event> {
  stream: string;
  /** The events this command produced (the earlier ones when `replayed`). */
  events: Event[];
  /** State after those events. */
  state: State;
  /** Revision of the stream's last event after the command; undefined: still no stream. */
  nextRevision: bigint | undefined;
  /** Checkpoint of the last event produced; a query may wait for projections to reach it. */
  checkpoint: string | undefined;
  /** True when the request had already been handled and nothing was appended now. */
  replayed: boolean;
  /** Read–decide–append rounds it took (1 without conflicts). */
  attempts: number;
}

const DEFAULT_BACKOFF = { baseMs: 2, maxMs: 100 };

export async function handleCommand<Command, State, Event>(
  store: EventStore,
  options: HandleCommandOptions<Command, State, Event>,
): Promise<CommandResult<State, Event>> {
  const { stream, decider, command, requestId, codec } = options;
  const maxRetries = options.maxRetries ?? 8;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const byRequest = (options.idempotency ?? "request") === "request";
  if (!requestId) throw new Error("handleCommand: requestId is required");

  for (let attempt = 1; ; attempt++) {
    const recorded = await store.readStream(stream);
    const folded = foldStream(stream, recorded, decider, codec, byRequest ? requestId : undefined);
    if (folded.earlier) return { ...folded.earlier, stream, replayed: true, attempts: attempt };

    const { state } = folded;
    const last = recorded.at(-1)?.revision;
    const events = decider.decide(command, state); // domain errors propagate: nothing appended
    if (events.length === 0) {
      return { stream, events, state, nextRevision: last, checkpoint: undefined, replayed: false, attempts: attempt };
    }

    const firstIndex = byRequest ? 0 : Number(last ?? -1n) + 1;
    const metadata: EventMetadata = { ...options.metadata, requestId };
    const toAppend: NewEvent[] = events.map((event, i) => ({
      id: eventId(requestId, stream, firstIndex + i),
      ...codec.encode(event),
      metadata,
    }));
    const expected: ExpectedRevision = last === undefined ? "no_stream" : last;
    try {
      const appended = await store.append(stream, toAppend, expected);
      let next = state;
      for (const event of events) next = decider.evolve(next, event);
      return {
        stream,
        events,
        state: next,
        nextRevision: appended.nextRevision,
        checkpoint: appended.checkpoint,
        replayed: false,
        attempts: attempt,
      };
    } catch (err) {
      // A lost race, or a broken connection with the append's outcome unknown: both are
      // settled by reading again (our event ids will be there if the append landed).
      const unknownOutcome = err instanceof EventStoreUnavailableError;
      if (!(err instanceof WrongExpectedRevisionError) && !unknownOutcome) throw err;
      if (attempt > maxRetries) throw unknownOutcome ? err : new ConcurrencyError(stream, attempt);
      await sleep(Math.random() * Math.min(backoff.maxMs, backoff.baseMs * 2 ** (attempt - 1)));
    }
  }
}

interface Folded<State, Event> {
  state: State;
  earlier?: Omit<CommandResult<State, Event>, "stream" | "replayed" | "attempts">;
}

/**
 * Folds the stream; with a request id, also finds the run of events that request wrote
 * (ids eventId(requestId, stream, 0..n-1), consecutive because one append is atomic) and
 * the state right after them, which is what the first call returned.
 */
function foldStream<State, Event>(
  stream: string,
  recorded: RecordedEvent[],
  decider: Decider<unknown, State, Event>,
  codec: EventCodec<Event>,
  requestId: string | undefined,
): Folded<State, Event> {
  const firstId = requestId === undefined ? undefined : eventId(requestId, stream, 0);
  let state = decider.initialState();
  let earlier: Folded<State, Event>["earlier"];
  for (let i = 0; i < recorded.length; i++) {
    const r = recorded[i]!;
    const event = codec.decode(r);
    if (event !== undefined) state = decider.evolve(state, event);
    if (earlier === undefined && r.id === firstId) {
      const events: Event[] = event === undefined ? [] : [event];
      let j = i + 1;
      for (let k = 1; j < recorded.length && recorded[j]!.id === eventId(requestId!, stream, k); j++, k++) {
        const next = codec.decode(recorded[j]!);
        if (next === undefined) continue;
        state = decider.evolve(state, next);
        events.push(next);
      }
      const lastOfRun = recorded[j - 1]!;
      earlier = { events, state, nextRevision: lastOfRun.revision, checkpoint: lastOfRun.checkpoint };
      i = j - 1;
    }
  }
  return { state, earlier };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
