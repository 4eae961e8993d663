import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { EventStore, NewEvent } from "../src/index.js";

// Behaviour of the PostgreSQL-family implementation beyond the port's contract, run by
// both of its spec files (server and PGlite).

export function sqlEventStoreCases(name: string, open: () => Promise<EventStore>): void {
  describe(`${name}: SQL event store`, () => {
    it("fails only the append the engine rejects, not the others of its group", async () => {
      const store = await open();
      try {
        const event = (actor = "user-1"): NewEvent => ({
          id: randomUUID(),
          type: "flick.test.v1.Happened",
          data: new Uint8Array([1]),
          metadata: { actor },
        });
        const streams = Array.from({ length: 6 }, () => `t${randomUUID().slice(0, 8)}-1`);
        // PostgreSQL text cannot hold NUL: this append passes validation but not the engine.
        const outcomes = await Promise.allSettled(
          streams.map((s, i) => store.append(s, [event(i === 3 ? "bad\u0000actor" : "user-1")], "no_stream")),
        );
        expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "rejected", "fulfilled", "fulfilled"]);
        expect(await store.readStream(streams[3]!)).toEqual([]);
        expect(await store.readStream(streams[4]!)).toHaveLength(1);
      } finally {
        await store.close();
      }
    });
  });
}
