// Settings of the video, sound and media modules, read once per platform: the media
// layer's own configuration (@flick/media: limits, blob store, presets) with the data dir
// of the platform's config, and the media workers' knobs. Everything has a default, so
// zero configuration works; the FLICK_MEDIA_* variables override.
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { UploadQuotaSettings } from "./commands/upload-quota.js";
import { loadMediaConfig, type MediaConfig } from "@flick/media";
import type { Config } from "@flick/server";
import type { UploadLimits } from "./commands/upload.decider.js";
import type { Backoff } from "./projections/media-jobs.projection.js";

export interface WorkerSettings {
  /** Jobs one worker process runs at once (ffmpeg uses every core already). */
  concurrency: number;
  /** A running job's lease: taken over when its worker is silent this long. */
  leaseMs: number;
  /** How often a running job renews its lease. */
  heartbeatMs: number;
  /** How often an idle worker looks at the queue. */
  pollMs: number;
  /** Attempts (a crash counts) before a job fails for good. */
  maxAttempts: number;
  backoff: Backoff;
}

export interface VideoSettings {
  media: MediaConfig;
  limits: UploadLimits;
  /** How long an upload may take to be sent and completed. */
  uploadTtlMs: number;
  /** Uploads a user may start per minute and per hour, and have pending at once (0: no limit). */
  uploadQuota: UploadQuotaSettings;
  /** Largest tus PATCH the client should send. */
  maxChunkBytes: number;
  /** How often the sweeper looks for abandoned uploads. */
  sweepIntervalMs: number;
  /** Public base URL of blobs (a CDN); unset: this server's /media route, per request host. */
  mediaBaseUrl: string | undefined;
  /** Route of the tus endpoint and of the playback files. */
  uploadPath: string;
  playbackPath: string;
  worker: WorkerSettings;
  /** Seed the demo catalogue on an empty embedded data dir (FLICK_DEMO=0 turns it off). */
  demo: boolean;
}

export function loadVideoSettings(config: Config, env: NodeJS.ProcessEnv = process.env): VideoSettings {
  const n = (name: string, dflt: number) => {
    const v = env[name];
    if (v === undefined || v === "") return dflt;
    const x = Number(v);
    if (!Number.isFinite(x) || x < 0) throw new Error(`${name} must be a non-negative number, got "${v}"`);
    return x;
  };
  // An in-memory platform (tests) shares one scratch blob directory per machine, so a
  // worker in another process of the same test run finds the same files.
  const dataDir = config.FLICK_DATA_DIR === "memory://" ? join(tmpdir(), "flick-test-data") : config.FLICK_DATA_DIR;
  const media = loadMediaConfig({ ...env, FLICK_DATA_DIR: dataDir });
  const l = media.limits;
  return {
    media,
    limits: {
      minDurationMs: l.minDurationSec * 1000,
      maxDurationMs: l.maxDurationSec * 1000,
      maxAudioDurationMs: 600_000,
      maxBytes: l.maxBytes,
      minShortSide: l.minShortSide,
      maxLongSide: l.maxLongSide,
    },
    uploadTtlMs: media.uploads.ttlMs,
    uploadQuota: {
      perMinute: n("FLICK_MEDIA_UPLOADS_PER_MINUTE", 10),
      perHour: n("FLICK_MEDIA_UPLOADS_PER_HOUR", 60),
      maxPending: n("FLICK_MEDIA_MAX_PENDING_UPLOADS", 5),
    },
    maxChunkBytes: n("FLICK_MEDIA_UPLOAD_CHUNK_BYTES", 8 * 1024 * 1024),
    sweepIntervalMs: n("FLICK_MEDIA_SWEEP_INTERVAL_MS", 60_000),
    mediaBaseUrl: config.FLICK_MEDIA_BASE_URL,
    uploadPath: media.uploads.path,
    playbackPath: "/media",
    worker: {
      concurrency: Math.max(1, n("FLICK_MEDIA_WORKER_CONCURRENCY", 1)),
      leaseMs: n("FLICK_MEDIA_JOB_LEASE_MS", 60_000),
      heartbeatMs: n("FLICK_MEDIA_JOB_HEARTBEAT_MS", 0) || Math.max(200, Math.floor(n("FLICK_MEDIA_JOB_LEASE_MS", 60_000) / 4)),
      pollMs: n("FLICK_MEDIA_WORKER_POLL_MS", 500),
      maxAttempts: Math.max(1, n("FLICK_MEDIA_JOB_MAX_ATTEMPTS", 4)),
      backoff: { baseMs: n("FLICK_MEDIA_RETRY_BASE_MS", 5_000), maxMs: n("FLICK_MEDIA_RETRY_MAX_MS", 300_000) },
    },
    demo: env.FLICK_DEMO !== "0" && config.FLICK_DATA_DIR !== "memory://" && config.FLICK_PROFILE === "embedded",
  };
}
