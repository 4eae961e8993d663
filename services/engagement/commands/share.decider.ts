// One share (stream share-<share_id>, the id derived from the sharer and request id): a
// fact counted once. Sharing is refused for a video only its creator may see, and an
// internal share needs someone else to send it to.
import { ShareKind, SharePlatform, VideoSharedSchema, type VideoShared } from "@flick/contracts/flick/events/v1/engagement_pb";
import { FailedPreconditionError, type Decider } from "@flick/kernel";
import { event } from "../events.js";

export interface ShareState {
  shared: boolean;
}

export interface ShareCommand {
  type: "Share";
  shareId: string;
  videoId: string;
  userId: string;
  videoCreatorId: string;
  /** The video is private to its creator: nobody can be sent it. */
  videoPrivate: boolean;
  kind: ShareKind;
  recipientUserId: string;
  platform: SharePlatform;
  platformName: string;
  at: Date;
}

export const shareDecider: Decider<ShareCommand, ShareState, VideoShared> = {
  initialState: () => ({ shared: false }),
  evolve: () => ({ shared: true }),
  decide(c, state) {
    if (state.shared) return [];
    if (c.videoPrivate) throw new FailedPreconditionError("a private video cannot be shared", "VIDEO_PRIVATE");
    if (c.kind === ShareKind.INTERNAL && c.recipientUserId === c.userId) {
      throw new FailedPreconditionError("a video cannot be sent to yourself", "SHARE_TO_SELF");
    }
    return [
      event(VideoSharedSchema, {
        shareId: c.shareId,
        videoId: c.videoId,
        userId: c.userId,
        videoCreatorId: c.videoCreatorId,
        kind: c.kind,
        recipientUserId: c.kind === ShareKind.INTERNAL ? c.recipientUserId : "",
        platform: c.kind === ShareKind.EXTERNAL ? c.platform : SharePlatform.UNSPECIFIED,
        platformName: c.kind === ShareKind.EXTERNAL ? c.platformName : "",
        occurredAt: c.at,
      }),
    ];
  },
};
