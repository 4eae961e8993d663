// The view's write path: append to a new stream without reading it first, and hand a
// stream that already exists (a retried request, or a race) to the one command handler.
import { PGlite } from "@electric-sql/pglite";
import { ViewSource } from "@flick/contracts/flick/events/v1/engagement_pb";
import { createPgliteEventStore, type EventStore } from "@flick/event-store";
import { ValidationError } from "@flick/kernel";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { viewCodec } from "../events.js";
import { handleNewStreamCommand } from "../commands/new-stream.command.js";
import { viewDecider, type ViewCommand } from "../commands/view.decider.js";

const command: ViewCommand = {
  type: "RecordView",
  videoId: "vid_1",
  userId: "usr_1",
  anonymousSessionId: "",
  videoCreatorId: "usr_c",
  videoDurationMs: 10_000,
  watchTimeMs: 5_000,
  completionRatio: 0.5,
  source: ViewSource.FYP,
  impressionId: "",
  at: new Date("2026-01-01T00:00:00Z"),
};

describe("commands on a new stream", () => {
  let lite: PGlite;
  let store: EventStore;
  beforeEach(async () => {
    lite = await PGlite.create();
    store = await createPgliteEventStore({ db: lite });
  });
  afterEach(async () => {
    await store.close();
    await lite.close();
  });
  const view = (requestId: string, c: ViewCommand = command) =>
    handleNewStreamCommand(store, { stream: "view-x", decider: viewDecider, command: c, requestId, codec: viewCodec, metadata: { actor: c.userId } });

  it("writes what the command handler would, and answers a retry with the first result", async () => {
    const first = await view("req-1");
    expect(first).toMatchObject({ replayed: false, nextRevision: 0n });
    const retry = await view("req-1");
    expect(retry.checkpoint).toBe(first.checkpoint);
    const stored = await store.readStream("view-x");
    expect(stored).toHaveLength(1);
    expect(stored[0]!.metadata).toMatchObject({ actor: "usr_1", requestId: "req-1" });
  });

  it("appends nothing for another request on a stream that exists", async () => {
    await view("req-1");
    const other = await view("req-2");
    expect(other.events).toEqual([]);
    expect(await store.readStream("view-x")).toHaveLength(1);
  });

  it("appends nothing when the decider refuses", async () => {
    await expect(view("req-1", { ...command, watchTimeMs: -1 })).rejects.toThrow(ValidationError);
    expect(await store.readStream("view-x")).toEqual([]);
  });
});
