import { describe, expect, it } from "vitest";
import type { RecordedEvent } from "@flick/event-store";
import { DeciderSpecification, ProjectionSpecification, recordedEventsBuilder } from "../src/index.js";
import { counterCodec, counterDecider, type CounterEvent } from "./fixtures/counter.decider.js";

const at = "2026-01-01T00:00:00.000Z";

// A pure in-memory read model: totals per counter stream, guarded by revision so that a
// redelivered event is not counted twice.
const totals = {
  setup: () => new Map<string, { total: number; revision: bigint }>(),
  handle(events: RecordedEvent[], model: Map<string, { total: number; revision: bigint }>) {
    for (const e of events) {
      const event = counterCodec.decode(e);
      if (event?.type !== "Incremented") continue;
      const row = model.get(e.streamName);
      if (row && row.revision >= e.revision) continue;
      model.set(e.streamName, { total: event.total, revision: e.revision });
    }
  },
  read: (model: Map<string, { total: number; revision: bigint }>) =>
    Object.fromEntries([...model].map(([k, v]) => [k, v.total])),
};

describe("DeciderSpecification", () => {
  it("fails when the events differ", () => {
    expect(() =>
      DeciderSpecification.for(counterDecider)
        .given([])
        .when({ type: "Increment", by: 1, at })
        .then([{ type: "Incremented", by: 1, total: 2, at }]),
    ).toThrow();
  });

  it("fails when an expected error is not thrown", () => {
    expect(() =>
      DeciderSpecification.for(counterDecider).given([]).when({ type: "Increment", by: 1, at }).thenThrows(Error),
    ).toThrow(/succeeded/);
  });
});

describe("ProjectionSpecification", () => {
  const events = recordedEventsBuilder<CounterEvent>(counterCodec);
  const history = events("counter-a", [{ type: "Incremented", by: 1, total: 1, at }]);
  const more = [
    ...events("counter-a", [{ type: "Incremented", by: 2, total: 3, at }]),
    ...events("counter-b", [{ type: "Incremented", by: 5, total: 5, at }, { type: "Closed", at }]),
  ];

  it("shows the read model after the events", () =>
    ProjectionSpecification.for(totals).given(history).when(more).then({ "counter-a": 3, "counter-b": 5 }));

  it("checks that redelivery leaves the model unchanged", () =>
    ProjectionSpecification.for(totals).given(history).when(more).thenIdempotent({ "counter-a": 3, "counter-b": 5 }));

  it("catches a handler that counts redelivered events twice", async () => {
    const naive = {
      setup: () => ({ n: 0 }),
      handle: (batch: RecordedEvent[], m: { n: number }) => void (m.n += batch.length),
      read: (m: { n: number }) => m.n,
    };
    await expect(ProjectionSpecification.for(naive).when(more).thenIdempotent(3)).rejects.toThrow(/redelivered/);
  });

  it("numbers revisions per stream and checkpoints across streams", () => {
    expect(more.map((e) => [e.streamName, e.revision])).toEqual([
      ["counter-a", 1n],
      ["counter-b", 0n],
      ["counter-b", 1n],
    ]);
    const cps = [...history, ...more].map((e) => e.checkpoint);
    expect([...cps].sort()).toEqual(cps);
  });
});
