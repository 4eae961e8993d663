// UploadService: thin handlers, proto in, command or query out.
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { UploadProtocol, UploadService } from "@flick/contracts/flick/video/v1/upload_service_pb";
import { VideoStatus } from "@flick/contracts/flick/video/v1/video_pb";
import { shutdownKey } from "@flick/server";
import { signedIn } from "../identity/caller.js";
import { completeUpload, initUpload } from "./commands/upload.command.js";
import { getUploadStatus, watchUploadStatus } from "./queries/upload-status.query.js";
import { mediaUrls, ownUrl } from "./queries/video-view.js";
import type { UploadEndpoint } from "./upload-endpoint.js";
import type { VideoContext } from "./video.context.js";

/** A watch ends after this long (clients reconnect), so no stream lives for ever. */
const WATCH_LIMIT_MS = 15 * 60_000;

export function uploadService(ctx: VideoContext, endpoint: UploadEndpoint): ServiceImpl<typeof UploadService> {
  return {
    async initUpload(req, c) {
      const caller = signedIn(c);
      const r = await initUpload(ctx, endpoint, caller, req);
      return {
        uploadId: r.uploadId,
        uploadUrl: ownUrl(ctx, c, `${ctx.settings.uploadPath}/${r.uploadId}`),
        protocol: UploadProtocol.TUS,
        uploadHeaders: { "Tus-Resumable": "1.0.0" },
        maxChunkBytes: BigInt(ctx.settings.maxChunkBytes),
        expiresAt: timestampFromDate(r.expiresAt),
      };
    },
    async completeUpload(req, c) {
      const r = await completeUpload(ctx, endpoint, signedIn(c), req);
      return {
        videoId: r.videoId,
        status: r.ready ? VideoStatus.READY : VideoStatus.PROCESSING,
        estimatedCompletion: r.estimatedCompletion ? timestampFromDate(r.estimatedCompletion) : undefined,
      };
    },
    async getUploadStatus(req, c) {
      return { status: await getUploadStatus(ctx, endpoint, signedIn(c).userId, req.uploadId, mediaUrls(ctx, c)) };
    },
    async *watchUploadStatus(req, c) {
      const limit = AbortSignal.timeout(WATCH_LIMIT_MS);
      const signal = AbortSignal.any([c.signal, c.values.get(shutdownKey), limit]);
      for await (const status of watchUploadStatus(ctx, endpoint, signedIn(c).userId, req.uploadId, mediaUrls(ctx, c), signal)) {
        yield { status };
      }
      if (limit.aborted) throw new ConnectError("stream time limit reached: reconnect to keep watching", Code.DeadlineExceeded);
    },
  };
}
