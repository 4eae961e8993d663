// What the Following / Friends feeds use, built once per platform: the video context
// (catalogue, rendering, visibility), the social and identity read models the feeds
// wait on, the activity log and its per-process tail for the live stream, and the fast
// role's cache for ranked sessions and pub/sub for nudges across processes.
import { defineCache, type Cache, type CacheSpec, type PubSub } from "@flick/read-store";
import { identityReadModels } from "../../identity/identity.read-models.js";
import type { Platform, ReadModel } from "../../platform/platform.js";
import { socialReadModels } from "../../social/social.read-models.js";
import { videoContext } from "../../video/video.context.js";
import type { VideoContext } from "../../video/video.context.js";
import { ActivityTail } from "./live/activity-tail.js";
import { followingActivityProjection } from "./projections/following-activity.projection.js";
import { loadFollowingSettings, MAX_RESUME_WINDOW_MS, type FollowingSettings } from "./following.settings.js";

/** Ranked sessions: the ordered ids behind a chain of ranked cursors. */
export const rankedSessionsCache: CacheSpec = defineCache("following_ranked", { ttlSeconds: 1800 });
export const ACTIVITY_CHANNEL = "following.activity";

export interface FollowingContext {
  platform: Platform;
  video: VideoContext;
  settings: FollowingSettings;
  /** The read models a feed page reads (what a consistency token waits for). */
  pageModels: ReadModel[];
  activity: ReadModel;
  tail: ActivityTail;
  sessions: Cache;
  pubsub: PubSub;
  now(): Date;
}

const perPlatform = new WeakMap<Platform, Promise<FollowingContext>>();

export function followingContext(platform: Platform): Promise<FollowingContext> {
  let ctx = perPlatform.get(platform);
  if (!ctx) perPlatform.set(platform, (ctx = create(platform)));
  return ctx;
}

async function create(platform: Platform): Promise<FollowingContext> {
  const settings = loadFollowingSettings();
  const video = await videoContext(platform);
  const social = socialReadModels(platform);
  const fast = platform.engines.stores.fast.store;
  await fast.ensure(rankedSessionsCache);
  const pubsub = fast.pubsub;
  const activity = platform.project(
    "tables",
    followingActivityProjection({
      clock: platform.clock,
      retainMs: MAX_RESUME_WINDOW_MS,
      // A nudge, not awaited: on PGlite the batch's transaction holds the one connection
      // (as in the notification inbox); the tails re-read the log, so a lost one costs a poll.
      onLogged: (updateId) => void pubsub.publish(ACTIVITY_CHANNEL, updateId).catch(() => undefined),
    }),
  );
  return {
    platform,
    video,
    settings,
    pageModels: [video.models.catalog, social.graph, social.blocks, identityReadModels(platform).profiles],
    activity,
    tail: new ActivityTail({ model: activity, pubsub, channel: ACTIVITY_CHANNEL, pollMs: settings.pollMs, clock: platform.clock }),
    sessions: fast.cache(rankedSessionsCache),
    pubsub,
    now: platform.clock,
  };
}
