// The video module: UploadService and VideoService, the resumable upload endpoint
// (/uploads/, tus) and the playback files (/media/) on the same port, the sweeper of
// abandoned uploads, the profile counts it owes the identity module, and the demo
// catalogue on a fresh embedded data dir.
import type { IncomingMessage, ServerResponse } from "node:http";
import { UploadService } from "@flick/contracts/flick/video/v1/upload_service_pb";
import { VideoService } from "@flick/contracts/flick/video/v1/video_service_pb";
import { createPlaybackHandler } from "@flick/media";
import { register } from "@flick/server";
import { identityHooks } from "../identity/identity.hooks.js";
import { identityReadModels } from "../identity/identity.read-models.js";
import type { FeatureFactory, FeatureModule } from "../platform/module.js";
import { socialReadModels } from "../social/social.read-models.js";
import { deleteVideosOfDeletedAccounts } from "./commands/account-deletions.reactor.js";
import { expireUploads } from "./commands/expire-uploads.command.js";
import { every } from "./background.js";
import { seedDemoCatalogue } from "./demo/seed-demo.js";
import { profileVideoCounts, isReadyVideoOf } from "./queries/profile-videos.query.js";
import { createUploadEndpoint, type UploadEndpoint } from "./upload-endpoint.js";
import { uploadService } from "./upload.service.js";
import { videoContext, type VideoContext } from "./video.context.js";
import { videoService } from "./video.service.js";

export interface VideoModule extends FeatureModule {
  context: VideoContext;
  uploads: UploadEndpoint;
}

export const createVideoModule: FeatureFactory = async (platform): Promise<VideoModule> => {
  const ctx = await videoContext(platform);
  // The read models its queries use (registered here so they run in this process).
  void ctx.models.catalog;
  void ctx.models.uploads;
  void ctx.models.sounds;
  void ctx.models.accountDeletions;
  identityReadModels(platform);
  socialReadModels(platform);

  const hooks = identityHooks(platform);
  const likesReceived = hooks.profileStats?.likesReceived ?? (async (ids: readonly string[]) => ids.map(() => 0));
  hooks.profileStats = { likesReceived, videoCount: (ids, viewerId) => profileVideoCounts(ctx, ids, viewerId) };
  hooks.readyVideo = (userId, videoId) => isReadyVideoOf(ctx, userId, videoId);

  const endpoint = createUploadEndpoint(ctx);
  const playback = createPlaybackHandler({ store: ctx.blobs, mountPath: ctx.settings.playbackPath });
  const background: { stop(): Promise<void> }[] = [];
  return {
    name: "video",
    context: ctx,
    uploads: endpoint,
    services: [register(UploadService, uploadService(ctx, endpoint)), register(VideoService, videoService(ctx))],
    httpRoutes: [
      // Plain HTTP/1.1 or h2c requests; both handlers use only what the two have in common.
      { prefix: `${ctx.settings.uploadPath}/`, handler: (req, res) => endpoint.handler.handle(req as IncomingMessage, res as ServerResponse) },
      { prefix: `${ctx.settings.playbackPath}/`, handler: (req, res) => playback(req as IncomingMessage, res as ServerResponse) },
    ],
    async start() {
      background.push(
        every("upload sweeper", ctx.settings.sweepIntervalMs, () => expireUploads(ctx)),
        every("videos of deleted accounts", 2_000, () => deleteVideosOfDeletedAccounts(ctx)),
      );
      if (ctx.settings.demo) {
        // In the background: the server answers at once, the catalogue fills in.
        void seedDemoCatalogue(ctx).catch((e: unknown) => console.error("demo catalogue:", e));
      }
    },
    async stop() {
      for (const b of background) await b.stop();
    },
  };
};
