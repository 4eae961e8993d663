// Given/when/then for deciders and projections (Emmett's DeciderSpecification): a test
// reads as the behaviour it checks. Assertions use node:assert so the helpers work under
// vitest or any other runner. Do not `await` the object `when()` returns: it has a
// `then` method on purpose, for the reading order.

import assert from "node:assert/strict";
import type { RecordedEvent } from "@flick/event-store";
import type { EventCodec } from "./codec.js";
import { fold, type Decider } from "./decider.js";

type ErrorClass = abstract new (...args: never[]) => Error;

export const DeciderSpecification = {
  for<C, S, E>(decider: Decider<C, S, E>) {
    return {
      given(events: E[]) {
        return {
          when(command: C) {
            const run = (): E[] => decider.decide(command, fold(decider, events));
            return {
              /** The command produces exactly these events. */
              then(expected: E[]): void {
                assert.deepStrictEqual(run(), expected);
              },
              /** The command is accepted but changes nothing (e.g. a repeat). */
              thenNothingHappened(): void {
                assert.deepStrictEqual(run(), []);
              },
              /** The command is refused with this error; `check` may look closer. */
              thenThrows<T extends ErrorClass>(errorClass: T, check?: (error: InstanceType<T>) => void): void {
                let thrown: unknown;
                try {
                  run();
                } catch (err) {
                  thrown = err;
                }
                assert.ok(thrown !== undefined, `expected ${errorClass.name}, but the command succeeded`);
                assert.ok(thrown instanceof errorClass, `expected ${errorClass.name}, got ${String(thrown)}`);
                check?.(thrown as InstanceType<T>);
              },
            };
          },
        };
      },
    };
  },
};

/** A read model under test: a fresh store per run, the handler, and a way to read it back. */
export interface ProjectionUnderTest<Ctx, Model> {
  setup(): Promise<Ctx> | Ctx;
  handle(events: RecordedEvent[], ctx: Ctx): Promise<void> | void;
  read(ctx: Ctx): Promise<Model> | Model;
  teardown?(ctx: Ctx): Promise<void> | void;
}

export const ProjectionSpecification = {
  for<Ctx, Model>(projection: ProjectionUnderTest<Ctx, Model>) {
    const given = (history: RecordedEvent[]) => ({
      when(events: RecordedEvent[]) {
        const run = async (deliveries: number): Promise<Model> => {
          const ctx = await projection.setup();
          try {
            if (history.length > 0) await projection.handle(history, ctx);
            for (let i = 0; i < deliveries; i++) await projection.handle(events, ctx);
            return await projection.read(ctx);
          } finally {
            await projection.teardown?.(ctx);
          }
        };
        return {
          /** After the events the read model is exactly `expected`. */
          async then(expected: Model): Promise<void> {
            assert.deepStrictEqual(await run(1), expected);
          },
          /** Delivered twice (at-least-once), the events still give exactly `expected`. */
          async thenIdempotent(expected: Model): Promise<void> {
            assert.deepStrictEqual(await run(1), expected);
            assert.deepStrictEqual(await run(2), expected, "redelivered events changed the read model");
          },
        };
      },
    });
    return { given, when: (events: RecordedEvent[]) => given([]).when(events) };
  },
};

/**
 * Builds recorded events for projection tests, as the store would deliver them: revisions
 * per stream from `fromRevision`, checkpoints increasing across calls of one builder.
 */
export function recordedEventsBuilder<E>(codec: EventCodec<E>, options: { start?: Date } = {}) {
  let position = 0;
  const revisions = new Map<string, bigint>();
  let clock = options.start?.getTime() ?? Date.UTC(2026, 0, 1);
  return (stream: string, events: E[], metadata: RecordedEvent["metadata"] = {}): RecordedEvent[] =>
    events.map((event) => {
      const encoded = codec.encode(event);
      const revision = revisions.get(stream) ?? 0n;
      revisions.set(stream, revision + 1n);
      position++;
      clock += 1000;
      return {
        id: `00000000-0000-4000-8000-${position.toString(16).padStart(12, "0")}`,
        type: encoded.type,
        data: encoded.data,
        contentType: encoded.contentType ?? "application/octet-stream",
        metadata,
        streamName: stream,
        revision,
        checkpoint: position.toString().padStart(20, "0"),
        recordedAt: new Date(clock),
      } satisfies RecordedEvent;
    });
}
