// The feed module: FeedService — For You (for-you/: the recommendation funnel) and the
// Following / Friends feeds with their live stream (following/).
import { FeedService } from "@flick/contracts/flick/feed/v1/feed_service_pb";
import { register } from "@flick/server";
import type { FeatureFactory, FeatureModule } from "../platform/module.js";
import { followingFeedHandlers } from "./following/following.handlers.js";
import { forYouHandlers } from "./for-you/for-you.handlers.js";

export const createFeedModule: FeatureFactory = async (platform): Promise<FeatureModule> => {
  const following = await followingFeedHandlers(platform);
  const forYou = await forYouHandlers(platform);
  const impl = { ...following.handlers, ...forYou.handlers };
  return {
    name: "feed",
    services: [register(FeedService, impl)],
    async start() {
      await following.start?.();
      await forYou.start?.();
    },
    async stop() {
      await forYou.stop?.();
      await following.stop?.();
    },
  };
};
