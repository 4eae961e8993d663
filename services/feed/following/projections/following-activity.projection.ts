// The activity log behind WatchFollowingFeed (tables role): every video that became
// visible (published, or made less private) or stopped being visible (deleted, made more
// private), in event-log order, filed in ten-minute buckets by the time the projection
// wrote it:
//   following_activity  (bucket | update_id)  kind, video_id, creator_id, privacy, old_privacy
//   following_video_state (video_id)          creator_id, privacy (to know what an update changed)
//
// Why one global log and not a per-follower inbox: a live stream only needs what happened
// since it connected, and each process reads the log once for all its streams (the
// activity tail) and filters by each viewer's follows in memory, so a celebrity's post
// costs one row, not one per follower. The price is paid on resume: a reconnecting client
// scans the buckets since its token, which grows with the whole platform's publishing
// rate (fine for one machine; shard the bucket key before that becomes millions of rows).
//
// Why processing time and not event time for the bucket: processing is in log order, so
// every row after a token's update id is filed in the token's bucket or later, even when
// the projection lags or rebuilds. Rows are kept two days (table TTL); events older than
// the resume window are not logged at all (a rebuild does not flood the current bucket).
// Idempotent: upserts keyed by the event's position; the rows are written before the state.
//
// Writes are buffered per batch (a bulk import's 500 videos cost about a dozen statements,
// not a thousand): the batch's log rows, which all share one bucket, are written in order
// as single-partition upsertMany slices — each slice atomic, each awaited before the next —
// so a reader scanning the log always sees a prefix of it and the activity tail, which
// moves its position to the newest row it read, never steps over a row that appears later.
// Then the state, merged per video (reads see the batch's earlier writes), goes in one
// upsertBatch (after its deletes); last, the nudge. A batch interrupted before its state is
// written is redelivered against the state it was built from and writes the same rows.
import type { Projection } from "@flick/projection-runner";
import { defineTable, type ReadStore, type RowOf } from "@flick/read-store";
import { mediaCodec } from "../../../video/events.js";
import { updateIdOf } from "../../../notification/update-ids.js";
import { TableBuffer } from "../../../video/projections/batch-writes.js";

export const BUCKET_MS = 10 * 60_000;
export const bucketOf = (ms: number) => Math.floor(ms / BUCKET_MS);

export const activityTable = defineTable({
  name: "following_activity",
  partitionKey: [{ name: "bucket", type: "int" }],
  clustering: [{ name: "update_id", type: "text" }],
  columns: [
    /** published | removed | privacy */
    { name: "kind", type: "text" },
    { name: "video_id", type: "text" },
    { name: "creator_id", type: "text" },
    /** Privacy now (for removed: before the deletion). */
    { name: "privacy", type: "int" },
    /** For kind privacy: the privacy before the change. */
    { name: "old_privacy", type: "int" },
  ],
  ttlSeconds: 2 * 86_400,
});

export const videoStateTable = defineTable({
  name: "following_video_state",
  partitionKey: [{ name: "video_id", type: "text" }],
  columns: [
    { name: "creator_id", type: "text" },
    { name: "privacy", type: "int" },
  ],
});

export type ActivityRow = RowOf<typeof activityTable>;

/** Log rows per atomic write (a single-partition batch: on Cassandra, kept well under its batch size limits). */
const LOG_SLICE = 50;

export interface ActivityProjectionOptions {
  clock: () => Date;
  /** Events recorded longer ago than this are not logged (nobody can resume to them). */
  retainMs: number;
  /** After each batch that logged something: the newest update id (not awaited). */
  onLogged?: (updateId: string) => void;
}

export function followingActivityProjection(options: ActivityProjectionOptions): Projection<ReadStore> {
  return {
    name: "following-activity",
    version: 1,
    filter: {
      categories: ["video"],
      eventTypes: ["flick.events.v1.VideoPublished", "flick.events.v1.VideoUpdated", "flick.events.v1.VideoDeleted"],
    },
    setup: (store) => store.ensure(activityTable, videoStateTable),
    async handle(events, store) {
      const log = store.table(activityTable);
      const state = new TableBuffer(store.table(videoStateTable));
      const now = options.clock().getTime();
      const bucket = bucketOf(now);
      const logged: ActivityRow[] = [];
      const logRow = (checkpoint: string, recordedAt: Date, row: Omit<ActivityRow, "bucket" | "update_id">) => {
        if (now - recordedAt.getTime() > options.retainMs) return;
        logged.push({ bucket, update_id: updateIdOf(checkpoint), ...row });
      };
      for (const recorded of events) {
        const e = mediaCodec.decode(recorded);
        if (!e) continue;
        switch (e.$typeName) {
          case "flick.events.v1.VideoPublished":
            logRow(recorded.checkpoint, recorded.recordedAt, { kind: "published", video_id: e.videoId, creator_id: e.userId, privacy: e.privacy, old_privacy: null });
            state.upsert({ video_id: e.videoId, creator_id: e.userId, privacy: e.privacy });
            break;
          case "flick.events.v1.VideoUpdated": {
            const before = await state.get({ video_id: e.videoId });
            // Not published yet (still processing): nobody was told of it, nobody is now.
            if (!before || before.privacy === e.privacy) break;
            logRow(recorded.checkpoint, recorded.recordedAt, { kind: "privacy", video_id: e.videoId, creator_id: e.userId, privacy: e.privacy, old_privacy: before.privacy ?? 0 });
            state.upsert({ video_id: e.videoId, creator_id: e.userId, privacy: e.privacy });
            break;
          }
          case "flick.events.v1.VideoDeleted": {
            const before = await state.get({ video_id: e.videoId });
            if (!before) break;
            logRow(recorded.checkpoint, recorded.recordedAt, { kind: "removed", video_id: e.videoId, creator_id: e.userId, privacy: before.privacy ?? 0, old_privacy: null });
            state.delete({ video_id: e.videoId });
            break;
          }
        }
      }
      // The log in event order, one atomic slice after another; then the state it was built from.
      for (let i = 0; i < logged.length; i += LOG_SLICE) await log.upsertMany(logged.slice(i, i + LOG_SLICE));
      await state.flush();
      const newest = logged.at(-1)?.update_id;
      if (newest) options.onLogged?.(newest);
    },
  };
}
