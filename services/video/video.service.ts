// VideoService: thin handlers, proto in, command or query out.
import type { ServiceImpl } from "@connectrpc/connect";
import { VideoService } from "@flick/contracts/flick/video/v1/video_service_pb";
import { NotFoundError } from "@flick/kernel";
import { signedIn, viewerOf } from "../identity/caller.js";
import { importVideos } from "./commands/import-videos.command.js";
import { deleteVideo, updateVideo } from "./commands/video.command.js";
import { getVideo, getVideos, listUserVideos, listVideoRemixes } from "./queries/videos.query.js";
import { mediaUrls } from "./queries/video-view.js";
import type { VideoContext } from "./video.context.js";

export function videoService(ctx: VideoContext): ServiceImpl<typeof VideoService> {
  return {
    async getVideo(req, c) {
      return { video: await getVideo(ctx, viewerOf(c), req.videoId, mediaUrls(ctx, c)) };
    },
    async getVideos(req, c) {
      return { videos: await getVideos(ctx, viewerOf(c), req.videoIds, mediaUrls(ctx, c)) };
    },
    async updateVideo(req, c) {
      const caller = signedIn(c);
      const checkpoint = await updateVideo(ctx, caller, req);
      if (checkpoint) await ctx.models.catalog.waitFor(checkpoint, 3_000);
      const video = await getVideo(ctx, caller.userId, req.videoId, mediaUrls(ctx, c)).catch((e: unknown) => {
        // Deleted between the edit and the read.
        if (e instanceof NotFoundError) return undefined;
        throw e;
      });
      return { video };
    },
    async deleteVideo(req, c) {
      await deleteVideo(ctx, signedIn(c), req.requestId, req.videoId);
      return {};
    },
    async listUserVideos(req, c) {
      return listUserVideos(ctx, viewerOf(c), { userId: req.userId, order: req.order, limit: req.limit, cursor: req.cursor }, mediaUrls(ctx, c));
    },
    async listVideoRemixes(req, c) {
      return listVideoRemixes(ctx, viewerOf(c), { videoId: req.videoId, kind: req.kind, limit: req.limit, cursor: req.cursor }, mediaUrls(ctx, c));
    },
    async importVideos(req, c) {
      const results = await importVideos(ctx, signedIn(c), req);
      const failed = results.filter((r) => r.errorCode).length;
      return { results, importedCount: results.length - failed, failedCount: failed };
    },
  };
}
