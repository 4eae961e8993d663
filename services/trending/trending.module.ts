// The trending module: TrendingService over the computed rankings, the activity read
// model they are computed from, and the refresher that recomputes them.
import { TrendingService } from "@flick/contracts/flick/trending/v1/trending_service_pb";
import { register } from "@flick/server";
import { identityReadModels } from "../identity/identity.read-models.js";
import type { FeatureFactory, FeatureModule } from "../platform/module.js";
import { socialReadModels } from "../social/social.read-models.js";
import { trendingContext, type TrendingContext } from "./trending.context.js";
import { trendingService } from "./trending.service.js";

export interface TrendingModule extends FeatureModule {
  context: TrendingContext;
}

export const createTrendingModule: FeatureFactory = async (platform): Promise<TrendingModule> => {
  const ctx = await trendingContext(platform);
  void ctx.video.models.catalog; // the scorer lists videos by their catalogue rows
  void ctx.video.models.hashtags; // hashtags are rendered with their counts
  void ctx.video.models.sounds; // and sounds from their rows
  void ctx.video.models.savedSounds; // with the viewer's favourites
  identityReadModels(platform); // creators
  socialReadModels(platform); // who may see whom
  return {
    name: "trending",
    services: [register(TrendingService, trendingService(ctx))],
    context: ctx,
    async start() {
      ctx.refresher.start();
    },
    async stop() {
      await ctx.refresher.stop();
    },
  };
};
