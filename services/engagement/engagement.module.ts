// The engagement module: EngagementService and CommentService, engagement's read models,
// and the hooks other contexts read (identity's likes received; the video context's
// stats and viewer state come from queries/stats.query.ts).
import { CommentService } from "@flick/contracts/flick/engagement/v1/comment_service_pb";
import { EngagementService } from "@flick/contracts/flick/engagement/v1/engagement_service_pb";
import { register } from "@flick/server";
import { identityHooks } from "../identity/identity.hooks.js";
import type { FeatureFactory, FeatureModule } from "../platform/module.js";
import { commentService } from "./comment.service.js";
import { engagementContext, type EngagementContext } from "./engagement.context.js";
import { engagementService } from "./engagement.service.js";
import { videoHooks } from "../video/video.hooks.js";
import { engagementStats, likesReceived, likedOrSaved } from "./queries/stats.query.js";
import { catalogRenderer } from "./upstream/video-renderer.js";

export interface EngagementModule extends FeatureModule {
  context: EngagementContext;
}

export const createEngagementModule: FeatureFactory = async (platform): Promise<EngagementModule> => {
  const ctx = engagementContext(platform);
  ctx.renderVideos = await catalogRenderer(platform);
  const hooks = identityHooks(platform);
  const videoCount = hooks.profileStats?.videoCount;
  hooks.profileStats = {
    likesReceived: (userIds) => likesReceived(ctx, userIds),
    // The video context counts videos; until it registers, 0 ("not counted").
    videoCount: videoCount ?? (async (userIds) => userIds.map(() => 0)),
  };
  const video = videoHooks(platform);
  video.stats = async (videoIds) => {
    const stats = await engagementStats(ctx, videoIds);
    return videoIds.map((id) => stats.get(id)!);
  };
  video.viewerState = (viewerId, videoIds) => likedOrSaved(ctx, viewerId, videoIds);
  return {
    name: "engagement",
    services: [register(EngagementService, engagementService(ctx)), register(CommentService, commentService(ctx))],
    context: ctx,
  };
};
