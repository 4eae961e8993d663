// Adding a video file as a graph input, normalised to the working shape (see
// probe/normalize.ts), with a soundtrack even when the file has none.
import { AUDIO_FORMAT, normalizeVideoFilters, silence, type FrameRate } from "../probe/normalize.js";
import type { MediaInfo } from "../probe/probe.js";
import type { GraphBuilder } from "./graph-builder.js";

export interface NormalizedInput {
  video: string;
  audio: string;
}

export interface InputOptions {
  /** Options placed before -i (e.g. -ss/-t for a clip range). */
  before?: string[];
  /** Picture size to scale to (default: the working size). */
  size?: { w: number; h: number };
  /** Letterbox into this frame after scaling (size must fit inside it). */
  padTo?: { w: number; h: number };
  /** Length of the part used, for the silent track of a file without audio. */
  durationSec: number;
  /** swscale flags (default bicubic); a preview trades a little sharpness for speed. */
  scaleFlags?: string;
}

export function addVideoInput(g: GraphBuilder, path: string, info: MediaInfo, fps: FrameRate, opts: InputOptions): NormalizedInput {
  const v = info.video!;
  const i = g.addInput([...(opts.before ?? []), "-i", path]);
  const vf = normalizeVideoFilters(v, fps, opts.size, opts.scaleFlags);
  if (opts.padTo) vf.splice(2, 0, `pad=${opts.padTo.w}:${opts.padTo.h}:(ow-iw)/2:(oh-ih)/2:color=black`);
  const video = g.chain(`[${i}:v:0]`, vf, "vin");
  const audio = info.audio
    ? g.chain(`[${i}:a:0]`, [AUDIO_FORMAT], "ain")
    : g.chain("", [silence(opts.durationSec), AUDIO_FORMAT], "asil");
  return { video, audio };
}
