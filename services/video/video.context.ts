// Everything the video, sound, hashtag and media modules use, built once per platform
// (whichever of those modules a process runs): settings, the blob store, the read
// models, the caches for job leases and live progress.
import { mkdirSync } from "node:fs";
import type { EventStore } from "@flick/event-store";
import { createLocalBlobStore, createS3BlobStore, type BlobStore } from "@flick/media";
import { defineCache, type Cache, type CacheSpec } from "@flick/read-store";
import { readYourWrites, type ReadYourWrites } from "../identity/read-your-writes.js";
import type { Platform } from "../platform/platform.js";
import { createUploadQuota, uploadQuotaSets, type UploadQuota } from "./commands/upload-quota.js";
import { videoReadModels, type VideoReadModels } from "./video.read-models.js";
import { loadVideoSettings, type VideoSettings } from "./video.settings.js";

/** videoId → {worker, attempt, at}: a running job's heartbeat. */
export const jobLeasesCache: CacheSpec = defineCache("media_job_leases", { ttlSeconds: 300 });
/** uploadId → {stage, percent, at}: progress finer than the log records, for WatchUploadStatus. */
export const liveProgressCache: CacheSpec = defineCache("media_live_progress", { ttlSeconds: 600 });

export interface VideoContext {
  platform: Platform;
  events: EventStore;
  settings: VideoSettings;
  blobs: BlobStore;
  models: VideoReadModels;
  ryw: ReadYourWrites;
  leases: Cache;
  progress: Cache;
  uploadQuota: UploadQuota;
  now(): Date;
}

const contexts = new WeakMap<Platform, Promise<VideoContext>>();

export function videoContext(platform: Platform): Promise<VideoContext> {
  let ctx = contexts.get(platform);
  if (!ctx) contexts.set(platform, (ctx = create(platform)));
  return ctx;
}

async function create(platform: Platform): Promise<VideoContext> {
  const settings = loadVideoSettings(platform.config);
  const { media } = settings;
  let blobs: BlobStore;
  if (media.blobs.kind === "s3") {
    blobs = createS3BlobStore({ s3: media.blobs.s3, publicBaseUrl: settings.mediaBaseUrl ?? media.publicBaseUrl });
  } else {
    mkdirSync(media.blobs.root, { recursive: true });
    blobs = createLocalBlobStore({ root: media.blobs.root, publicBaseUrl: settings.mediaBaseUrl ?? media.publicBaseUrl });
  }
  const fast = platform.engines.stores.fast.store;
  await fast.ensure(jobLeasesCache, liveProgressCache, ...uploadQuotaSets);
  const ctx: VideoContext = {
    platform,
    events: platform.events,
    settings,
    blobs,
    models: videoReadModels(platform, settings.worker.backoff),
    ryw: readYourWrites(platform),
    leases: fast.cache(jobLeasesCache),
    progress: fast.cache(liveProgressCache),
    uploadQuota: undefined as unknown as UploadQuota,
    now: platform.clock,
  };
  ctx.uploadQuota = createUploadQuota(ctx, fast);
  return ctx;
}
