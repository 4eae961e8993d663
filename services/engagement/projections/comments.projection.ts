// Comments (tables role): every comment by id, a video's top-level comments newest first
// (the seed's video_comments), and a thread's replies oldest first (conversation order).
// Counts and the "top" order live on the fast role (engagement-counts). A deleted
// comment leaves the lists and keeps only its skeleton by id (no text), so a thread under
// a deleted comment answers NOT_FOUND. Every write is an upsert or a delete of a known
// key: a redelivered batch converges.
import type { Projection } from "@flick/projection-runner";
import { defineTable, type ReadStore, type RowOf } from "@flick/read-store";
import { engagementCodec, toDate } from "../events.js";

export const commentsTable = defineTable({
  name: "comments",
  partitionKey: [{ name: "comment_id", type: "text" }],
  columns: [
    { name: "video_id", type: "text" },
    { name: "video_creator_id", type: "text" },
    { name: "parent_comment_id", type: "text" },
    { name: "author_id", type: "text" },
    { name: "reply_to_user_id", type: "text" },
    { name: "text", type: "text" },
    { name: "mentioned_user_ids", type: "json" },
    { name: "created_at", type: "timestamp" },
    { name: "deleted", type: "boolean" },
  ],
});

export const videoCommentsTable = defineTable({
  name: "video_comments",
  partitionKey: [{ name: "video_id", type: "text" }],
  clustering: [
    { name: "created_at", type: "timestamp", order: "desc" },
    { name: "comment_id", type: "text" },
  ],
  columns: [{ name: "author_id", type: "text" }],
});

export const commentRepliesTable = defineTable({
  name: "comment_replies",
  partitionKey: [{ name: "parent_comment_id", type: "text" }],
  clustering: [
    { name: "created_at", type: "timestamp" },
    { name: "comment_id", type: "text" },
  ],
  columns: [{ name: "author_id", type: "text" }],
});

export type CommentRow = RowOf<typeof commentsTable>;

export function commentsProjection(): Projection<ReadStore> {
  return {
    name: "comments",
    version: 1,
    filter: { categories: ["comment"], eventTypes: ["flick.events.v1.CommentPosted", "flick.events.v1.CommentDeleted"] },
    setup: (store) => store.ensure(commentsTable, videoCommentsTable, commentRepliesTable),
    async handle(events, store) {
      const comments = store.table(commentsTable);
      const byVideo = store.table(videoCommentsTable);
      const replies = store.table(commentRepliesTable);
      for (const r of events) {
        const e = engagementCodec.decode(r);
        if (!e) continue;
        if (e.$typeName === "flick.events.v1.CommentPosted") {
          const at = toDate(e.occurredAt);
          const existing = await comments.get({ comment_id: e.commentId });
          if (existing?.deleted) continue; // a redelivery after the comment was deleted
          await comments.upsert({
            comment_id: e.commentId,
            video_id: e.videoId,
            video_creator_id: e.videoCreatorId,
            parent_comment_id: e.parentCommentId,
            author_id: e.authorId,
            reply_to_user_id: e.replyToUserId,
            text: e.text,
            mentioned_user_ids: [...e.mentionedUserIds],
            created_at: at,
            deleted: false,
          });
          if (e.parentCommentId) {
            await replies.upsert({ parent_comment_id: e.parentCommentId, created_at: at, comment_id: e.commentId, author_id: e.authorId });
          } else {
            await byVideo.upsert({ video_id: e.videoId, created_at: at, comment_id: e.commentId, author_id: e.authorId });
          }
        } else if (e.$typeName === "flick.events.v1.CommentDeleted") {
          const row = await comments.get({ comment_id: e.commentId });
          if (row?.created_at) {
            if (row.parent_comment_id) {
              await replies.delete({ parent_comment_id: row.parent_comment_id, created_at: row.created_at, comment_id: e.commentId });
            } else {
              await byVideo.delete({ video_id: e.videoId, created_at: row.created_at, comment_id: e.commentId });
            }
          }
          await comments.upsert({ comment_id: e.commentId, text: "", mentioned_user_ids: [], deleted: true });
        }
      }
    },
  };
}
