// The rendition ladder: 9:16 frames named by their short side. Every picture is fitted
// into the frame and letterboxed, never cropped (see README "Landscape and square").
//
// Presets per rung are the result of measurement (bench/media): the 1080 rung holds ~57 %
// of the ladder's pixels, so it gets the fastest preset that keeps CABAC and B-frames
// (superfast), while the small rungs — cheap in absolute terms, and the ones viewers on
// poor networks actually see — get slower presets that buy quality per bit.

export interface Rung {
  /** Short side; also the rendition's name ("720"). */
  name: string;
  width: number;
  height: number;
  preset: string;
  crf: number;
  /** Cap so a hard scene cannot blow past what the rung's viewers can download. */
  maxrateKbps: number;
  bufsizeKbps: number;
}

export const LADDER: readonly Rung[] = [
  { name: "1080", width: 1080, height: 1920, preset: "superfast", crf: 23, maxrateKbps: 4000, bufsizeKbps: 8000 },
  { name: "720", width: 720, height: 1280, preset: "veryfast", crf: 23, maxrateKbps: 2400, bufsizeKbps: 4800 },
  { name: "480", width: 480, height: 854, preset: "faster", crf: 23, maxrateKbps: 1200, bufsizeKbps: 2400 },
  { name: "360", width: 360, height: 640, preset: "faster", crf: 23, maxrateKbps: 700, bufsizeKbps: 1400 },
];

/** The quick first rendition of a re-encoded upload: the lowest rung, fastest settings. */
export const PREVIEW_RUNG: Rung = { name: "preview", width: 360, height: 640, preset: "superfast", crf: 26, maxrateKbps: 800, bufsizeKbps: 1600 };

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

/** x264 settings for one rung: CRF capped by maxrate, fixed 2 s GOPs aligned across rungs. */
export function x264Args(r: Rung, fps: number, threads = 0): string[] {
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
