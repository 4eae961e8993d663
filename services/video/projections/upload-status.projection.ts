// Upload status (tables role): one row per upload with the stage, progress and outcome
// of the video made from it (GetUploadStatus, WatchUploadStatus), and the uploads not yet
// completed ordered by expiry (the sweeper's work list). Idempotent: upserts of
// recomputed values and set-semantics sorted-set writes.
import type { Projection } from "@flick/projection-runner";
import { defineSet, defineSortedSet, defineTable, type ReadStore, type RowOf } from "@flick/read-store";
import { VideoProcessingStage } from "@flick/contracts/flick/events/v1/video_pb";
import { mediaCodec, toDate } from "../events.js";
import { playbackJson } from "./video-catalog.projection.js";

export const uploadsTable = defineTable({
  name: "uploads",
  partitionKey: [{ name: "upload_id", type: "text" }],
  columns: [
    { name: "user_id", type: "text" },
    { name: "kind", type: "int" },
    { name: "storage_key", type: "text" },
    { name: "size_bytes", type: "bigint" },
    { name: "bytes_received", type: "bigint" },
    { name: "stage", type: "int" },
    { name: "percent", type: "int" },
    { name: "playable", type: "boolean" },
    { name: "playback", type: "json" },
    { name: "failure", type: "int" },
    { name: "failure_message", type: "text" },
    { name: "video_id", type: "text" },
    { name: "expires_at", type: "timestamp" },
    { name: "estimated_completion", type: "timestamp" },
    { name: "updated_at", type: "timestamp" },
  ],
});

/** Which upload a video came from (video events do not repeat it). */
export const videoUploadsTable = defineTable({
  name: "video_uploads",
  partitionKey: [{ name: "video_id", type: "text" }],
  columns: [{ name: "upload_id", type: "text" }],
});

/** Uploads waiting for their bytes or their completion; score -expires_at (ms), so the top expires first. */
export const pendingUploads = defineSortedSet("pending_uploads");
export const PENDING_KEY = "pending";

/** Per user, the uploads started and neither completed nor expired (the pending-uploads quota). */
export const userPendingUploads = defineSet("user_pending_uploads");

export type UploadRow = RowOf<typeof uploadsTable>;

/** Share of the overall percent that the byte transfer stands for; processing is the rest. */
export const UPLOAD_SHARE = 30;

export function uploadStatusProjection(): Projection<ReadStore> {
  return {
    name: "upload-status",
    // 2: per-user pending uploads.
    version: 2,
    filter: { categories: ["upload", "video"] },
    setup: (store) => store.ensure(uploadsTable, videoUploadsTable, pendingUploads, userPendingUploads),
    async handle(events, store) {
      const uploads = store.table(uploadsTable);
      const byVideo = store.table(videoUploadsTable);
      const pending = store.sortedSets(pendingUploads);
      const userPending = store.sets(userPendingUploads);
      const uploadOf = async (videoId: string) => (await byVideo.get({ video_id: videoId }))?.upload_id ?? undefined;

      for (const recorded of events) {
        const e = mediaCodec.decode(recorded);
        if (!e) continue;
        const at = toDate(e.occurredAt);
        switch (e.$typeName) {
          case "flick.events.v1.UploadInitiated":
            await uploads.upsert({
              upload_id: e.uploadId,
              user_id: e.userId,
              kind: e.kind,
              storage_key: e.storageKey,
              size_bytes: e.sizeBytes,
              bytes_received: 0n,
              stage: VideoProcessingStage.UPLOADING,
              percent: 0,
              playable: false,
              playback: null,
              failure: 0,
              failure_message: "",
              video_id: "",
              expires_at: toDate(e.expiresAt),
              updated_at: at,
            });
            await pending.add(PENDING_KEY, { member: e.uploadId, score: -toDate(e.expiresAt).getTime() });
            await userPending.add(e.userId, e.uploadId, { at });
            break;
          case "flick.events.v1.UploadReceived":
            await uploads.upsert({ upload_id: e.uploadId, bytes_received: e.sizeBytes, percent: UPLOAD_SHARE, updated_at: at });
            break;
          case "flick.events.v1.UploadCompleted":
            // Seen twice (the upload's stream, then the video's): both say the same.
            await byVideo.upsert({ video_id: e.videoId, upload_id: e.uploadId });
            if (recorded.streamName.startsWith("upload-")) {
              await uploads.upsert({
                upload_id: e.uploadId,
                video_id: e.videoId,
                stage: VideoProcessingStage.QUEUED,
                percent: UPLOAD_SHARE,
                estimated_completion: e.estimatedCompletion ? toDate(e.estimatedCompletion) : null,
                updated_at: at,
              });
              await pending.remove(PENDING_KEY, e.uploadId);
              await userPending.remove(e.userId, e.uploadId);
            }
            break;
          case "flick.events.v1.UploadExpired":
            await uploads.upsert({ upload_id: e.uploadId, stage: VideoProcessingStage.EXPIRED, updated_at: at });
            await pending.remove(PENDING_KEY, e.uploadId);
            await userPending.remove(e.userId, e.uploadId);
            break;
          case "flick.events.v1.VideoProcessingStarted": {
            const id = await uploadOf(e.videoId);
            if (id) await uploads.upsert({ upload_id: id, stage: VideoProcessingStage.VALIDATING, updated_at: at });
            break;
          }
          case "flick.events.v1.VideoProcessingProgressed": {
            const id = await uploadOf(e.videoId);
            if (!id) break;
            await uploads.upsert({
              upload_id: id,
              stage: e.stage,
              percent: e.percent,
              ...(e.playable && e.playback ? { playable: true, playback: playbackJson(e.playback) } : {}),
              updated_at: at,
            });
            break;
          }
          case "flick.events.v1.VideoProcessingFailed": {
            const id = await uploadOf(e.videoId);
            if (!id) break;
            await uploads.upsert(
              e.willRetry
                ? { upload_id: id, stage: VideoProcessingStage.QUEUED, updated_at: at }
                : { upload_id: id, stage: VideoProcessingStage.FAILED, failure: e.reason, failure_message: e.message, estimated_completion: null, updated_at: at },
            );
            break;
          }
          case "flick.events.v1.VideoPublished":
            if (!e.uploadId) break; // imported
            await uploads.upsert({
              upload_id: e.uploadId,
              stage: VideoProcessingStage.READY,
              percent: 100,
              playable: true,
              playback: playbackJson(e.playback),
              estimated_completion: null,
              updated_at: at,
            });
            break;
        }
      }
    },
  };
}
