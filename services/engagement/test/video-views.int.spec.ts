// Raw views by video and hour (the analytics raw material): every view lands in its
// video's hour partition once, also when a batch spanning many videos is delivered twice.
import { PGlite } from "@electric-sql/pglite";
import { VideoViewedSchema } from "@flick/contracts/flick/events/v1/engagement_pb";
import { ProjectionSpecification, recordedEventsBuilder } from "@flick/kernel";
import { createPgliteReadStore, type ReadStore } from "@flick/read-store";
import { describe, it } from "vitest";
import { engagementCodec, event, type EngagementEvent } from "../events.js";
import { videoViewsProjection, videoViewsTable } from "../projections/video-views.projection.js";

const h1 = new Date("2026-02-01T10:15:00Z");
const h2 = new Date("2026-02-01T11:05:00Z");
const view = (videoId: string, userId: string, occurredAt: Date, watchTimeMs = 1_000) =>
  event(VideoViewedSchema, { videoId, userId, videoCreatorId: "c", watchTimeMs, completionRatio: 0.5, occurredAt });

describe("video views by video and hour", () => {
  it("stores each view once in its partition, redelivered or not (PGlite)", () => {
    const projection = videoViewsProjection();
    const record = recordedEventsBuilder<EngagementEvent>(engagementCodec, { start: h1 });
    const events = [
      ...record("view-1", [view("v1", "u1", h1)]),
      ...record("view-2", [view("v2", "u1", h1)]),
      ...record("view-3", [view("v1", "u2", new Date(h1.getTime() + 60_000), 2_000)]),
      ...record("view-4", [view("v1", "u3", h2)]),
      ...record("view-5", [view("v3", "u1", h2)]),
    ];
    return ProjectionSpecification.for({
      async setup() {
        const db = new PGlite();
        const store: ReadStore = createPgliteReadStore(db);
        await projection.setup!(store);
        return { db, store };
      },
      handle: (batch, s) => projection.handle(batch, s.store),
      async read(s) {
        const table = s.store.table(videoViewsTable);
        const out: Record<string, string[]> = {};
        for (const [video, hour] of [["v1", "2026020110"], ["v1", "2026020111"], ["v2", "2026020110"], ["v3", "2026020111"]] as const) {
          const rows = (await table.scan({ video_id: video, hour }, { limit: 10 })).rows;
          out[`${video}@${hour}`] = rows.map((r) => `${r.viewer}:${r.watch_time_ms}`);
        }
        return out;
      },
      teardown: (s) => s.db.close(),
    })
      .when(events)
      .thenIdempotent({
        "v1@2026020110": ["u:u2:2000", "u:u1:1000"],
        "v1@2026020111": ["u:u3:1000"],
        "v2@2026020110": ["u:u1:1000"],
        "v3@2026020111": ["u:u1:1000"],
      });
  });
});
