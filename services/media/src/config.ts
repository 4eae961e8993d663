// One typed configuration for the media layer, read from the environment once at boot
// (STYLE habit 9). Every field has a default, so zero configuration works.
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface MediaLimits {
  minDurationSec: number;
  maxDurationSec: number;
  /** Imports (e.g. from another platform) may be longer than in-app recordings. */
  importMaxDurationSec: number;
  maxBytes: number;
  /** Below this the picture is too small to watch. */
  minShortSide: number;
  /** Above this (8K and up) decoding costs more than the product needs. */
  maxLongSide: number;
  /** A 60.02 s recording is a 60 s recording: container rounding is forgiven. */
  durationToleranceSec: number;
}

export const defaultLimits: MediaLimits = {
  minDurationSec: 3,
  maxDurationSec: 60,
  importMaxDurationSec: 180,
  maxBytes: 200 * 1024 * 1024,
  minShortSide: 128,
  maxLongSide: 4096,
  durationToleranceSec: 0.5,
};

export interface S3Config {
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** MinIO and most self-hosted stores need path-style URLs. */
  forcePathStyle: boolean;
}

export interface MediaConfig {
  limits: MediaLimits;
  blobs: { kind: "local"; root: string } | { kind: "s3"; s3: S3Config };
  /** Public base URL for blob keys: a CDN in production, the playback mount locally. */
  publicBaseUrl: string;
  /** Scratch space for encodes. */
  workDir: string;
  uploads: {
    /** Abandoned (incomplete) uploads older than this are swept with their bytes. */
    ttlMs: number;
    /** URL path the tus endpoint is mounted under. */
    path: string;
  };
  /** Per-rung x264 preset overrides, e.g. FLICK_MEDIA_PRESETS="1080=superfast,360=fast". */
  presets: Partial<Record<number, string>>;
  /** Threads given to each x264 in the ladder; 0 means defaultEncoderThreads(). */
  x264Threads: number;
}

export function loadMediaConfig(env: NodeJS.ProcessEnv = process.env): MediaConfig {
  const n = (name: string, dflt: number) => {
    const v = env[name];
    if (v === undefined || v === "") return dflt;
    const x = Number(v);
    if (!Number.isFinite(x)) throw new Error(`${name} must be a number, got "${v}"`);
    return x;
  };
  const limits: MediaLimits = {
    minDurationSec: n("FLICK_MEDIA_MIN_DURATION_SEC", defaultLimits.minDurationSec),
    maxDurationSec: n("FLICK_MEDIA_MAX_DURATION_SEC", defaultLimits.maxDurationSec),
    importMaxDurationSec: n("FLICK_MEDIA_IMPORT_MAX_DURATION_SEC", defaultLimits.importMaxDurationSec),
    maxBytes: n("FLICK_MEDIA_MAX_BYTES", defaultLimits.maxBytes),
    minShortSide: n("FLICK_MEDIA_MIN_SHORT_SIDE", defaultLimits.minShortSide),
    maxLongSide: n("FLICK_MEDIA_MAX_LONG_SIDE", defaultLimits.maxLongSide),
    durationToleranceSec: n("FLICK_MEDIA_DURATION_TOLERANCE_SEC", defaultLimits.durationToleranceSec),
  };
  const dataDir = env.FLICK_DATA_DIR ?? join(process.cwd(), ".flick");
  const blobs: MediaConfig["blobs"] =
    env.S3_BUCKET
      ? {
          kind: "s3",
          s3: {
            ...(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT } : {}),
            region: env.S3_REGION ?? env.AWS_REGION ?? "us-east-1",
            bucket: env.S3_BUCKET,
            ...(env.S3_ACCESS_KEY_ID ?? env.AWS_ACCESS_KEY_ID ? { accessKeyId: env.S3_ACCESS_KEY_ID ?? env.AWS_ACCESS_KEY_ID } : {}),
            ...(env.S3_SECRET_ACCESS_KEY ?? env.AWS_SECRET_ACCESS_KEY ? { secretAccessKey: env.S3_SECRET_ACCESS_KEY ?? env.AWS_SECRET_ACCESS_KEY } : {}),
            forcePathStyle: (env.S3_FORCE_PATH_STYLE ?? (env.S3_ENDPOINT ? "true" : "false")) === "true",
          },
        }
      : { kind: "local", root: env.FLICK_MEDIA_BLOB_DIR ?? join(dataDir, "blobs") };
  return {
    limits,
    blobs,
    publicBaseUrl: env.FLICK_MEDIA_PUBLIC_BASE_URL ?? "/media",
    workDir: env.FLICK_MEDIA_WORK_DIR ?? join(tmpdir(), "flick-media"),
    uploads: {
      ttlMs: n("FLICK_MEDIA_UPLOAD_TTL_MS", 24 * 3600 * 1000),
      path: env.FLICK_MEDIA_UPLOAD_PATH ?? "/uploads",
    },
    presets: parsePresets(env.FLICK_MEDIA_PRESETS),
    x264Threads: n("FLICK_MEDIA_X264_THREADS", 0),
  };
}

function parsePresets(s: string | undefined): Partial<Record<number, string>> {
  const out: Partial<Record<number, string>> = {};
  for (const part of (s ?? "").split(",").map((p) => p.trim()).filter(Boolean)) {
    const [rung, preset] = part.split("=");
    if (!rung || !preset || !/^\d+$/.test(rung)) throw new Error(`FLICK_MEDIA_PRESETS: bad entry "${part}" (want e.g. 1080=superfast)`);
    out[Number(rung)] = preset;
  }
  return out;
}
