// Hashtag pages (tables role): the listed videos carrying each hashtag, newest first
// (seed §7 `hashtag_videos`), and how many there are. Listed means READY and public.
// Hashtags change with a video's caption, its privacy with an edit: what the projection
// last knew of each video is kept (`hashtag_video_state`, with the stream revision it
// reflects; a tombstone after deletion). Events at or below that revision are skipped as
// applied; a half-applied one is redone from the same before-state, and its count moves,
// keyed by the event's id, apply once.
import type { Projection } from "@flick/projection-runner";
import { defineCounters, defineTable, type ReadStore } from "@flick/read-store";
import { VideoPrivacy } from "@flick/contracts/flick/events/v1/video_pb";
import { mediaCodec, toDate } from "../../video/events.js";
import { CounterBuffer, TableBuffer } from "../../video/projections/batch-writes.js";

export const hashtagVideosTable = defineTable({
  name: "hashtag_videos",
  partitionKey: [{ name: "hashtag", type: "text" }],
  clustering: [
    { name: "created_at", type: "timestamp", order: "desc" },
    { name: "video_id", type: "text", order: "desc" },
  ],
});

export const hashtagVideoStateTable = defineTable({
  name: "hashtag_video_state",
  partitionKey: [{ name: "video_id", type: "text" }],
  columns: [
    { name: "hashtags", type: "json" },
    { name: "created_at", type: "timestamp" },
    { name: "listed", type: "boolean" },
    /** Revision (in the video's stream) of the last event applied. */
    { name: "revision", type: "bigint" },
  ],
});

/** Listed videos per hashtag. */
export const hashtagVideoCounts = defineCounters("hashtag_video_counts");

export function hashtagsProjection(): Projection<ReadStore> {
  return {
    name: "hashtags",
    version: 1,
    filter: {
      categories: ["video"],
      eventTypes: ["flick.events.v1.VideoPublished", "flick.events.v1.VideoUpdated", "flick.events.v1.VideoDeleted"],
    },
    setup: (store) => store.ensure(hashtagVideosTable, hashtagVideoStateTable, hashtagVideoCounts),
    async handle(events, store) {
      const rows = new TableBuffer(store.table(hashtagVideosTable));
      const state = new TableBuffer(store.table(hashtagVideoStateTable));
      const counts = new CounterBuffer(store.counters(hashtagVideoCounts));

      const relist = async (eventId: string, revision: bigint, videoId: string, createdAt: Date, tags: string[], listed: boolean) => {
        // A stream's first event (an import) has no state before it to read.
        const before = revision === 0n ? undefined : await state.get({ video_id: videoId });
        if (before?.revision != null && before.revision >= revision) return;
        const was = new Set(before?.listed ? ((before.hashtags as string[] | null) ?? []) : []);
        const now = new Set(listed ? tags : []);
        const beforeAt = before?.created_at ?? createdAt;
        for (const tag of was) {
          if (now.has(tag)) continue;
          rows.delete({ hashtag: tag, created_at: beforeAt, video_id: videoId });
          counts.increment(tag, -1, eventId);
        }
        for (const tag of now) {
          rows.upsert({ hashtag: tag, created_at: createdAt, video_id: videoId });
          if (!was.has(tag)) counts.increment(tag, 1, eventId);
        }
        state.upsert({ video_id: videoId, hashtags: tags, created_at: createdAt, listed, revision });
      };

      for (const recorded of events) {
        const e = mediaCodec.decode(recorded);
        if (!e) continue;
        switch (e.$typeName) {
          case "flick.events.v1.VideoPublished":
            await relist(recorded.id, recorded.revision, e.videoId, toDate(e.createdAt), e.hashtags, e.privacy === VideoPrivacy.PUBLIC);
            break;
          case "flick.events.v1.VideoUpdated": {
            const known = await state.get({ video_id: e.videoId });
            // Not published yet: VideoPublished will carry the edited fields.
            if (known?.created_at) await relist(recorded.id, recorded.revision, e.videoId, known.created_at, e.hashtags, e.privacy === VideoPrivacy.PUBLIC);
            break;
          }
          case "flick.events.v1.VideoDeleted": {
            const known = await state.get({ video_id: e.videoId });
            if (!known?.created_at) break;
            // The state stays, unlisted, as the tombstone that keeps replays from relisting it.
            await relist(recorded.id, recorded.revision, e.videoId, known.created_at, [], false);
            break;
          }
        }
      }
      // The state last: until it is written, a redelivery redoes the batch's moves (once per event id).
      await rows.flush();
      await counts.flush();
      await state.flush();
    },
  };
}
