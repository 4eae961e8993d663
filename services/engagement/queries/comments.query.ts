// Comment lists: a video's top-level comments (newest, or "top" from the ranking on the
// fast role) and a thread's replies (oldest first). Comments by users across a block with
// the caller are left out, and so are those of deleted accounts; a page is refilled from
// the next rows so that filtering does not shrink it.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { CommentOrder, CommentSchema, MentionSchema, type Comment } from "@flick/contracts/flick/engagement/v1/engagement_pb";
import type { UserSummary } from "@flick/contracts/flick/identity/v1/identity_pb";
import { NotFoundError, ValidationError } from "@flick/kernel";
import type { Caller } from "@flick/server";
import { decodeListCursor, encodeListCursor } from "../../social/paging.js";
import type { ViewerContext } from "../../social/visibility.js";
import { findMentions } from "../commands/mentions.js";
import type { EngagementContext } from "../engagement.context.js";
import { commentsTable, commentRepliesTable, videoCommentsTable, type CommentRow } from "../projections/comments.projection.js";
import { commentKey, commentRanking, commentStats, statKey, videoStats } from "../projections/engagement-counts.projection.js";
import { commentLikesTable } from "../projections/engagement-lists.projection.js";
import type { VideoFacts } from "../upstream/video-facts.js";
import { awaitToken } from "./consistency.js";

export const DEFAULT_LIMIT = 20;
const MAX_ROUNDS = 5;

/** The video, if the caller may see it; NOT_FOUND otherwise. */
async function visibleVideo(ctx: EngagementContext, viewerId: string | undefined, videoId: string): Promise<VideoFacts> {
  const video = (await ctx.hotVideos.get([videoId])).get(videoId);
  if (!video || (video.status !== "ready" && !(video.status === "processing" && video.creatorId === viewerId))) throw new NotFoundError("video", videoId);
  const standing = await ctx.audience.towardsVideo(viewerId, video);
  if (!standing.canSee) throw new NotFoundError("video", videoId);
  return video;
}

export async function renderComments(
  ctx: EngagementContext,
  caller: Caller | undefined,
  video: VideoFacts,
  rows: readonly CommentRow[],
): Promise<Comment[]> {
  if (rows.length === 0) return [];
  const viewerId = caller?.userId;
  const mentioned = rows.flatMap((r) => (Array.isArray(r.mentioned_user_ids) ? (r.mentioned_user_ids as string[]) : []));
  const people = await ctx.people.summaries([...rows.map((r) => r.author_id ?? ""), ...rows.map((r) => r.reply_to_user_id ?? ""), ...mentioned]);
  const countsStore = await ctx.models.counts.store();
  const counts = await countsStore.counters(commentStats).getMany(rows.flatMap((r) => [commentKey(r.comment_id, "likes"), commentKey(r.comment_id, "replies")]));
  let liked: boolean[] = rows.map(() => false);
  if (viewerId) {
    const likes = (await ctx.models.lists.store()).table(commentLikesTable);
    liked = (await likes.getMany(rows.map((r) => ({ comment_id: r.comment_id, user_id: viewerId })))).map((x) => x !== undefined);
  }
  const out: Comment[] = [];
  rows.forEach((r, i) => {
    const author = people.get(r.author_id ?? "");
    if (!author) return; // a deleted account's comments are gone with it
    const mentionIds = Array.isArray(r.mentioned_user_ids) ? (r.mentioned_user_ids as string[]) : [];
    out.push(
      create(CommentSchema, {
        id: r.comment_id,
        videoId: r.video_id ?? video.videoId,
        parentCommentId: r.parent_comment_id ?? "",
        author,
        replyToUser: r.parent_comment_id && r.reply_to_user_id ? people.get(r.reply_to_user_id) : undefined,
        text: r.text ?? "",
        mentions: mentionsIn(r.text ?? "", mentionIds.map((id) => people.get(id)).filter((p): p is UserSummary => !!p)),
        likeCount: BigInt(Math.max(0, counts[2 * i]!)),
        replyCount: r.parent_comment_id ? 0n : BigInt(Math.max(0, counts[2 * i + 1]!)),
        viewerLiked: liked[i]!,
        byVideoCreator: r.author_id === video.creatorId,
        viewerCanDelete: !!viewerId && (viewerId === r.author_id || viewerId === video.creatorId || caller?.role === "admin"),
        createdAt: r.created_at ? timestampFromDate(r.created_at) : undefined,
      }),
    );
  });
  return out;
}

/** Mentions whose "@name" still matches the user's current username, in text order. */
function mentionsIn(text: string, users: readonly UserSummary[]) {
  const byName = new Map(users.map((u) => [u.username.toLowerCase(), u]));
  return findMentions(text)
    .map((t) => ({ t, u: byName.get(t.username.toLowerCase()) }))
    .filter((m): m is { t: (typeof m)["t"]; u: UserSummary } => m.u !== undefined)
    .map(({ t, u }) => create(MentionSchema, { userId: u.userId, username: u.username, start: t.start, length: t.length }));
}

const visibleRow = (viewer: ViewerContext, r: CommentRow | undefined): r is CommentRow => !!r && !r.deleted && viewer.canInteract(r.author_id ?? "");

export interface ListCommentsInput {
  videoId: string;
  order: CommentOrder;
  limit: number;
  cursor: string;
  consistencyToken: string;
}

export async function listComments(ctx: EngagementContext, caller: Caller | undefined, input: ListCommentsInput) {
  const viewerId = caller?.userId;
  const video = await visibleVideo(ctx, viewerId, input.videoId);
  const caughtUp = await awaitToken(ctx, input.consistencyToken, [ctx.models.comments, ctx.models.counts]);
  await ctx.ryw.settle(viewerId, [ctx.models.comments, ctx.models.counts]);
  const countsStore = await ctx.models.counts.store();
  const commentCount = BigInt(Math.max(0, await countsStore.counters(videoStats).get(statKey(video.videoId, "comments"))));
  if (!video.commentsEnabled) return { comments: [] as Comment[], nextCursor: "", commentCount, commentsEnabled: false, caughtUp };

  const order = input.order === CommentOrder.NEWEST ? "newest" : "top";
  const list = `comments:${video.videoId}:${order}`;
  const limit = input.limit || DEFAULT_LIMIT;
  const viewer = await ctx.audience.context(viewerId);
  const commentsStore = await ctx.models.comments.store();
  const table = commentsStore.table(commentsTable);
  const rows: CommentRow[] = [];
  let position = decodeListCursor(list, input.cursor);
  let more = true;
  for (let round = 0; round < MAX_ROUNDS && rows.length < limit && more; round++) {
    const want = limit - rows.length;
    if (order === "newest") {
      let page;
      try {
        page = await commentsStore.table(videoCommentsTable).scan({ video_id: video.videoId }, { limit: want, cursor: position });
      } catch (err) {
        if (position !== undefined) throw ValidationError.field("cursor", "invalid cursor");
        throw err;
      }
      const found = await Promise.all(page.rows.map((r) => (viewer.canInteract(r.author_id ?? "") ? table.get({ comment_id: r.comment_id }) : undefined)));
      rows.push(...found.filter((r) => visibleRow(viewer, r)));
      position = page.cursor;
      more = page.cursor !== undefined && page.rows.length === want;
    } else {
      const offset = position === undefined ? 0 : Number(position);
      if (!Number.isSafeInteger(offset) || offset < 0) throw ValidationError.field("cursor", "invalid cursor");
      const ranked = await countsStore.sortedSets(commentRanking).range(video.videoId, offset, want);
      const found = await table.getMany(ranked.map((m) => ({ comment_id: m.member })));
      rows.push(...found.filter((r) => visibleRow(viewer, r)));
      position = String(offset + ranked.length);
      more = ranked.length === want;
    }
  }
  const comments = await renderComments(ctx, caller, video, rows);
  return { comments, nextCursor: more ? encodeListCursor(list, position) : "", commentCount, commentsEnabled: true, caughtUp };
}

export interface ListRepliesInput {
  commentId: string;
  limit: number;
  cursor: string;
  consistencyToken: string;
}

export async function listReplies(ctx: EngagementContext, caller: Caller | undefined, input: ListRepliesInput) {
  const viewerId = caller?.userId;
  const caughtUp = await awaitToken(ctx, input.consistencyToken, [ctx.models.comments, ctx.models.counts]);
  await ctx.ryw.settle(viewerId, [ctx.models.comments, ctx.models.counts]);
  const store = await ctx.models.comments.store();
  const table = store.table(commentsTable);
  const parent = await table.get({ comment_id: input.commentId });
  if (!parent || parent.deleted || !parent.video_id) throw new NotFoundError("comment", input.commentId);
  if (parent.parent_comment_id) throw ValidationError.field("comment_id", "is a reply: list the replies of its top-level comment");
  const video = await visibleVideo(ctx, viewerId, parent.video_id);
  const viewer = await ctx.audience.context(viewerId);
  const list = `replies:${input.commentId}`;
  const limit = input.limit || DEFAULT_LIMIT;
  const rows: CommentRow[] = [];
  let position = decodeListCursor(list, input.cursor);
  let more = true;
  for (let round = 0; round < MAX_ROUNDS && rows.length < limit && more; round++) {
    const want = limit - rows.length;
    let page;
    try {
      page = await store.table(commentRepliesTable).scan({ parent_comment_id: input.commentId }, { limit: want, cursor: position });
    } catch (err) {
      if (position !== undefined) throw ValidationError.field("cursor", "invalid cursor");
      throw err;
    }
    const found = await Promise.all(page.rows.map((r) => (viewer.canInteract(r.author_id ?? "") ? table.get({ comment_id: r.comment_id }) : undefined)));
    rows.push(...found.filter((r) => visibleRow(viewer, r)));
    position = page.cursor;
    more = page.cursor !== undefined && page.rows.length === want;
  }
  const replies = await renderComments(ctx, caller, video, rows);
  return { replies, nextCursor: more ? encodeListCursor(list, position) : "", caughtUp };
}
