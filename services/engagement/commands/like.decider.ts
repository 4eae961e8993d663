// One user's like of one video (stream like-<video>-<user>): a state stream, so a repeated
// like or unlike decides nothing and counts stay exact. Visibility and blocks are checked
// by the handler before deciding (they live in other contexts' models).
import { VideoLikedSchema, VideoUnlikedSchema } from "@flick/contracts/flick/events/v1/engagement_pb";
import type { Decider } from "@flick/kernel";
import { event, toDate, type LikeEvent } from "../events.js";

export interface LikeState {
  liked: boolean;
  /** When the current like was given (undefined when not liked). */
  likedAt: Date | undefined;
}

export interface LikeCommand {
  type: "Like" | "Unlike";
  videoId: string;
  userId: string;
  videoCreatorId: string;
  at: Date;
}

export const likeDecider: Decider<LikeCommand, LikeState, LikeEvent> = {
  initialState: () => ({ liked: false, likedAt: undefined }),
  evolve: (_state, e) =>
    e.$typeName === "flick.events.v1.VideoLiked" ? { liked: true, likedAt: toDate(e.occurredAt) } : { liked: false, likedAt: undefined },
  decide(c, state) {
    const fields = { videoId: c.videoId, userId: c.userId, videoCreatorId: c.videoCreatorId, occurredAt: c.at };
    if (c.type === "Like") return state.liked ? [] : [event(VideoLikedSchema, fields)];
    return state.liked ? [event(VideoUnlikedSchema, fields)] : [];
  },
};
