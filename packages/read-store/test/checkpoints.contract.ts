// One suite for a read store behind the projection runner's checkpoint port: slots,
// fencing, and the promise that matters most — a redelivered batch never double-counts,
// whether the engine commits writes with the checkpoint (PostgreSQL family) or replays
// idempotent writes (Cassandra, Redis).

import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { categoryOf, type RecordedEvent } from "@flick/event-store";
import { CheckpointConflictError, type Projection } from "@flick/projection-runner";
import { defineCounters, defineSet, defineSortedSet, type ReadModelCheckpoints, type ReadStore } from "../src/index.js";
import { freshProjection } from "./harness.js";

export interface CheckpointTarget {
  engine: string;
  open(): Promise<{ checkpoints: ReadModelCheckpoints; close(): Promise<void> }>;
  /** Writes and checkpoint commit in one transaction. */
  atomic: boolean;
}

const hits = defineCounters("hits");
const busiest = defineSortedSet("busiest");
const seen = defineSet("seen");

function testProjection(name: string): Projection<ReadStore> {
  return {
    name,
    version: 1,
    setup: (rs) => rs.ensure(hits, busiest, seen),
    async handle(events, rs) {
      await rs.counters(hits).incrementMany(events.map((e) => ({ key: categoryOf(e.streamName), eventId: e.id })));
      await rs.sortedSets(busiest).incrementMany(events.map((e) => ({ key: "all", member: e.streamName, by: 1, eventId: e.id })));
      await rs.sets(seen).add("streams", [...new Set(events.map((e) => e.streamName))]);
    },
  };
}

/** Events as a store would deliver them: checkpoints are zero-padded positions (ordered as strings). */
function events(from: number, count: number): RecordedEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const n = from + i;
    const stream = `${n % 3 === 0 ? "video" : "user"}-${n % 5}`;
    return {
      id: randomUUID(),
      type: "test.Happened",
      data: new Uint8Array(),
      contentType: "application/json",
      metadata: {},
      streamName: stream,
      revision: BigInt(n),
      checkpoint: String(n).padStart(12, "0"),
      recordedAt: new Date(),
    };
  });
}

const checkpointOf = (batch: RecordedEvent[]) => batch.at(-1)!.checkpoint;

async function model(store: ReadStore) {
  return {
    hits: await store.counters(hits).getMany(["video", "user"]),
    top: await store.sortedSets(busiest).top("all", 10),
    streams: await store.sets(seen).size("streams"),
  };
}

function expected(batches: RecordedEvent[][]) {
  const all = batches.flat();
  const perStream = new Map<string, number>();
  for (const e of all) perStream.set(e.streamName, (perStream.get(e.streamName) ?? 0) + 1);
  return {
    hits: ["video", "user"].map((c) => all.filter((e) => categoryOf(e.streamName) === c).length),
    top: [...perStream].map(([member, score]) => ({ member, score })).sort((a, b) => b.score - a.score || (a.member < b.member ? 1 : -1)),
    streams: perStream.size,
  };
}

export function checkpointsContract(target: CheckpointTarget): void {
  describe(`projection checkpoints contract (${target.engine})`, () => {
    let checkpoints: ReadModelCheckpoints;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ checkpoints, close } = await target.open());
    });
    afterAll(async () => {
      await close?.();
    });
    const newProjection = () => testProjection(freshProjection("cp"));

    it(`declares atomicCheckpoint: ${target.atomic}`, () => {
      expect(checkpoints.capabilities.atomicCheckpoint).toBe(target.atomic);
    });

    it("prepares a slot once, starting from no checkpoint, at the projection's version", async () => {
      const p = newProjection();
      expect(await checkpoints.load(p, "live")).toBeUndefined();
      await checkpoints.prepare(p, "live");
      await checkpoints.prepare(p, "live");
      expect(await checkpoints.load(p, "live")).toEqual({ version: 1, checkpoint: undefined });
    });

    it("moves the checkpoint with each batch and refuses a commit from a stale checkpoint", async () => {
      const p = newProjection();
      await checkpoints.prepare(p, "live");
      const b1 = events(0, 10);
      await checkpoints.commit(p, "live", undefined, checkpointOf(b1), (rs) => p.handle(b1, rs));
      expect((await checkpoints.load(p, "live"))?.checkpoint).toBe(checkpointOf(b1));
      await expect(checkpoints.commit(p, "live", undefined, checkpointOf(b1), (rs) => p.handle(b1, rs))).rejects.toBeInstanceOf(
        CheckpointConflictError,
      );
      expect(await model(await checkpoints.openLive(p.name))).toEqual(expected([b1]));
    });

    it("never double-counts a batch redelivered after a crash between its writes and its checkpoint", async () => {
      const p = newProjection();
      await checkpoints.prepare(p, "live");
      const b1 = events(0, 30);
      const b2 = events(30, 40);
      await checkpoints.commit(p, "live", undefined, checkpointOf(b1), (rs) => p.handle(b1, rs));
      // The process dies after the batch's writes, before its checkpoint is stored.
      await expect(
        checkpoints.commit(p, "live", checkpointOf(b1), checkpointOf(b2), async (rs) => {
          await p.handle(b2, rs);
          throw new Error("crash");
        }),
      ).rejects.toThrow("crash");
      expect((await checkpoints.load(p, "live"))?.checkpoint).toBe(checkpointOf(b1));
      const live = await checkpoints.openLive(p.name);
      // Atomic engines rolled the writes back; the others kept them (idempotent).
      expect(await model(live)).toEqual(expected(target.atomic ? [b1] : [b1, b2]));
      // The runner restarts from the stored checkpoint and delivers the batch again.
      await checkpoints.commit(p, "live", checkpointOf(b1), checkpointOf(b2), (rs) => p.handle(b2, rs));
      expect(await model(live)).toEqual(expected([b1, b2]));
      // A stale runner delivering it once more is fenced off, and changes nothing either.
      await expect(checkpoints.commit(p, "live", checkpointOf(b1), checkpointOf(b2), (rs) => p.handle(b2, rs))).rejects.toBeInstanceOf(
        CheckpointConflictError,
      );
      expect(await model(live)).toEqual(expected([b1, b2]));
    });

    it("rebuilds into a fresh slot and promotes it over the live one", async () => {
      const p = newProjection();
      await checkpoints.prepare(p, "live");
      const all = events(0, 60);
      const half = all.slice(0, 25);
      await checkpoints.commit(p, "live", undefined, checkpointOf(half), (rs) => p.handle(half, rs));

      await checkpoints.discard(p, "rebuild");
      await checkpoints.prepare(p, "rebuild");
      expect(await checkpoints.load(p, "rebuild")).toEqual({ version: 1, checkpoint: undefined });
      const [r1, r2] = [all.slice(0, 40), all.slice(40)];
      await checkpoints.commit(p, "rebuild", undefined, checkpointOf(r1), (rs) => p.handle(r1, rs));
      await checkpoints.commit(p, "rebuild", checkpointOf(r1), checkpointOf(r2), (rs) => p.handle(r2, rs));
      // The live model is untouched until promotion.
      expect(await model(await checkpoints.openLive(p.name))).toEqual(expected([half]));

      await checkpoints.promote(p);
      expect(await model(await checkpoints.openLive(p.name))).toEqual(expected([all]));
      expect((await checkpoints.load(p, "live"))?.checkpoint).toBe(checkpointOf(all));
      expect(await checkpoints.load(p, "rebuild")).toBeUndefined();
      // Live goes on from the promoted checkpoint.
      const more = events(60, 5);
      await checkpoints.commit(p, "live", checkpointOf(all), checkpointOf(more), (rs) => p.handle(more, rs));
      expect(await model(await checkpoints.openLive(p.name))).toEqual(expected([all, more]));
    });

    it("discards a slot with its storage", async () => {
      const p = newProjection();
      await checkpoints.prepare(p, "rebuild");
      const b = events(0, 5);
      await checkpoints.commit(p, "rebuild", undefined, checkpointOf(b), (rs) => p.handle(b, rs));
      await checkpoints.discard(p, "rebuild");
      expect(await checkpoints.load(p, "rebuild")).toBeUndefined();
      await checkpoints.prepare(p, "rebuild");
      expect(await checkpoints.load(p, "rebuild")).toEqual({ version: 1, checkpoint: undefined });
      // A new slot starts empty: nothing of the discarded one is left to read.
      let observed: Awaited<ReturnType<typeof model>> | undefined;
      await checkpoints.commit(p, "rebuild", undefined, checkpointOf(b), async (rs) => void (observed = await model(rs)));
      expect(observed).toEqual({ hits: [0, 0], top: [], streams: 0 });
    });
  });
}
