// HashtagService: thin handlers, proto in, query out.
import type { ServiceImpl } from "@connectrpc/connect";
import { HashtagService } from "@flick/contracts/flick/challenge/v1/hashtag_service_pb";
import { viewerOf } from "../identity/caller.js";
import { mediaUrls } from "../video/queries/video-view.js";
import type { VideoContext } from "../video/video.context.js";
import { getHashtag, listHashtagVideos } from "./queries/hashtags.query.js";

export function hashtagService(ctx: VideoContext): ServiceImpl<typeof HashtagService> {
  return {
    async getHashtag(req) {
      return { hashtag: await getHashtag(ctx, req.name) };
    },
    async listHashtagVideos(req, c) {
      return listHashtagVideos(ctx, viewerOf(c), { name: req.name, limit: req.limit, cursor: req.cursor }, mediaUrls(ctx, c));
    },
  };
}
