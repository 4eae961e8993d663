// ffmpeg argument builders for every pipeline step. Pure functions: the pipeline runs
// them, and bench/media runs exactly the same arguments by hand to measure the
// pipeline's overhead against bare ffmpeg.
import { join } from "node:path";
import { buildEffectGraph, type SourceRef } from "../effects/graph.js";
import { hasEffects, type EffectAssets, type EffectsSpec } from "../effects/spec.js";
import type { FrameRate } from "../probe/normalize.js";
import { AUDIO_BITRATE_KBPS, fitFrameFilters, PREVIEW_RUNG, SEGMENT_SEC, selectRungs, x264Args, type Rung } from "./ladder.js";

export interface Command {
  args: string[];
  /** Expected output duration (for progress ratios and the short-output check). */
  durationSec: number;
}

export interface LadderCommand extends Command {
  rungs: { rung: Rung; dir: string }[];
  audioDir: string;
  fps: FrameRate;
  /** Size of the picture inside the frames (after effects), before letterboxing. */
  content: { width: number; height: number };
}

export interface LadderOptions {
  /** x264 preset per rung width, overriding the ladder's. */
  presets?: Partial<Record<number, string>>;
  /** Threads per encoder (default: defaultEncoderThreads()). */
  threads?: number;
}

/**
 * HLS fMP4 output into dir: index.m3u8, init.mp4, seg_NNN.m4s. VOD writes the playlist
 * once at the end; EVENT rewrites it after every segment, so it can be played growing.
 */
export function hlsOutput(dir: string, type: "vod" | "event" = "vod"): string[] {
  return [
    "-f", "hls",
    "-hls_time", String(SEGMENT_SEC),
    "-hls_playlist_type", type,
    "-hls_segment_type", "fmp4",
    "-hls_flags", "independent_segments",
    "-hls_fmp4_init_filename", "init.mp4",
    "-hls_segment_filename", join(dir, "seg_%03d.m4s"),
    join(dir, "index.m3u8"),
  ];
}

const AAC = ["-c:a", "aac", "-b:a", `${AUDIO_BITRATE_KBPS}k`, "-ac", "2", "-ar", "48000"];

/**
 * The whole ladder from ONE decode: the effect graph's picture is split once per rung,
 * each branch scaled into its frame and encoded by its own x264 (one process, so the
 * source is decoded and the effects computed once), plus one AAC audio rendition.
 */
export function ladderCommand(source: SourceRef, spec: EffectsSpec, assets: EffectAssets, outDir: string, opts: LadderOptions = {}): LadderCommand {
  const { graph: g, out, fps } = buildEffectGraph(source, spec, assets);
  const rungs = selectRungs(out.width, out.height, opts.presets);
  const branches = g.multi(out.video, `split=${rungs.length}`, rungs.map((_, i) => `s${i}_`));
  const outputs: string[] = [];
  const dirs: { rung: Rung; dir: string }[] = [];
  rungs.forEach((rung, i) => {
    const label = g.chain(branches[i]!, fitFrameFilters(rung), `r${rung.name}_`);
    const dir = join(outDir, `v${rung.name}`);
    dirs.push({ rung, dir });
    outputs.push("-map", label, ...x264Args(rung, fps.value, opts.threads || undefined), "-max_muxing_queue_size", "4096", ...hlsOutput(dir));
  });
  const audioDir = join(outDir, "audio");
  outputs.push("-map", out.audio, ...AAC, "-max_muxing_queue_size", "4096", ...hlsOutput(audioDir));
  return {
    args: [...g.inputArgs(), "-filter_complex", g.filterComplex(), ...outputs],
    durationSec: out.durationSec,
    rungs: dirs,
    audioDir,
    fps,
    content: { width: out.width, height: out.height },
  };
}

/**
 * The quick first rendition for uploads that cannot be stream-copied: the lowest rung
 * with the effects computed at that size (not at 1080p and then scaled down), muxed with
 * its audio in one playlist, written as an EVENT playlist so it plays while it grows.
 */
export function previewCommand(source: SourceRef, spec: EffectsSpec, assets: EffectAssets, outDir: string): Command & { dir: string; rung: Rung; fps: FrameRate } {
  const rung = PREVIEW_RUNG;
  const { graph: g, out, fps } = buildEffectGraph(source, spec, assets, {
    box: { w: rung.width, h: rung.height },
    // Decoding the full-size upload is most of this pass's cost. Skipping the in-loop
    // deblocking filter saves ~12 % of HEVC/H.264 decode time, and bilinear scaling
    // ~8 % more; at a third of the size, neither shows.
    sourceInputArgs: ["-skip_loop_filter", "all"],
    scaleFlags: "bilinear",
  });
  const v = g.chain(out.video, fitFrameFilters(rung), "pv");
  const dir = join(outDir, "preview");
  return {
    args: [
      ...g.inputArgs(), "-filter_complex", g.filterComplex(),
      "-map", v, ...x264Args(rung, fps.value),
      "-map", out.audio, ...AAC, "-b:a", "96k",
      ...hlsOutput(dir, "event"),
    ],
    durationSec: out.durationSec,
    dir,
    rung,
    fps,
  };
}

/** Stream copy of an H.264/AAC upload into HLS: no decode, a fraction of a second. */
export function copyCommand(source: SourceRef, outDir: string): Command & { dir: string } {
  const dir = join(outDir, "copy");
  const maps = ["-map", "0:v:0"];
  if (source.info.audio) maps.push("-map", "0:a:0");
  return {
    args: ["-i", source.path, ...maps, "-c", "copy", "-dn", "-sn", ...hlsOutput(dir)],
    durationSec: source.durationSec,
    dir,
  };
}

/** Thumbnail time: one second in, or the middle of a shorter clip. */
/**
 * When the cover is taken, in the published video's timeline: the creator's choice, else
 * 1 s; clamped to the video (a seek past the last frame yields no frame), and half way
 * into clips shorter than 2 s when nothing was chosen.
 */
export function thumbnailTime(durationSec: number, requestedSec?: number): number {
  if (requestedSec === undefined) return Math.min(1, durationSec / 2);
  return Math.max(0, Math.min(requestedSec, durationSec - 0.1));
}

export interface ThumbnailOptions {
  /** The creator's choice of moment (seconds into the published video). */
  atSec?: number;
  /** Length of the published video (after speed or stitch); default the upload's. */
  outputDurationSec?: number;
}

/**
 * One frame (at 1 s unless chosen), in the 720 rung's frame (letterboxed like the video,
 * so the poster and the first frame line up). Without effects the upload is seeked to
 * directly; with effects the graph runs from the start and the frame is taken in its
 * output timeline (a stitch's or a sped-up video's timeline is not the upload's).
 */
export function thumbnailCommand(
  source: SourceRef,
  spec: EffectsSpec,
  assets: EffectAssets,
  outPath: string,
  format: "webp" | "jpeg",
  options: ThumbnailOptions = {},
): Command {
  const box = { w: 720, h: 1280 };
  const effects = hasEffects(spec);
  const t = thumbnailTime(options.outputDurationSec ?? source.durationSec, options.atSec);
  const { graph: g, out } = buildEffectGraph(source, spec, assets, {
    box,
    ...(effects ? {} : { sourceInputArgs: ["-ss", t.toFixed(3)] }),
  });
  const pre = effects ? [`trim=start=${t.toFixed(3)}`, "setpts=PTS-STARTPTS"] : [];
  const v = g.chain(out.video, [...pre, ...fitFrameFilters({ width: box.w, height: box.h })], "th");
  g.statements.push(`${out.audio}anullsink`);
  const codec = format === "webp" ? ["-c:v", "libwebp", "-quality", "80"] : ["-c:v", "mjpeg", "-q:v", "3"];
  return {
    args: [...g.inputArgs(), "-filter_complex", g.filterComplex(), "-map", v, "-frames:v", "1", ...codec, outPath],
    durationSec: 0,
  };
}

/** The upload's own soundtrack as an m4a: copied if it is AAC already, else encoded. */
export function audioExtractCommand(source: SourceRef, outPath: string): Command & { copied: boolean } {
  const copied = source.info.audio?.codec === "aac";
  return {
    args: ["-i", source.path, "-map", "0:a:0", "-vn", ...(copied ? ["-c:a", "copy"] : AAC), "-movflags", "+faststart", outPath],
    durationSec: source.durationSec,
    copied,
  };
}

/** The ladder's AAC rendition (init + segments) remuxed into one m4a: no re-encode. */
export function audioFromRenditionCommand(audioPlaylist: string, outPath: string, durationSec: number): Command {
  return {
    args: ["-i", audioPlaylist, "-map", "0:a:0", "-c:a", "copy", "-movflags", "+faststart", outPath],
    durationSec,
  };
}
