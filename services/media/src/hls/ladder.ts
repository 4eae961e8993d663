import { availableParallelism } from "node:os";

// The rendition ladder: 9:16 frames named by their short side. Every picture is fitted
// into the frame and letterboxed, never cropped (see README "Landscape and square").
//
// Presets per rung come from measurement (bench/media, 60 s 1080×1920 hard clip, CPU
// seconds of the one-process ladder): superfast everywhere 76 CPU-s; superfast on 1080
// and 720 (83 % of the ladder's pixels) with veryfast on 480 and 360, 81 CPU-s; adding
// veryfast on 720 and faster below, 97 CPU-s. Two cores must also decode a non-H.264
// upload twice (preview and ladder, ~12–15 CPU-s each) within the 60 s target, so the big
// rungs take the fast preset that still keeps CABAC and B-frames (superfast; ultrafast
// drops to Baseline), and the small rungs — cheap in absolute terms, and the ones viewers
// on poor networks see — get the slower preset that buys quality per bit.

export interface Rung {
  /** Short side; also the rendition's name ("720"). */
  name: string;
  width: number;
  height: number;
  preset: string;
  crf: number;
  /** Cap so a hard scene cannot blow past what the rung's viewers can download. */
  maxrateKbps: number;
  /**
   * VBV buffer = 1 s at the cap, so a 2 s segment peaks at ≤ 1.5 × maxrate. With 2 s of
   * buffer the bench clip's small rungs peaked at 2.7 × their average, which makes
   * players' bandwidth-based switching needlessly pessimistic.
   */
  bufsizeKbps: number;
}

export const LADDER: readonly Rung[] = [
  { name: "1080", width: 1080, height: 1920, preset: "superfast", crf: 23, maxrateKbps: 4000, bufsizeKbps: 4000 },
  { name: "720", width: 720, height: 1280, preset: "superfast", crf: 23, maxrateKbps: 2400, bufsizeKbps: 2400 },
  { name: "480", width: 480, height: 854, preset: "veryfast", crf: 23, maxrateKbps: 1200, bufsizeKbps: 1200 },
  { name: "360", width: 360, height: 640, preset: "veryfast", crf: 23, maxrateKbps: 700, bufsizeKbps: 700 },
];

/** The quick first rendition of a re-encoded upload: the lowest rung, fastest settings. */
export const PREVIEW_RUNG: Rung = { name: "preview", width: 360, height: 640, preset: "superfast", crf: 26, maxrateKbps: 800, bufsizeKbps: 800 };

/** Segment length and keyframe interval, seconds. */
export const SEGMENT_SEC = 2;
export const AUDIO_BITRATE_KBPS = 128;

/**
 * Rungs worth encoding for a picture of (w, h): those that do not upscale it (beyond 10 %,
 * so a 704×1280 phone clip still gets its 720 rung). The lowest rung is always kept, so a
 * tiny upload still plays.
 */
export function selectRungs(w: number, h: number, overrides: Partial<Record<number, string>> = {}, ladder = LADDER): Rung[] {
  const fits = ladder.filter((r) => Math.min(r.width / w, r.height / h) <= 1.1);
  const chosen = fits.length > 0 ? fits : [ladder[ladder.length - 1]!];
  return chosen.map((r) => ({ ...r, preset: overrides[r.width] ?? r.preset }));
}

/** Scale into the rung's frame keeping aspect, then letterbox to exactly the frame. */
export function fitFrameFilters(r: { width: number; height: number }): string[] {
  return [
    `scale=${r.width}:${r.height}:force_original_aspect_ratio=decrease:force_divisible_by=2`,
    `pad=${r.width}:${r.height}:(ow-iw)/2:(oh-ih)/2:color=black`,
    "setsar=1",
  ];
}

/**
 * Threads per x264 when several encode in one ffmpeg process. ffmpeg 5.1 feeds every
 * encoder from its one main thread, so an encoder with a single thread encodes inline and
 * serialises the whole ladder (measured: 94 s wall for 72 CPU-s on 2 cores); two threads
 * let each encode asynchronously. More than that per encoder only adds synchronisation
 * and duplicate lookahead work when four encoders share the cores (x264's own default of
 * 1.5 × cores cost 81 CPU-s where 2 threads cost 74–77 on the bench clip).
 */
export function defaultEncoderThreads(cores = availableParallelism()): number {
  return Math.max(2, Math.ceil(cores / 2));
}

/** x264 settings for one rung: CRF capped by maxrate, fixed 2 s GOPs aligned across rungs. */
export function x264Args(r: Rung, fps: number, threads = defaultEncoderThreads()): string[] {
  const gop = String(Math.round(SEGMENT_SEC * fps));
  const args = [
    "-c:v", "libx264",
    "-preset:v", r.preset,
    "-crf:v", String(r.crf),
    "-maxrate:v", `${r.maxrateKbps}k`,
    "-bufsize:v", `${r.bufsizeKbps}k`,
    "-profile:v", "high",
    "-pix_fmt:v", "yuv420p",
    // Same keyframe times on every rung, never a scene-cut keyframe in between: segments
    // line up across renditions, so a player can switch at any segment boundary.
    "-g:v", gop,
    "-keyint_min:v", gop,
    "-sc_threshold:v", "0",
    "-force_key_frames:v", `expr:gte(t,n_forced*${SEGMENT_SEC})`,
  ];
  if (threads > 0) args.push("-threads:v", String(threads));
  return args;
}
