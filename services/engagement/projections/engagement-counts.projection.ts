// Engagement counts (fast role: Redis, or PGlite embedded): per video views, likes,
// comments (replies included), shares and saves; per comment likes and replies; likes
// received per creator; and the "top" ranking of each video's comments (a sorted set).
//
// Exact after replays: every increment carries its event's id, so a redelivered batch
// counts nothing twice. The one count that depends on another — deleting a top-level
// comment hides its replies, so the video's count drops by 1 + its live replies — reads
// the reply count after flushing what the batch has counted so far: that value is the
// same whether or not an earlier, interrupted delivery already applied those increments.
import type { Projection } from "@flick/projection-runner";
import {
  defineCounters,
  defineSet,
  defineSortedSet,
  type CounterIncrement,
  type ReadStore,
  type ScoreIncrement,
} from "@flick/read-store";
import { engagementCodec, toDate } from "../events.js";

export const videoStats = defineCounters("video_stats");
export const commentStats = defineCounters("comment_stats");
export const creatorStats = defineCounters("creator_stats");
/** Top-level comments of a video by engagement (member: comment id). */
export const commentRanking = defineSortedSet("comment_ranking");
/** Deleted top-level comments per video, so their replies stop counting. */
export const deletedThreads = defineSet("deleted_threads");

export type VideoStat = "views" | "likes" | "comments" | "shares" | "saves";
export const statKey = (videoId: string, stat: VideoStat) => `${videoId}/${stat}`;
export const commentKey = (commentId: string, stat: "likes" | "replies") => `${commentId}/${stat}`;
export const creatorKey = (creatorId: string) => `${creatorId}/likes_received`;

/** Ranking weights: "top" favours engagement, and the creator's voice counts extra. */
export const RANK = { like: 1, reply: 1, creatorReply: 5, byCreator: 10 } as const;
/**
 * A comment's first score carries its post time as a fraction below 1, so equal
 * engagement ranks newest first (seconds since 2020 / 1e9 stays below 1 until 2051).
 */
export const recencyFraction = (at: Date) => Math.max(0, at.getTime() / 1000 - 1_577_836_800) / 1e9;

export function engagementCountsProjection(): Projection<ReadStore> {
  return {
    name: "engagement_counts",
    version: 1,
    filter: { categories: ["like", "save", "share", "view", "comment"] },
    setup: (store) => store.ensure(videoStats, commentStats, creatorStats, commentRanking, deletedThreads),
    async handle(events, store) {
      const videos = store.counters(videoStats);
      const comments = store.counters(commentStats);
      const creators = store.counters(creatorStats);
      const ranking = store.sortedSets(commentRanking);
      const deleted = store.sets(deletedThreads);
      let counts: CounterIncrement[] = [];
      let perComment: CounterIncrement[] = [];
      let perCreator: CounterIncrement[] = [];
      let scores: ScoreIncrement[] = [];
      const flush = async () => {
        await Promise.all([videos.incrementMany(counts), comments.incrementMany(perComment), creators.incrementMany(perCreator), ranking.incrementMany(scores)]);
        counts = [];
        perComment = [];
        perCreator = [];
        scores = [];
      };
      const postedInBatch = new Set<string>();
      const removedInBatch = new Set<string>();
      const threadDeleted = async (videoId: string, parentId: string) => deleted.contains(videoId, parentId);

      for (const r of events) {
        const e = engagementCodec.decode(r);
        if (!e) continue;
        const id = r.id;
        switch (e.$typeName) {
          case "flick.events.v1.VideoViewed":
            counts.push({ key: statKey(e.videoId, "views"), by: 1, eventId: id });
            break;
          case "flick.events.v1.VideoLiked":
          case "flick.events.v1.VideoUnliked": {
            const by = e.$typeName === "flick.events.v1.VideoLiked" ? 1 : -1;
            counts.push({ key: statKey(e.videoId, "likes"), by, eventId: id });
            if (e.videoCreatorId) perCreator.push({ key: creatorKey(e.videoCreatorId), by, eventId: id });
            break;
          }
          case "flick.events.v1.VideoSaved":
          case "flick.events.v1.VideoUnsaved":
            counts.push({ key: statKey(e.videoId, "saves"), by: e.$typeName === "flick.events.v1.VideoSaved" ? 1 : -1, eventId: id });
            break;
          case "flick.events.v1.VideoShared":
            counts.push({ key: statKey(e.videoId, "shares"), by: 1, eventId: id });
            break;
          case "flick.events.v1.CommentPosted":
            if (!e.parentCommentId) {
              counts.push({ key: statKey(e.videoId, "comments"), by: 1, eventId: id });
              const bonus = e.authorId === e.videoCreatorId ? RANK.byCreator : 0;
              scores.push({ key: e.videoId, member: e.commentId, by: bonus + recencyFraction(toDate(e.occurredAt)), eventId: id });
              postedInBatch.add(e.commentId);
            } else if (!(await threadDeleted(e.videoId, e.parentCommentId))) {
              counts.push({ key: statKey(e.videoId, "comments"), by: 1, eventId: id });
              perComment.push({ key: commentKey(e.parentCommentId, "replies"), by: 1, eventId: id });
              const weight = e.authorId === e.videoCreatorId ? RANK.creatorReply : RANK.reply;
              scores.push({ key: e.videoId, member: e.parentCommentId, by: weight, eventId: id });
            }
            break;
          case "flick.events.v1.CommentDeleted":
            if (!e.parentCommentId) {
              // The decrement is applied before the thread is marked deleted, so a
              // delivery cut short in between redoes it (deduplicated by event id).
              await flush();
              const replies = Math.max(0, await comments.get(commentKey(e.commentId, "replies")));
              counts.push({ key: statKey(e.videoId, "comments"), by: -(1 + replies), eventId: id });
              await flush();
              await deleted.add(e.videoId, e.commentId, { at: toDate(e.occurredAt) });
              await ranking.remove(e.videoId, e.commentId);
              removedInBatch.add(e.commentId);
            } else if (!(await threadDeleted(e.videoId, e.parentCommentId))) {
              counts.push({ key: statKey(e.videoId, "comments"), by: -1, eventId: id });
              perComment.push({ key: commentKey(e.parentCommentId, "replies"), by: -1, eventId: id });
              const weight = e.authorId === e.videoCreatorId ? RANK.creatorReply : RANK.reply;
              scores.push({ key: e.videoId, member: e.parentCommentId, by: -weight, eventId: id });
            }
            break;
          case "flick.events.v1.CommentLiked":
          case "flick.events.v1.CommentUnliked": {
            const by = e.$typeName === "flick.events.v1.CommentLiked" ? 1 : -1;
            perComment.push({ key: commentKey(e.commentId, "likes"), by, eventId: id });
            // Only top-level comments are ranked; a like of a reply or of a deleted
            // comment must not bring a member back into the ranking.
            if (removedInBatch.has(e.commentId)) break;
            const ranked = postedInBatch.has(e.commentId) || (await ranking.score(e.videoId, e.commentId)) !== undefined;
            if (ranked) {
              scores.push({ key: e.videoId, member: e.commentId, by: by * RANK.like, eventId: id });
            }
            break;
          }
        }
      }
      await flush();
    },
  };
}
