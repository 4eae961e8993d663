// Renders an effect graph to a single MP4 (high quality, fast preset). The pipeline
// feeds the graph straight into the ladder instead; this is for previews, exports and
// tests that look at an effect's output on its own.
import { probeMedia } from "../probe/probe.js";
import { MediaRejectedError } from "../probe/errors.js";
import { FfmpegError, runFfmpeg, type RunOptions } from "../ffmpeg/ffmpeg.js";
import { buildEffectGraph, type SourceRef } from "./graph.js";
import type { EffectAssets, EffectsSpec } from "./spec.js";

export function renderArgs(source: SourceRef, spec: EffectsSpec, assets: EffectAssets, outPath: string): { args: string[]; durationSec: number } {
  const { graph, out } = buildEffectGraph(source, spec, assets);
  const args = [
    ...graph.inputArgs(),
    "-filter_complex", graph.filterComplex(),
    "-map", out.video, "-map", out.audio,
    "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p",
    "-c:a", "aac", "-b:a", "160k",
    "-movflags", "+faststart",
    outPath,
  ];
  return { args, durationSec: out.durationSec };
}

/** Renders and returns the output's probe. */
export async function renderEffects(
  source: SourceRef,
  spec: EffectsSpec,
  assets: EffectAssets,
  outPath: string,
  opts: RunOptions = {},
) {
  const { args, durationSec } = renderArgs(source, spec, assets, outPath);
  await runFfmpeg(args, { ...opts, durationSec });
  return probeMedia(outPath);
}

/** Probes the files an effect spec refers to (what buildEffectGraph needs to know). */
export async function probeEffectAssets(spec: EffectsSpec, opts: RunOptions = {}): Promise<EffectAssets> {
  const assets: EffectAssets = {};
  // A file an effect names that cannot be read is the request's fault, not a retry case.
  const probe = (path: string, what: string) =>
    probeMedia(path, opts).catch((e: unknown) => {
      if (e instanceof FfmpegError) throw new MediaRejectedError("INVALID_EFFECT", `The ${what} cannot be read.`, e.stderrTail);
      throw e;
    });
  const [background, duetSource, stitchSource, sound] = await Promise.all([
    spec.greenScreen ? probe(spec.greenScreen.background, "green screen background") : undefined,
    spec.duet ? probe(spec.duet.source, "video to duet with") : undefined,
    spec.stitch ? probe(spec.stitch.source, "video to stitch") : undefined,
    spec.sound ? probe(spec.sound.path, "sound") : undefined,
  ]);
  if (background) assets.background = background;
  if (duetSource) assets.duetSource = duetSource;
  if (stitchSource) assets.stitchSource = stitchSource;
  if (sound) assets.sound = sound;
  return assets;
}
