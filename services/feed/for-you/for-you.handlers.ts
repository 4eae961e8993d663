// GetForYouFeed: a thin handler over for-you.query.ts, and the live model's lifecycle.
import { mediaUrls } from "../../video/queries/video-view.js";
import { videoContext } from "../../video/video.context.js";
import { viewerOf } from "../../identity/caller.js";
import type { Platform } from "../../platform/platform.js";
import type { FeedPart } from "../feed-part.js";
import { cachedTrending, getForYouFeed } from "./for-you.query.js";
import { LiveModel } from "./live-model.js";
import { feedSessionsCache } from "./sessions.js";
import { openFeedVectorIndex } from "./vector-index.js";

export async function forYouHandlers(platform: Platform): Promise<FeedPart & { live: LiveModel }> {
  const video = await videoContext(platform);
  void video.models.catalog;
  const index = openFeedVectorIndex(platform.config);
  const live = new LiveModel(platform, index);
  const fast = platform.engines.stores.fast.store;
  await fast.ensure(feedSessionsCache);
  const deps = { video, live, sessions: fast.cache(feedSessionsCache), trending: cachedTrending(video) };
  return {
    live,
    handlers: {
      async getForYouFeed(req, c) {
        return getForYouFeed(deps, viewerOf(c), req, mediaUrls(video, c));
      },
    },
    start: () => live.start(),
    async stop() {
      await live.stop();
      await index.close();
    },
  };
}
