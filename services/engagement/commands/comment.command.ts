// Comments: post (and reply), delete, like and unlike. A comment's facts come from its own
// stream, never from a read model, so replying to a comment posted a moment ago works and
// a deleted one is refused at once.
import type { Caller } from "@flick/server";
import { FailedPreconditionError, fold, handleCommand, NotFoundError, PermissionDeniedError } from "@flick/kernel";
import type { EngagementContext } from "../engagement.context.js";
import { commentCodec, commentLikeCodec, derivedId, engagementStreams } from "../events.js";
import { commentKey, commentStats } from "../projections/engagement-counts.projection.js";
import { commentDecider, normalizeCommentText, type CommentState } from "./comment.decider.js";
import { commentLikeDecider } from "./comment-like.decider.js";
import { findMentions, MAX_MENTIONS } from "./mentions.js";
import { accessVideo } from "./video-access.js";
import { counterIncluding, stateEvent } from "./video-engagement.command.js";

/** A comment's state, folded from its stream (initial state when it does not exist). */
export async function loadComment(ctx: EngagementContext, commentId: string): Promise<CommentState & { checkpoint?: string }> {
  const recorded = await ctx.events.readStream(engagementStreams.comment(commentId));
  const state = fold(commentDecider, recorded.map((r) => commentCodec.decode(r)).filter((e) => e !== undefined));
  return { ...state, checkpoint: recorded[0]?.checkpoint };
}

/** A live comment, its thread live too; NOT_FOUND otherwise. */
async function liveComment(ctx: EngagementContext, commentId: string): Promise<CommentState> {
  const c = await loadComment(ctx, commentId);
  if (!c.posted || c.deleted) throw new NotFoundError("comment", commentId);
  if (c.parentCommentId) {
    const top = await loadComment(ctx, c.parentCommentId);
    if (!top.posted || top.deleted) throw new NotFoundError("comment", commentId);
  }
  return c;
}

export interface PostInput {
  videoId: string;
  text: string;
  parentCommentId: string;
}

export async function postComment(ctx: EngagementContext, authorId: string, requestId: string, input: PostInput) {
  const text = normalizeCommentText(input.text);
  const commentId = derivedId("cmt", authorId, requestId);
  // A retry of a posted comment answers from its stream, whatever changed since.
  const earlier = await loadComment(ctx, commentId);
  if (earlier.posted) return { state: earlier as CommentState, checkpoint: earlier.checkpoint, replayed: true };

  const { video } = await accessVideo(ctx, authorId, input.videoId, "act");
  if (!video.commentsEnabled) throw new FailedPreconditionError("comments are turned off for this video", "COMMENTS_DISABLED");
  let parentCommentId = "";
  let replyToUserId = "";
  if (input.parentCommentId) {
    const parent = await liveComment(ctx, input.parentCommentId);
    if (parent.videoId !== input.videoId) throw new FailedPreconditionError("the parent comment belongs to another video", "PARENT_ON_OTHER_VIDEO");
    parentCommentId = parent.parentCommentId || parent.commentId;
    replyToUserId = parent.authorId;
    if (replyToUserId !== authorId) {
      const b = await ctx.audience.blocks(authorId, replyToUserId);
      if (b.targetBlocksActor) throw new PermissionDeniedError("the author of that comment has blocked you");
      if (b.actorBlocksTarget) throw new PermissionDeniedError("you have blocked the author of that comment: unblock first");
    }
  }
  const mentioned = await resolveMentions(ctx, authorId, text);
  const result = await handleCommand(ctx.events, {
    stream: engagementStreams.comment(commentId),
    decider: commentDecider,
    command: {
      type: "Post",
      commentId,
      videoId: input.videoId,
      videoCreatorId: video.creatorId,
      authorId,
      parentCommentId,
      replyToUserId,
      text,
      mentionedUserIds: mentioned,
      at: ctx.now(),
    },
    requestId,
    metadata: { actor: authorId },
    codec: commentCodec,
  });
  ctx.ryw.note(authorId, result.checkpoint);
  return { state: result.state, checkpoint: result.checkpoint, replayed: result.replayed };
}

/** Mentioned usernames that exist and are not across a block with the author, in order. */
async function resolveMentions(ctx: EngagementContext, authorId: string, text: string): Promise<string[]> {
  const names = [...new Set(findMentions(text).map((m) => m.username.toLowerCase()))].slice(0, MAX_MENTIONS);
  if (names.length === 0) return [];
  const ids = await ctx.people.idsByUsername(names);
  const candidates = [...new Set(names.map((n) => ids.get(n)).filter((id): id is string => !!id && id !== authorId))];
  const blocked = await Promise.all(candidates.map((id) => ctx.audience.blocks(authorId, id)));
  return candidates.filter((_, i) => !blocked[i]!.actorBlocksTarget && !blocked[i]!.targetBlocksActor);
}

export async function deleteComment(ctx: EngagementContext, caller: Caller, requestId: string, commentId: string) {
  const result = await handleCommand(ctx.events, {
    stream: engagementStreams.comment(commentId),
    decider: commentDecider,
    command: { type: "Delete", commentId, actorId: caller.userId, actorIsAdmin: caller.role === "admin", at: ctx.now() },
    requestId,
    metadata: { actor: caller.userId },
    codec: commentCodec,
  });
  ctx.ryw.note(caller.userId, result.checkpoint);
  return { checkpoint: result.checkpoint ?? "" };
}

export async function likeComment(ctx: EngagementContext, userId: string, requestId: string, commentId: string, like: boolean) {
  const comment = like ? await liveComment(ctx, commentId) : await loadComment(ctx, commentId);
  if (!comment.posted) throw new NotFoundError("comment", commentId);
  if (like) {
    await accessVideo(ctx, userId, comment.videoId, "act");
    if (comment.authorId !== userId) {
      const b = await ctx.audience.blocks(userId, comment.authorId);
      if (b.targetBlocksActor) throw new PermissionDeniedError("the author of that comment has blocked you");
      if (b.actorBlocksTarget) throw new PermissionDeniedError("you have blocked the author of that comment: unblock first");
    }
  }
  const stream = engagementStreams.commentLike(commentId, userId);
  const result = await handleCommand(ctx.events, {
    stream,
    decider: commentLikeDecider,
    command: {
      type: like ? "LikeComment" : "UnlikeComment",
      commentId,
      videoId: comment.videoId,
      commentAuthorId: comment.authorId,
      userId,
      videoCreatorId: comment.videoCreatorId,
      at: ctx.now(),
    },
    requestId,
    metadata: { actor: userId },
    codec: commentLikeCodec,
  });
  ctx.ryw.note(userId, result.checkpoint);
  const count = await counterIncluding(ctx, commentStats, commentKey(commentId, "likes"), await stateEvent(ctx, stream, result, requestId), like ? 1 : -1);
  return { count, checkpoint: result.checkpoint ?? "" };
}
