// The whole picture-and-sound graph of one upload, before the ladder: the source
// normalised, then the effects in a fixed order that gives what a creator expects —
// key the background first (so filters colour the new background too), colour, speed
// (of the creator's own clip only), then duet/stitch with the original at normal speed,
// then the library sound over the final length.
import { targetFrameRate, workingSize, type FrameRate } from "../probe/normalize.js";
import type { MediaInfo } from "../probe/probe.js";
import { COLOR_FILTERS } from "./color.js";
import { applyDuet } from "./duet.js";
import { GraphBuilder, type StreamState } from "./graph-builder.js";
import { applyGreenScreen } from "./green-screen.js";
import { addVideoInput } from "./inputs.js";
import { applySound } from "./sound.js";
import { applySpeed } from "./speed.js";
import { validateEffects, type EffectAssets, type EffectsSpec } from "./spec.js";
import { applyStitch } from "./stitch.js";

export interface SourceRef {
  path: string;
  info: MediaInfo;
  /** Duration to trust (validated), seconds. */
  durationSec: number;
}

export interface EffectGraph {
  graph: GraphBuilder;
  /** Final labels and shape: what the ladder (or a render) consumes. */
  out: StreamState;
  fps: FrameRate;
}

export interface GraphOptions {
  /**
   * Largest picture worth working at (default: the top rung's frame). A preview or a
   * thumbnail passes its own small frame so nothing is processed at full size.
   */
  box?: { w: number; h: number };
  /** Options before the upload's -i (a thumbnail seeks with -ss when there are no effects). */
  sourceInputArgs?: string[];
  /** swscale flags for the upload's first scaling (default bicubic). */
  scaleFlags?: string;
}

export function buildEffectGraph(source: SourceRef, spec: EffectsSpec = {}, assets: EffectAssets = {}, opts: GraphOptions = {}): EffectGraph {
  validateEffects(spec, assets);
  const v = source.info.video!;
  const fps = targetFrameRate(v.fps);
  const size = workingSize(v, opts.box);
  const g = new GraphBuilder();
  const input = addVideoInput(g, source.path, source.info, fps, {
    size,
    durationSec: source.durationSec,
    ...(opts.sourceInputArgs ? { before: opts.sourceInputArgs } : {}),
    ...(opts.scaleFlags ? { scaleFlags: opts.scaleFlags } : {}),
  });
  let s: StreamState = { ...input, width: size.w, height: size.h, durationSec: source.durationSec };

  if (spec.greenScreen) s = applyGreenScreen(g, s, spec.greenScreen, assets.background!, fps);
  if (spec.color) s = { ...s, video: g.chain(s.video, [...COLOR_FILTERS[spec.color]], "vcol") };
  if (spec.speed !== undefined && spec.speed !== 1) s = applySpeed(g, s, spec.speed);
  if (spec.duet) s = applyDuet(g, s, spec.duet.source, assets.duetSource!, fps);
  if (spec.stitch) s = applyStitch(g, s, spec.stitch, assets.stitchSource!, fps);
  if (spec.sound) s = applySound(g, s, spec.sound);

  // Speed changes and overlays leave irregular timestamps: one constant rate out.
  const video = g.chain(s.video, [`fps=${fps.expr}`, "format=yuv420p"], "vout");
  return { graph: g, out: { ...s, video }, fps };
}
