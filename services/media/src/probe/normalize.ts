// Decisions about a validated source and the filters that turn it into Flick's working
// picture: upright, 8-bit yuv420p SDR, square pixels, even size, constant frame rate,
// no bigger than the top rung's frame. Everything downstream (effects, ladder) can then
// assume one shape of input.
import type { MediaInfo, VideoStreamInfo } from "./probe.js";

/** The top rung's frame (9:16). Sources are never processed at more pixels than this. */
export const FRAME_BOX = { w: 1080, h: 1920 } as const;

/** Audio everywhere in the pipeline: float stereo at 48 kHz, what AAC-LC encodes best. */
export const AUDIO_FORMAT = "aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo";

export interface FrameRate {
  value: number;
  /** Exact form for the fps filter (e.g. 30000/1001). */
  expr: string;
}

/**
 * Output frame rate: keep the source's up to 30 fps (converting 24 or 25 fps to 30 would
 * judder), halve high rates (60 → 30, 50 → 25, 48 → 24) since 60 fps doubles encode cost
 * for little gain on a phone, and make variable-rate phone video constant so 2 s segments
 * hold a whole number of frames.
 */
export function targetFrameRate(fps: number): FrameRate {
  if (!Number.isFinite(fps) || fps <= 0) return { value: 30, expr: "30" };
  const src = fps > 30.5 ? fps / 2 : fps;
  const known: [number, string][] = [
    [24000 / 1001, "24000/1001"], [24, "24"], [25, "25"], [30000 / 1001, "30000/1001"], [30, "30"],
  ];
  for (const [v, expr] of known) if (Math.abs(src - v) < 0.01) return { value: v, expr };
  if (src > 30) return { value: 30, expr: "30" };
  const r = Math.max(10, Math.round(src));
  return { value: r, expr: String(r) };
}

/** Fits (w, h) inside (boxW, boxH) keeping aspect, even sides, never upscaling unless asked. */
export function fitInside(w: number, h: number, boxW: number, boxH: number, allowUpscale = false): { w: number; h: number } {
  let s = Math.min(boxW / w, boxH / h);
  if (!allowUpscale) s = Math.min(1, s);
  const even = (x: number) => Math.max(2, 2 * Math.round(x / 2));
  return { w: Math.min(even(w * s), boxW - (boxW % 2)), h: Math.min(even(h * s), boxH - (boxH % 2)) };
}

/** The working size of a source: display size fitted in the box (default FRAME_BOX), even. */
export function workingSize(v: VideoStreamInfo, box: { w: number; h: number } = FRAME_BOX): { w: number; h: number } {
  return fitInside(v.displayWidth, v.displayHeight, box.w, box.h);
}

/**
 * Filters for one video input. The decoder has already rotated the picture (ffmpeg's
 * -autorotate is on by default), so sizes here are display sizes. Scaling comes first so
 * that tone-mapping (costly, float RGB) runs on the fewest pixels.
 */
export function normalizeVideoFilters(v: VideoStreamInfo, fps: FrameRate, size = workingSize(v), scaleFlags?: string): string[] {
  const f: string[] = [];
  // Explicit target size (computed from the display size) also squares non-square pixels
  // and makes odd sizes even, which yuv420p and x264 require.
  f.push(`scale=${size.w}:${size.h}${scaleFlags ? `:flags=${scaleFlags}` : ""}`);
  f.push("setsar=1");
  if (v.hdr) f.push(...toneMapFilters(v));
  f.push(`fps=${fps.expr}`);
  // 10-bit (and any other) sources become 8-bit 4:2:0: what every H.264 decoder plays.
  f.push("format=yuv420p");
  return f;
}

/**
 * HDR (PQ or HLG, BT.2020) to SDR BT.709 with zimg: linearise, map the highlights with
 * Hable's curve (keeps contrast in the mid-tones where faces are), then back to BT.709.
 */
export function toneMapFilters(v: VideoStreamInfo): string[] {
  const tin = v.colorTransfer === "arib-std-b67" ? "arib-std-b67" : "smpte2084";
  const pin = v.colorPrimaries && v.colorPrimaries !== "unknown" ? v.colorPrimaries : "bt2020";
  const min = v.colorSpace && v.colorSpace !== "unknown" ? v.colorSpace : "bt2020nc";
  return [
    `zscale=tin=${tin}:pin=${pin}:min=${min}:t=linear:npl=100`,
    "format=gbrpf32le",
    "zscale=p=bt709",
    "tonemap=tonemap=hable:desat=0",
    "zscale=t=bt709:m=bt709:r=tv",
  ];
}

/** Silent stereo of a given length, for sources without audio (the ladder always has audio). */
export function silence(durationSec: number): string {
  return `anullsrc=r=48000:cl=stereo,atrim=duration=${durationSec.toFixed(3)}`;
}

/**
 * An upload that players can take as it is: H.264 8-bit 4:2:0 SDR with AAC-LC audio (or
 * none). Copying it into HLS takes a fraction of a second, so it plays while the ladder
 * encodes. Anything else (HEVC, VP9, 10-bit, HDR, HE-AAC, Opus…) must be re-encoded first.
 */
export function canStreamCopy(info: MediaInfo): boolean {
  const v = info.video;
  if (!v) return false;
  const videoOk = v.codec === "h264" && v.bitDepth === 8 && (v.pixFmt === "yuv420p" || v.pixFmt === "yuvj420p") && !v.hdr
    && !/^High (10|4:2:2|4:4:4)/.test(v.profile ?? "");
  const a = info.audio;
  const audioOk = !a || (a.codec === "aac" && (a.profile === undefined || a.profile === "LC"));
  return videoOk && audioOk;
}
