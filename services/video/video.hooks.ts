// Where the engagement context plugs into videos. Until it registers here, a video's
// stats are all 0 (the proto default: "not counted") and the viewer's has_liked /
// has_saved are false; follows_creator is real (the social graph). Nothing is faked.
//
//   import { videoHooks } from "../video/video.hooks.js";
//   videoHooks(platform).stats = async (videoIds) => …;          // in order of videoIds
//   videoHooks(platform).viewerState = async (viewerId, videoIds) => …;
import type { Platform } from "../platform/platform.js";

export interface VideoCounts {
  views: bigint;
  likes: bigint;
  comments: bigint;
  shares: bigint;
  saves: bigint;
}

export interface VideoHooks {
  /** Public counters of each video, in the order of `videoIds`. */
  stats: ((videoIds: readonly string[]) => Promise<VideoCounts[]>) | undefined;
  /** The viewer's likes and saves of each video, in order. */
  viewerState: ((viewerId: string, videoIds: readonly string[]) => Promise<{ hasLiked: boolean; hasSaved: boolean }[]>) | undefined;
}

const hooks = new WeakMap<Platform, VideoHooks>();

export function videoHooks(platform: Platform): VideoHooks {
  let h = hooks.get(platform);
  if (!h) hooks.set(platform, (h = { stats: undefined, viewerState: undefined }));
  return h;
}
