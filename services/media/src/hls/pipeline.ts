// One upload in, an HLS package out: validate → something playable at once (stream copy,
// or a growing low-rung preview) → the full ladder from one decode, with the thumbnail
// and the original sound alongside → a master playlist with measured bandwidths.
import { mkdir, rm, stat, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { defaultLimits, type MediaLimits } from "../config.js";
import { hasEffects, type EffectAssets, type EffectsSpec } from "../effects/spec.js";
import { probeEffectAssets } from "../effects/render.js";
import { runFfmpeg, type RunOptions } from "../ffmpeg/ffmpeg.js";
import { canStreamCopy } from "../probe/normalize.js";
import { checkDeclared, type DeclaredMedia } from "../probe/declared.js";
import { validateSource, type SourceKind } from "../probe/validate.js";
import type { SourceRef } from "../effects/graph.js";
import {
  audioExtractCommand,
  audioFromRenditionCommand,
  ladderCommand,
  thumbnailCommand,
  type LadderOptions,
} from "./commands.js";
import { firstByCopy, growingPreview, type FirstPlayable } from "./first-playable.js";
import { avcCodecString } from "./init-segment.js";
import { assertNotShort, segmentFiles } from "./package-files.js";
import { measureBitrates, readMediaPlaylist, renderMasterPlaylist, type VariantEntry } from "./playlist.js";

export type Stage = "probe" | "first-playable" | "ladder" | "thumbnail" | "audio" | "done";

export interface ProgressEvent {
  stage: Stage;
  /** 0..1 within the stage (the ladder reports as it encodes; others report 1 when done). */
  ratio: number;
  elapsedMs: number;
}

export interface Rendition {
  name: string;
  width: number;
  height: number;
  /** Peak bits per second (video + audio), as written in the master playlist. */
  bandwidth: number;
  averageBandwidth: number;
  codecs: string;
  frameRate: number;
  /** Relative to the output root (the blob prefix). */
  playlist: string;
}

export interface MediaManifest {
  durationSec: number;
  master: string;
  renditions: Rendition[];
  audio: { playlist: string; bandwidth: number; averageBandwidth: number; codecs: string };
  thumbnail: string;
  /** The soundtrack as a file, for the sounds library; absent when the video uses a library sound or is silent. */
  sound?: { path: string; copied: boolean };
  firstPlayable: { kind: "copy" | "preview"; playlist: string; atMs: number };
  timings: { probeMs: number; firstPlayableMs: number; ladderMs: number; totalMs: number };
  source: { width: number; height: number; codec: string; fps: number; hdr: boolean; bitDepth: number };
}

/** Files written to the output root, for a publisher to copy to blob storage. */
export type PublishPhase = "first-playable" | "preview" | "final";
export type Publisher = (rootDir: string, files: string[], phase: PublishPhase) => Promise<void>;

export interface ProcessOptions extends LadderOptions {
  /** Local path of the uploaded file. */
  input: string;
  /** Empty directory the package is written into (its relative paths become blob keys). */
  outDir: string;
  kind?: SourceKind;
  limits?: MediaLimits;
  effects?: EffectsSpec;
  onProgress?: (e: ProgressEvent) => void;
  signal?: AbortSignal;
  /** Called with the first playable files, then with the complete package. */
  publish?: Publisher;
  /** Per ffmpeg step; defaults scale with the clip's length. */
  timeoutMs?: number;
  thumbnailFormat?: "webp" | "jpeg";
  /** The cover's moment in the published video (seconds; default 1, clamped to the video). */
  thumbnailAtSec?: number;
  /** What the uploader declared: refused (METADATA_MISMATCH) when the file disagrees. */
  declared?: DeclaredMedia;
}

const MASTER = "master.m3u8";

export async function processVideo(opts: ProcessOptions): Promise<MediaManifest> {
  const t0 = performance.now();
  const since = () => performance.now() - t0;
  const report = (stage: Stage, ratio: number) => opts.onProgress?.({ stage, ratio, elapsedMs: since() });
  const spec = opts.effects ?? {};
  const effects = hasEffects(spec);
  // One failure stops every ffmpeg still running (the preview and the ladder overlap).
  const inner = new AbortController();
  const onOuterAbort = () => inner.abort(opts.signal?.reason);
  if (opts.signal?.aborted) onOuterAbort();
  opts.signal?.addEventListener("abort", onOuterAbort, { once: true });
  try {
    return await pipeline(opts, inner.signal, since, report, spec, effects);
  } catch (e) {
    inner.abort(e);
    throw e;
  } finally {
    opts.signal?.removeEventListener("abort", onOuterAbort);
  }
}

async function pipeline(
  opts: ProcessOptions,
  signal: AbortSignal,
  since: () => number,
  report: (stage: Stage, ratio: number) => void,
  spec: EffectsSpec,
  effects: boolean,
): Promise<MediaManifest> {
  const run: RunOptions = { signal };

  report("probe", 0);
  const validated = await validateSource(opts.input, opts.limits ?? defaultLimits, opts.kind ?? "upload", run);
  if (opts.declared) checkDeclared(opts.declared, validated, (await stat(opts.input)).size);
  const assets: EffectAssets = effects ? await probeEffectAssets(spec, run) : {};
  const source: SourceRef = { path: opts.input, info: validated.info, durationSec: validated.info.durationSec };
  const probeMs = since();
  report("probe", 1);
  const timeoutMs = opts.timeoutMs ?? 120_000 + 20_000 * source.durationSec;
  const step: RunOptions = { ...run, timeoutMs };

  await mkdir(opts.outDir, { recursive: true });

  // 1. Something plays at once: a stream copy (complete in a fraction of a second), or
  //    a preview published as soon as its first two segments exist and kept growing
  //    until complete.
  report("first-playable", 0);
  let firstPlayableMs = 0;
  let firstKind: FirstPlayable["kind"] = "copy";
  let firstUri = "";
  const announce = async (first: FirstPlayable) => {
    await writeFile(join(opts.outDir, MASTER), renderMasterPlaylist([first.variant], undefined, 7));
    if (opts.publish) await opts.publish(opts.outDir, [...first.files, MASTER], "first-playable");
    firstPlayableMs = since();
    firstKind = first.kind;
    firstUri = first.variant.uri;
    report("first-playable", 1);
  };
  let previewDone: Promise<void> = Promise.resolve();
  if (!effects && canStreamCopy(validated.info)) {
    await announce(await firstByCopy(source, validated, opts.outDir, step));
  } else {
    // The ladder starts as soon as the preview plays rather than when it is complete:
    // one pass alone leaves part of the second core idle, and the preview, at 1/10 of
    // the ladder's work, stays far ahead of any viewer even while sharing the CPU.
    const preview = growingPreview(source, spec, assets, opts.outDir, step, announce, opts.publish);
    previewDone = preview.done;
    await Promise.race([preview.announced, preview.done]);
  }

  // 2. The ladder, with the thumbnail and the sound alongside (each a fraction of a
  //    second, so they barely slow the ladder and are ready long before it).
  const thumbExt = opts.thumbnailFormat === "jpeg" ? "jpg" : "webp";
  const thumbPath = join(opts.outDir, `thumb.${thumbExt}`);
  const soundPath = join(opts.outDir, "sound.m4a");
  // A new "original sound" exists when the video has a soundtrack of its own (not a
  // library sound); duet and stitch bring the other video's soundtrack in.
  const changesSound = (spec.speed ?? 1) !== 1 || !!spec.duet || !!spec.stitch;
  const wantsSound = !spec.sound && (!!validated.info.audio || !!spec.duet || !!spec.stitch);
  const soundFromSource = wantsSound && !changesSound && !!validated.info.audio;

  const ladder = ladderCommand(source, spec, assets, opts.outDir, opts);
  // ffmpeg's HLS muxer does not create directories.
  for (const d of [...ladder.rungs.map((r) => r.dir), ladder.audioDir]) await mkdir(d, { recursive: true });
  const ladderStart = since();
  report("ladder", 0);
  const [, , soundCopied] = await Promise.all([
    runFfmpeg(ladder.args, { ...step, durationSec: ladder.durationSec, onProgress: (p) => p.ratio !== undefined && report("ladder", p.ratio) }),
    runFfmpeg(
      thumbnailCommand(source, spec, assets, thumbPath, opts.thumbnailFormat ?? "webp", { atSec: opts.thumbnailAtSec, outputDurationSec: ladder.durationSec }).args,
      step,
    ).then(() => report("thumbnail", 1)),
    soundFromSource
      ? (async () => {
          const c = audioExtractCommand(source, soundPath);
          await runFfmpeg(c.args, step);
          report("audio", 1);
          return c.copied;
        })()
      : Promise.resolve(false),
  ]);
  const ladderMs = since() - ladderStart;
  report("ladder", 1);
  await previewDone;
  if (wantsSound && !soundFromSource) {
    await runFfmpeg(audioFromRenditionCommand(join(ladder.audioDir, "index.m3u8"), soundPath, ladder.durationSec).args, step);
    report("audio", 1);
  }

  // 3. Measure what was written, and check nothing came out short (a file damaged past
  //    what the packet scan saw decodes to less than it promised).
  const audioPlaylist = join(ladder.audioDir, "index.m3u8");
  const audioPl = await readMediaPlaylist(audioPlaylist);
  const audioRates = measureBitrates(audioPl);
  const renditions: Rendition[] = [];
  const files: string[] = [relative(opts.outDir, audioPlaylist), ...segmentFiles(opts.outDir, ladder.audioDir, audioPl)];
  for (const { rung, dir } of ladder.rungs) {
    const playlist = join(dir, "index.m3u8");
    const pl = await readMediaPlaylist(playlist);
    const rates = measureBitrates(pl);
    assertNotShort(rates, ladder.durationSec, rung.name);
    const codec = (await avcCodecString(join(dir, pl.mapUri ?? "init.mp4"))) ?? "avc1.640028";
    renditions.push({
      name: rung.name,
      width: rung.width,
      height: rung.height,
      bandwidth: Math.ceil(rates.peak + audioRates.peak),
      averageBandwidth: Math.ceil(rates.average + audioRates.average),
      codecs: `${codec},mp4a.40.2`,
      frameRate: ladder.fps.value,
      playlist: relative(opts.outDir, playlist),
    });
    files.push(relative(opts.outDir, playlist), ...segmentFiles(opts.outDir, dir, pl));
  }

  const variants: VariantEntry[] = startFirst(renditions).map((r) => ({
    uri: r.playlist,
    bandwidth: r.bandwidth,
    averageBandwidth: r.averageBandwidth,
    width: r.width,
    height: r.height,
    frameRate: r.frameRate,
    codecs: r.codecs,
    audioGroup: "aac",
  }));
  const audioRel = relative(opts.outDir, audioPlaylist);
  await writeFile(join(opts.outDir, MASTER), renderMasterPlaylist(variants, { groupId: "aac", name: "Original", uri: audioRel, channels: 2 }));
  const thumbRel = relative(opts.outDir, thumbPath);
  const finalFiles = [...files, thumbRel, ...(wantsSound ? ["sound.m4a"] : []), MASTER];
  if (opts.publish) await opts.publish(opts.outDir, finalFiles, "final");
  report("done", 1);

  const v = validated.info.video;
  const manifest: MediaManifest = {
    durationSec: ladder.durationSec,
    master: MASTER,
    renditions,
    audio: { playlist: audioRel, bandwidth: Math.ceil(audioRates.peak), averageBandwidth: Math.ceil(audioRates.average), codecs: "mp4a.40.2" },
    thumbnail: thumbRel,
    firstPlayable: { kind: firstKind, playlist: firstUri, atMs: firstPlayableMs },
    timings: { probeMs, firstPlayableMs, ladderMs, totalMs: since() },
    source: { width: v.displayWidth, height: v.displayHeight, codec: v.codec, fps: v.fps, hdr: v.hdr, bitDepth: v.bitDepth },
  };
  if (wantsSound) manifest.sound = { path: "sound.m4a", copied: soundFromSource && soundCopied };
  return manifest;
}

/** Players start with the first variant: 720 is the usual sweet spot on a phone. */
function startFirst(rs: Rendition[]): Rendition[] {
  const sorted = [...rs].sort((a, b) => b.bandwidth - a.bandwidth);
  const start = sorted.find((r) => r.name === "720") ?? sorted[0];
  return start ? [start, ...sorted.filter((r) => r !== start)] : sorted;
}

/** Removes a package's working files (after publishing). */
export async function removeOutput(outDir: string): Promise<void> {
  await rm(outDir, { recursive: true, force: true });
}
