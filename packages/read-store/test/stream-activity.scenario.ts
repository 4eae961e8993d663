// The example projection end to end on one read-store family: events appended to a real
// event store, consumed by the projection runner, written through the read-store ports,
// read back by a query; then a restart (nothing counted twice), a rebuild with swap (the
// rebuilt model equals the live one), and a version bump (rebuilt on start).

import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppendResult, EventStore, NewEvent } from "@flick/event-store";
import { ProjectionRunner } from "@flick/projection-runner";
import { readStreamActivity, streamActivityProjection, type ReadModelCheckpoints, type ReadStore } from "../src/index.js";
import { fresh, freshProjection } from "./harness.js";

export interface ScenarioTarget {
  family: string;
  open(): Promise<{ events: EventStore; checkpoints: ReadModelCheckpoints; close(): Promise<void> }>;
}

const enc = new TextEncoder();
const newEvent = (): NewEvent => ({ id: randomUUID(), type: "flick.events.v1.Touched", data: enc.encode("{}"), contentType: "application/json" });

/** Appends `n` events to each stream, a few at a time, interleaving streams. */
async function seed(events: EventStore, streams: string[], n: number): Promise<AppendResult> {
  let last!: AppendResult;
  for (let i = 0; i < n; i += 2) {
    for (const s of streams) last = await events.append(s, Array.from({ length: Math.min(2, n - i) }, newEvent), "any");
  }
  return last;
}

export function streamActivityScenario(target: ScenarioTarget): void {
  describe(`example projection end to end (${target.family})`, () => {
    let events: EventStore;
    let checkpoints: ReadModelCheckpoints;
    let close: () => Promise<void>;
    const runners: ProjectionRunner<ReadStore>[] = [];
    beforeAll(async () => {
      ({ events, checkpoints, close } = await target.open());
    });
    afterAll(async () => {
      for (const r of runners) await r.stop();
      await close?.();
    });
    const run = async (name: string, version = 1) => {
      const runner = new ProjectionRunner<ReadStore>({
        store: events,
        checkpoints,
        projection: streamActivityProjection({ name, version }),
        batchSize: 50,
        retryDelayMs: 20,
      });
      runners.push(runner);
      await runner.start();
      return runner;
    };

    it("projects, survives a restart, rebuilds to the same model, and rebuilds on a version bump", async () => {
      const name = freshProjection("activity");
      // Categories unique to this run: the event store may be shared with other tests.
      const [video, user] = [fresh("video"), fresh("user")];
      const videos = [0, 1, 2].map((i) => `${video}-${i}`);
      const users = [0, 1].map((i) => `${user}-${i}`);
      await seed(events, [...videos, ...users], 6);
      await seed(events, [videos[1]!], 4);
      const query = async () => readStreamActivity(await checkpoints.openLive(name), [video, user], 2);
      const expectedAfterSeed = {
        counts: [22, 12],
        top: [
          [
            { member: videos[1], score: 10 },
            { member: videos[2], score: 6 },
          ],
          [
            { member: users[1], score: 6 },
            { member: users[0], score: 6 },
          ],
        ],
      };

      const first = await run(name);
      expect(await first.catchUp(20_000)).toBe(true);
      expect(await query()).toEqual(expectedAfterSeed);

      // Live: a new event is visible once the runner has passed its checkpoint.
      const appended = await events.append(users[0]!, [newEvent(), newEvent()], "any");
      expect(await first.waitFor(appended.checkpoint, 20_000)).toBe(true);
      const live = await query();
      expect(live.counts).toEqual([22, 14]);

      // A restart resumes from the stored checkpoint: nothing is counted twice.
      await first.stop();
      const second = await run(name);
      expect(await second.catchUp(20_000)).toBe(true);
      expect(await query()).toEqual(live);

      // A rebuild replays the whole log into a fresh slot and swaps it in: same model.
      const report = await second.rebuild({ swap: true });
      expect(report.promoted).toBe(true);
      expect(await query()).toEqual(live);
      const after = await events.append(videos[0]!, [newEvent()], "any");
      expect(await second.waitFor(after.checkpoint, 20_000)).toBe(true);
      expect((await query()).counts).toEqual([23, 14]);
      await second.stop();

      // A new version of the projection is rebuilt before it serves.
      const third = await run(name, 2);
      expect(await third.catchUp(20_000)).toBe(true);
      expect((await query()).counts).toEqual([23, 14]);
      expect((await checkpoints.load(streamActivityProjection({ name, version: 2 }), "live"))?.version).toBe(2);
    });
  });
}
