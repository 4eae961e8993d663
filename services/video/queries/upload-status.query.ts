// An upload's status for its owner: the upload-status read model, with what is finer
// than the log records — bytes received so far (the upload endpoint) and the worker's
// live percent (the progress cache) — merged in. WatchUploadStatus polls it: a point read
// per half second per watcher, only while one of the caller's uploads is in flight.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { ProcessingFailure, ProcessingStage, UploadStatusSchema, type UploadStatus } from "@flick/contracts/flick/video/v1/video_pb";
import { NotFoundError } from "@flick/kernel";
import { uploadsTable, UPLOAD_SHARE } from "../projections/upload-status.projection.js";
import type { PlaybackJson } from "../projections/video-catalog.projection.js";
import type { UploadEndpoint } from "../upload-endpoint.js";
import type { VideoContext } from "../video.context.js";
import { toPlayback, type UrlOf } from "./video-view.js";

export interface LiveProgress {
  stage: number;
  percent: number;
  at: number;
}

const FINAL = new Set([ProcessingStage.READY, ProcessingStage.FAILED, ProcessingStage.EXPIRED]);
export const isFinal = (s: UploadStatus) => FINAL.has(s.stage);

export async function getUploadStatus(ctx: VideoContext, endpoint: UploadEndpoint | undefined, userId: string, uploadId: string, urlOf: UrlOf): Promise<UploadStatus> {
  await ctx.ryw.settle(userId, [ctx.models.uploads]);
  const store = await ctx.models.uploads.store();
  const row = await store.table(uploadsTable).get({ upload_id: uploadId });
  if (!row || row.user_id !== userId) throw new NotFoundError("upload", uploadId);

  let stage = (row.stage ?? ProcessingStage.UPLOADING) as ProcessingStage;
  let percent = row.percent ?? 0;
  let bytes = row.bytes_received ?? 0n;
  const size = row.size_bytes ?? 0n;
  let updatedAt = row.updated_at ?? undefined;
  if (stage === ProcessingStage.UPLOADING && bytes < size && endpoint) {
    const offset = await endpoint.offset(uploadId);
    if (offset !== undefined) {
      bytes = BigInt(offset);
      percent = size > 0n ? Math.floor((UPLOAD_SHARE * offset) / Number(size)) : 0;
    }
  }
  if (!FINAL.has(stage) && stage !== ProcessingStage.UPLOADING) {
    const live = await ctx.progress.get(uploadId);
    if (live) {
      const p = JSON.parse(live) as LiveProgress;
      if (p.percent > percent && p.stage >= stage) {
        stage = p.stage as ProcessingStage;
        percent = p.percent;
        updatedAt = new Date(p.at);
      }
    }
  }
  const playable = row.playable ?? false;
  return create(UploadStatusSchema, {
    uploadId,
    videoId: row.video_id ?? "",
    stage,
    percent,
    bytesReceived: bytes,
    playable,
    playback: playable ? toPlayback(row.playback as PlaybackJson | null, urlOf) : undefined,
    failure: (row.failure ?? 0) as ProcessingFailure,
    failureMessage: row.failure_message ?? "",
    estimatedCompletion: row.estimated_completion ? timestampFromDate(row.estimated_completion) : undefined,
    expiresAt: row.expires_at ? timestampFromDate(row.expires_at) : undefined,
    updatedAt: updatedAt ? timestampFromDate(updatedAt) : undefined,
  });
}

/** Yields the status now, then at every change, until a final stage or `signal` aborts. */
export async function* watchUploadStatus(
  ctx: VideoContext,
  endpoint: UploadEndpoint | undefined,
  userId: string,
  uploadId: string,
  urlOf: UrlOf,
  signal: AbortSignal,
  pollMs = 500,
): AsyncGenerator<UploadStatus> {
  let last = "";
  while (!signal.aborted) {
    const status = await getUploadStatus(ctx, endpoint, userId, uploadId, urlOf);
    const key = JSON.stringify([status.stage, status.percent, status.bytesReceived.toString(), status.playable, status.failure, status.videoId]);
    if (key !== last) {
      last = key;
      yield status;
    }
    if (isFinal(status)) return;
    await sleep(pollMs, signal);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
