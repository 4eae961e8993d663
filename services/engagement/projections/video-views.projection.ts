// Raw view events for analytics (tables role): the seed's video_views, partitioned by
// video and hour so that no partition grows without bound on a viral video, newest
// first, kept 30 days. The analytics issue aggregates from here (watch time, completion,
// traffic sources, per-hour curves). Rows are keyed by the view's event id: replays
// upsert the same rows.
import { ViewSource } from "@flick/contracts/flick/events/v1/engagement_pb";
import type { Projection } from "@flick/projection-runner";
import { defineTable, type ReadStore, type RowOf } from "@flick/read-store";
import { toDate, viewCodec } from "../events.js";

export const VIEW_RETENTION_SECONDS = 30 * 86_400;

export const videoViewsTable = defineTable({
  name: "video_views",
  partitionKey: [
    { name: "video_id", type: "text" },
    { name: "hour", type: "text" },
  ],
  clustering: [
    { name: "viewed_at", type: "timestamp", order: "desc" },
    { name: "view_id", type: "text" },
  ],
  columns: [
    { name: "viewer", type: "text" },
    { name: "watch_time_ms", type: "int" },
    { name: "completion_ratio", type: "double" },
    { name: "source", type: "text" },
    { name: "impression_id", type: "text" },
  ],
  ttlSeconds: VIEW_RETENTION_SECONDS,
});

export type VideoViewRow = RowOf<typeof videoViewsTable>;

/** "2026010112": the UTC hour a view falls in (the partition's time bucket). */
export const hourBucket = (at: Date) => at.toISOString().slice(0, 13).replace(/[-T]/g, "");

/** "u:<user>" or "a:<anonymous session>": who watched, as analytics counts viewers. */
export const viewerKey = (userId: string, anonymousSessionId: string) => (userId ? `u:${userId}` : `a:${anonymousSessionId}`);

export const sourceName = (s: ViewSource) => (ViewSource[s] ?? "UNSPECIFIED").toLowerCase();

export function videoViewsProjection(): Projection<ReadStore> {
  return {
    name: "video_views",
    version: 1,
    filter: { categories: ["view"] },
    setup: (store) => store.ensure(videoViewsTable),
    async handle(events, store) {
      const table = store.table(videoViewsTable);
      const rows: VideoViewRow[] = [];
      for (const r of events) {
        const e = viewCodec.decode(r);
        if (!e) continue;
        const at = toDate(e.occurredAt);
        const row: VideoViewRow = {
          video_id: e.videoId,
          hour: hourBucket(at),
          viewed_at: at,
          view_id: r.id,
          viewer: viewerKey(e.userId, e.anonymousSessionId),
          watch_time_ms: e.watchTimeMs,
          completion_ratio: e.completionRatio,
          source: sourceName(e.source),
          impression_id: e.impressionId,
        };
        rows.push(row);
      }
      // Every row in a few statements whatever the partitions (a batch of views spans
      // many videos); each row is absolute (keyed by the view's event id), so a batch
      // written again after a crash leaves the same rows.
      if (rows.length > 0) await table.upsertBatch(rows);
    },
  };
}
