// EngagementService: thin handlers, proto in, command or query out.
import type { ServiceImpl } from "@connectrpc/connect";
import { EngagementService } from "@flick/contracts/flick/engagement/v1/engagement_service_pb";
import { callerKey } from "@flick/server";
import { signedIn } from "../identity/caller.js";
import { likeVideo, recordView, saveVideo, shareVideo } from "./commands/video-engagement.command.js";
import type { EngagementContext } from "./engagement.context.js";
import { listLikedVideos, listSavedVideos } from "./queries/liked-saved.query.js";

export function engagementService(ctx: EngagementContext): ServiceImpl<typeof EngagementService> {
  return {
    async likeVideo(req, call) {
      const r = await likeVideo(ctx, signedIn(call).userId, req.videoId, req.requestId, true);
      return { likeCount: BigInt(r.count), liked: true, consistencyToken: r.checkpoint ?? "" };
    },
    async unlikeVideo(req, call) {
      const r = await likeVideo(ctx, signedIn(call).userId, req.videoId, req.requestId, false);
      return { likeCount: BigInt(r.count), liked: false, consistencyToken: r.checkpoint ?? "" };
    },
    async saveVideo(req, call) {
      const r = await saveVideo(ctx, signedIn(call).userId, req.videoId, req.requestId, true);
      return { saveCount: BigInt(r.count), saved: true, consistencyToken: r.checkpoint ?? "" };
    },
    async unsaveVideo(req, call) {
      const r = await saveVideo(ctx, signedIn(call).userId, req.videoId, req.requestId, false);
      return { saveCount: BigInt(r.count), saved: false, consistencyToken: r.checkpoint ?? "" };
    },
    async shareVideo(req, call) {
      const r = await shareVideo(ctx, signedIn(call).userId, req.requestId, {
        videoId: req.videoId,
        kind: req.kind,
        recipientUserId: req.recipientUserId,
        platform: req.platform,
        platformName: req.platformName,
      });
      return { shareCount: BigInt(r.count), shareUrl: r.shareUrl, consistencyToken: r.checkpoint ?? "" };
    },
    async recordView(req, call) {
      const r = await recordView(ctx, call.values.get(callerKey)?.userId, req.requestId, {
        videoId: req.videoId,
        watchTimeMs: req.watchTimeMs,
        completionRatio: req.completionRatio,
        source: req.source,
        impressionId: req.impressionId,
        anonymousSessionId: req.anonymousSessionId,
      });
      return { consistencyToken: r.checkpoint ?? "" };
    },
    async listLikedVideos(req, call) {
      return listLikedVideos(ctx, call.values.get(callerKey)?.userId, req.userId, {
        limit: req.limit,
        cursor: req.cursor,
        consistencyToken: req.consistencyToken,
        request: call,
      });
    },
    async listSavedVideos(req, call) {
      return listSavedVideos(ctx, signedIn(call).userId, { limit: req.limit, cursor: req.cursor, consistencyToken: req.consistencyToken, request: call });
    },
  };
}
