// One user's like of one comment (stream comment-like-<comment>-<user>): a state stream
// like a video like.
import { CommentLikedSchema, CommentUnlikedSchema } from "@flick/contracts/flick/events/v1/engagement_pb";
import type { Decider } from "@flick/kernel";
import { event, type CommentLikeEvent } from "../events.js";

export interface CommentLikeState {
  liked: boolean;
}

export interface CommentLikeCommand {
  type: "LikeComment" | "UnlikeComment";
  commentId: string;
  videoId: string;
  commentAuthorId: string;
  userId: string;
  videoCreatorId: string;
  at: Date;
}

export const commentLikeDecider: Decider<CommentLikeCommand, CommentLikeState, CommentLikeEvent> = {
  initialState: () => ({ liked: false }),
  evolve: (_state, e) => ({ liked: e.$typeName === "flick.events.v1.CommentLiked" }),
  decide(c, state) {
    const fields = {
      commentId: c.commentId,
      videoId: c.videoId,
      commentAuthorId: c.commentAuthorId,
      userId: c.userId,
      videoCreatorId: c.videoCreatorId,
      occurredAt: c.at,
    };
    if (c.type === "LikeComment") return state.liked ? [] : [event(CommentLikedSchema, fields)];
    return state.liked ? [event(CommentUnlikedSchema, fields)] : [];
  },
};
