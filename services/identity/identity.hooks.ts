// Where later contexts plug into profiles. Until the video and engagement features
// register here, a profile reports likes_received_count and video_count as 0 (the proto
// default: "not counted"), and UpdateProfile refuses any profile_video_id with
// FAILED_PRECONDITION, because no video can be ready yet. Nothing is faked.
//
//   import { identityHooks } from "../identity/identity.hooks.js";
//   identityHooks(platform).profileStats = { likesReceived: …, videoCount: … };
//   identityHooks(platform).readyVideo = async (userId, videoId) => …;
import type { Platform } from "../platform/platform.js";

export interface ProfileStats {
  /** Total likes received on each user's videos, in the order of `userIds`. */
  likesReceived(userIds: readonly string[]): Promise<number[]>;
  /** Number of each user's videos that `viewerId` may see, in order. */
  videoCount(userIds: readonly string[], viewerId: string | undefined): Promise<number[]>;
}

export interface IdentityHooks {
  profileStats: ProfileStats | undefined;
  /** Is `videoId` one of `userId`'s ready videos (for the pinned profile video)? */
  readyVideo: ((userId: string, videoId: string) => Promise<boolean>) | undefined;
}

const hooks = new WeakMap<Platform, IdentityHooks>();

export function identityHooks(platform: Platform): IdentityHooks {
  let h = hooks.get(platform);
  if (!h) hooks.set(platform, (h = { profileStats: undefined, readyVideo: undefined }));
  return h;
}
