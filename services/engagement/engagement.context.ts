// What engagement's commands and queries use, built once per process: the event store,
// the read models, and the ports to other contexts (videos, people, visibility).
import type { EventStore } from "@flick/event-store";
import type { Video } from "@flick/contracts/flick/video/v1/video_pb";
import type { Platform } from "../platform/platform.js";
import { readYourWrites, type ReadYourWrites } from "../identity/read-your-writes.js";
import { engagementReadModels, type EngagementReadModels } from "./engagement.read-models.js";
import { TtlCache } from "./ttl-cache.js";
import { socialAudience, type Audience } from "./upstream/audience.js";
import { peopleFromIdentity, type People } from "./upstream/people.js";
import { videoFactsFromStreams, type VideoFacts, type VideoFactsSource } from "./upstream/video-facts.js";

/** What a handler knows of its request: media URLs are built as the client reached us. */
export interface RequestInfo {
  requestHeader: Headers;
  url: string;
}

/**
 * Renders full Video messages for liked and saved lists. The video context owns the
 * message (playback URLs, sound, hashtags); engagement.module.ts plugs its rendering in,
 * and where none is set (a context under test alone) a minimal one (engagement's own
 * facts, stats and viewer state) serves.
 */
export type VideoRenderer = (viewerId: string | undefined, videos: readonly VideoFacts[], request: RequestInfo | undefined) => Promise<Map<string, Video>>;

export interface EngagementContext {
  platform: Platform;
  events: EventStore;
  models: EngagementReadModels;
  /** Facts as a command must see them: straight from the video streams. */
  videos: VideoFactsSource;
  /** The same, cached for about a second: for views, the hottest path. */
  hotVideos: VideoFactsSource;
  people: People;
  audience: Audience;
  ryw: ReadYourWrites;
  publicUrl: string;
  renderVideos: VideoRenderer | undefined;
  now(): Date;
}

const perPlatform = new WeakMap<Platform, EngagementContext>();

export function engagementContext(platform: Platform): EngagementContext {
  let ctx = perPlatform.get(platform);
  if (ctx) return ctx;
  const videos = videoFactsFromStreams(platform.events);
  const cache = new TtlCache<VideoFacts>(1_000);
  const people = peopleFromIdentity(platform);
  const config = platform.config;
  ctx = {
    platform,
    events: platform.events,
    models: engagementReadModels(platform),
    videos,
    hotVideos: { get: (ids) => cache.getMany(ids, (missing) => videos.get(missing)) },
    people,
    audience: socialAudience(platform, people),
    ryw: readYourWrites(platform),
    publicUrl: (config.FLICK_PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`).replace(/\/$/, ""),
    renderVideos: undefined,
    now: platform.clock,
  };
  perPlatform.set(platform, ctx);
  return ctx;
}
