// Green screen: key out the upload's background colour and lay it over a picture (or a
// looping video) scaled to cover the frame. chromakey works in YUV, so no RGB round trip.
import type { FrameRate } from "../probe/normalize.js";
import type { MediaInfo } from "../probe/probe.js";
import type { GraphBuilder, StreamState } from "./graph-builder.js";
import type { EffectsSpec } from "./spec.js";

export function applyGreenScreen(
  g: GraphBuilder,
  s: StreamState,
  spec: NonNullable<EffectsSpec["greenScreen"]>,
  background: MediaInfo,
  fps: FrameRate,
): StreamState {
  const still = (background.video?.frameCount ?? 1) <= 1 || !background.durationSec || background.durationSec < 0.1;
  // A still is repeated forever and a video loops; overlay stops with the upload (shortest).
  const loop = still ? ["-loop", "1", "-framerate", fps.expr] : ["-stream_loop", "-1"];
  const i = g.addInput([...loop, "-i", spec.background]);
  const bg = g.chain(`[${i}:v:0]`, [
    `scale=${s.width}:${s.height}:force_original_aspect_ratio=increase`,
    `crop=${s.width}:${s.height}`,
    "setsar=1",
    `fps=${fps.expr}`,
    "format=yuv420p",
  ], "bg");
  const color = (spec.color ?? "0x00FF00").replace(/^#/, "0x").replace(/^(?!0x)/, "0x");
  const fg = g.chain(s.video, [`chromakey=color=${color}:similarity=${spec.similarity ?? 0.15}:blend=${spec.blend ?? 0.05}`], "key");
  const video = g.chain([bg, fg], ["overlay=shortest=1:format=auto", "format=yuv420p"], "vgs");
  return { ...s, video };
}
