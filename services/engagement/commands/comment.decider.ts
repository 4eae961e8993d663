// One comment or reply (stream comment-<comment_id>, the id derived from the author and
// request id). Threads are two levels: the handler resolves a reply to a reply to the
// same top-level comment before deciding. Deleting is for the author, the video's
// creator or an admin, and idempotent.
import { CommentDeletedSchema, CommentPostedSchema } from "@flick/contracts/flick/events/v1/engagement_pb";
import { NotFoundError, PermissionDeniedError, ValidationError, type Decider } from "@flick/kernel";
import { event, toDate, type CommentEvent } from "../events.js";

export const MAX_COMMENT_CHARS = 500;

export interface CommentState {
  posted: boolean;
  deleted: boolean;
  commentId: string;
  videoId: string;
  videoCreatorId: string;
  authorId: string;
  /** Empty for a top-level comment. */
  parentCommentId: string;
  replyToUserId: string;
  text: string;
  mentionedUserIds: string[];
  postedAt: Date | undefined;
}

export type CommentCommand =
  | {
      type: "Post";
      commentId: string;
      videoId: string;
      videoCreatorId: string;
      authorId: string;
      parentCommentId: string;
      replyToUserId: string;
      text: string;
      mentionedUserIds: string[];
      at: Date;
    }
  | { type: "Delete"; commentId: string; actorId: string; actorIsAdmin: boolean; at: Date };

/** The text as stored: trimmed, 1..500 characters (code points, as the API counts). */
export function normalizeCommentText(text: string): string {
  const trimmed = text.trim();
  const length = [...trimmed].length;
  if (length === 0) throw ValidationError.field("text", "must not be empty");
  if (length > MAX_COMMENT_CHARS) throw ValidationError.field("text", `at most ${MAX_COMMENT_CHARS} characters`);
  return trimmed;
}

const initial: CommentState = {
  posted: false,
  deleted: false,
  commentId: "",
  videoId: "",
  videoCreatorId: "",
  authorId: "",
  parentCommentId: "",
  replyToUserId: "",
  text: "",
  mentionedUserIds: [],
  postedAt: undefined,
};

export const commentDecider: Decider<CommentCommand, CommentState, CommentEvent> = {
  initialState: () => initial,
  evolve(state, e) {
    if (e.$typeName === "flick.events.v1.CommentDeleted") return { ...state, deleted: true };
    return {
      posted: true,
      deleted: false,
      commentId: e.commentId,
      videoId: e.videoId,
      videoCreatorId: e.videoCreatorId,
      authorId: e.authorId,
      parentCommentId: e.parentCommentId,
      replyToUserId: e.replyToUserId,
      text: e.text,
      mentionedUserIds: [...e.mentionedUserIds],
      postedAt: toDate(e.occurredAt),
    };
  },
  decide(c, state) {
    if (c.type === "Post") {
      if (state.posted) return [];
      return [
        event(CommentPostedSchema, {
          commentId: c.commentId,
          videoId: c.videoId,
          videoCreatorId: c.videoCreatorId,
          authorId: c.authorId,
          parentCommentId: c.parentCommentId,
          replyToUserId: c.parentCommentId ? c.replyToUserId : "",
          text: normalizeCommentText(c.text),
          mentionedUserIds: [...new Set(c.mentionedUserIds)].filter((u) => u !== c.authorId),
          occurredAt: c.at,
        }),
      ];
    }
    if (!state.posted) throw new NotFoundError("comment", c.commentId);
    if (state.deleted) return [];
    const allowed = c.actorIsAdmin || c.actorId === state.authorId || c.actorId === state.videoCreatorId;
    if (!allowed) throw new PermissionDeniedError("only the author, the video's creator or an admin may delete a comment");
    return [
      event(CommentDeletedSchema, {
        commentId: state.commentId,
        videoId: state.videoId,
        videoCreatorId: state.videoCreatorId,
        authorId: state.authorId,
        parentCommentId: state.parentCommentId,
        deletedById: c.actorId,
        occurredAt: c.at,
      }),
    ];
  },
};
