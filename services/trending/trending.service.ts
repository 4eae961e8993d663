// TrendingService: thin handlers, proto in, query out.
import type { ServiceImpl } from "@connectrpc/connect";
import { TrendingService } from "@flick/contracts/flick/trending/v1/trending_service_pb";
import { viewerOf } from "../identity/caller.js";
import { mediaUrls } from "../video/queries/video-view.js";
import type { TrendingContext } from "./trending.context.js";
import { listTrendingHashtags, listTrendingSounds, listTrendingVideos } from "./trending.query.js";

export function trendingService(t: TrendingContext): ServiceImpl<typeof TrendingService> {
  return {
    async listTrendingVideos(req, c) {
      return listTrendingVideos(t, viewerOf(c), req, mediaUrls(t.video, c));
    },
    async listTrendingHashtags(req) {
      return listTrendingHashtags(t, req);
    },
    async listTrendingSounds(req, c) {
      return listTrendingSounds(t, viewerOf(c), req, mediaUrls(t.video, c));
    },
  };
}
