// Stitch: a ≤ 5 s range of another video, then the upload. The borrowed clip is fitted
// into the upload's frame (letterboxed if its shape differs) at the same frame rate and
// audio format, because concat needs identical streams on both sides.
import { fitInside, type FrameRate } from "../probe/normalize.js";
import type { MediaInfo } from "../probe/probe.js";
import type { GraphBuilder, StreamState } from "./graph-builder.js";
import { addVideoInput } from "./inputs.js";

export function applyStitch(
  g: GraphBuilder,
  s: StreamState,
  clip: { source: string; clipStartSec: number; clipEndSec: number },
  source: MediaInfo,
  fps: FrameRate,
): StreamState {
  const v = source.video!;
  const len = clip.clipEndSec - clip.clipStartSec;
  const l = len.toFixed(3);
  const size = fitInside(v.displayWidth, v.displayHeight, s.width, s.height, true);
  // Input-side -ss/-t: ffmpeg seeks to the nearest keyframe and decodes accurately from
  // there, so only the borrowed range is read.
  const src = addVideoInput(g, clip.source, source, fps, {
    before: ["-ss", clip.clipStartSec.toFixed(3), "-t", l],
    size,
    padTo: { w: s.width, h: s.height },
    durationSec: len,
  });
  const sv = g.chain(src.video, [`trim=duration=${l}`, "setpts=PTS-STARTPTS"], "ssv");
  const sa = g.chain(src.audio, [`apad=whole_dur=${l}`, `atrim=duration=${l}`, "asetpts=PTS-STARTPTS"], "ssa");
  const [video, audio] = g.multi([sv, sa, s.video, s.audio], "concat=n=2:v=1:a=1", ["vst", "ast"]);
  return { ...s, video: video!, audio: audio!, durationSec: s.durationSec + len };
}
