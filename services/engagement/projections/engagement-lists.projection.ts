// Who liked and saved what (tables role; query-first, as in the seed's video_likes and
// user_liked_videos): per video the users who like it (the viewer state "has_liked" is a
// point read there), per user the videos liked or saved, newest first, and per comment
// the users who like it. Replays converge: an unlike reads the like's row to find the
// list row to delete, and a redelivered like/unlike/like sequence ends where it began.
//
// A batch goes through buffered tables: the rows an unlike needs are read in one getMany,
// and the writes leave in a few multi-row statements, the per-user lists before the
// per-video rows that locate their entries (so a flush cut short on Cassandra is redone
// from rows still there).
import type { Projection } from "@flick/projection-runner";
import { defineTable, type ReadStore } from "@flick/read-store";
import { BufferedTable, inTurnOrAtOnce } from "../../platform/buffered-table.js";
import { engagementCodec, toDate } from "../events.js";

export const videoLikesTable = defineTable({
  name: "video_likes",
  partitionKey: [{ name: "video_id", type: "text" }],
  clustering: [{ name: "user_id", type: "text" }],
  columns: [{ name: "liked_at", type: "timestamp" }],
});

export const userLikedVideosTable = defineTable({
  name: "user_liked_videos",
  partitionKey: [{ name: "user_id", type: "text" }],
  clustering: [
    { name: "liked_at", type: "timestamp", order: "desc" },
    { name: "video_id", type: "text" },
  ],
});

export const videoSavesTable = defineTable({
  name: "video_saves",
  partitionKey: [{ name: "video_id", type: "text" }],
  clustering: [{ name: "user_id", type: "text" }],
  columns: [{ name: "saved_at", type: "timestamp" }],
});

export const userSavedVideosTable = defineTable({
  name: "user_saved_videos",
  partitionKey: [{ name: "user_id", type: "text" }],
  clustering: [
    { name: "saved_at", type: "timestamp", order: "desc" },
    { name: "video_id", type: "text" },
  ],
});

export const commentLikesTable = defineTable({
  name: "comment_likes",
  partitionKey: [{ name: "comment_id", type: "text" }],
  clustering: [{ name: "user_id", type: "text" }],
  columns: [{ name: "liked_at", type: "timestamp" }],
});

export function engagementListsProjection(): Projection<ReadStore> {
  return {
    name: "engagement_lists",
    version: 1,
    filter: {
      categories: ["like", "save", "comment"],
      eventTypes: [
        "flick.events.v1.VideoLiked",
        "flick.events.v1.VideoUnliked",
        "flick.events.v1.VideoSaved",
        "flick.events.v1.VideoUnsaved",
        "flick.events.v1.CommentLiked",
        "flick.events.v1.CommentUnliked",
      ],
    },
    setup: (store) => store.ensure(videoLikesTable, userLikedVideosTable, videoSavesTable, userSavedVideosTable, commentLikesTable),
    async handle(events, store) {
      const concurrent = store.engine === "cassandra";
      const likes = new BufferedTable(store.table(videoLikesTable), concurrent);
      const liked = new BufferedTable(store.table(userLikedVideosTable), concurrent);
      const saves = new BufferedTable(store.table(videoSavesTable), concurrent);
      const saved = new BufferedTable(store.table(userSavedVideosTable), concurrent);
      const commentLikes = new BufferedTable(store.table(commentLikesTable), concurrent);
      const decoded = events.map((r) => engagementCodec.decode(r));
      // The rows unlikes and unsaves will read, in one statement per table.
      await likes.prefetch(decoded.flatMap((e) => (e?.$typeName === "flick.events.v1.VideoUnliked" ? [{ video_id: e.videoId, user_id: e.userId }] : [])));
      await saves.prefetch(decoded.flatMap((e) => (e?.$typeName === "flick.events.v1.VideoUnsaved" ? [{ video_id: e.videoId, user_id: e.userId }] : [])));
      for (const e of decoded) {
        if (!e) continue;
        switch (e.$typeName) {
          case "flick.events.v1.VideoLiked": {
            const at = toDate(e.occurredAt);
            liked.upsert({ user_id: e.userId, liked_at: at, video_id: e.videoId });
            likes.upsert({ video_id: e.videoId, user_id: e.userId, liked_at: at });
            break;
          }
          case "flick.events.v1.VideoUnliked": {
            const row = await likes.get({ video_id: e.videoId, user_id: e.userId });
            if (row?.liked_at) liked.delete({ user_id: e.userId, liked_at: row.liked_at, video_id: e.videoId });
            likes.delete({ video_id: e.videoId, user_id: e.userId });
            break;
          }
          case "flick.events.v1.VideoSaved": {
            const at = toDate(e.occurredAt);
            saved.upsert({ user_id: e.userId, saved_at: at, video_id: e.videoId });
            saves.upsert({ video_id: e.videoId, user_id: e.userId, saved_at: at });
            break;
          }
          case "flick.events.v1.VideoUnsaved": {
            const row = await saves.get({ video_id: e.videoId, user_id: e.userId });
            if (row?.saved_at) saved.delete({ user_id: e.userId, saved_at: row.saved_at, video_id: e.videoId });
            saves.delete({ video_id: e.videoId, user_id: e.userId });
            break;
          }
          case "flick.events.v1.CommentLiked":
            commentLikes.upsert({ comment_id: e.commentId, user_id: e.userId, liked_at: toDate(e.occurredAt) });
            break;
          case "flick.events.v1.CommentUnliked":
            commentLikes.delete({ comment_id: e.commentId, user_id: e.userId });
            break;
        }
      }
      await inTurnOrAtOnce(concurrent, [liked, saved, commentLikes], (t) => t.flush());
      await inTurnOrAtOnce(concurrent, [likes, saves], (t) => t.flush());
    },
  };
}
