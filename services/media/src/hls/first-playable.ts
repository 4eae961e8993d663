// "Something plays at once": a stream copy of an H.264/AAC upload, or a growing preview.
import { mkdir, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import type { SourceRef } from "../effects/graph.js";
import type { EffectAssets, EffectsSpec } from "../effects/spec.js";
import { runFfmpeg, type RunOptions } from "../ffmpeg/ffmpeg.js";
import type { ValidatedSource } from "../probe/validate.js";
import { copyCommand, previewCommand } from "./commands.js";
import { avcCodecString, setDisplayMatrix } from "./init-segment.js";
import { assertNotShort, segmentFiles } from "./package-files.js";
import { measureBitrates, readMediaPlaylist, renderMediaPlaylist, type VariantEntry } from "./playlist.js";
import type { Publisher } from "./pipeline.js";

export interface FirstPlayable {
  kind: "copy" | "preview";
  variant: VariantEntry;
  files: string[];
}

/** Stream copy into HLS fMP4: no decode, done in a fraction of a second. */
export async function firstByCopy(source: SourceRef, validated: ValidatedSource, outDir: string, run: RunOptions): Promise<FirstPlayable> {
  const c = copyCommand(source, outDir);
  await mkdir(c.dir, { recursive: true });
  await runFfmpeg(c.args, run);
  const playlist = join(c.dir, "index.m3u8");
  const pl = await readMediaPlaylist(playlist);
  const init = join(c.dir, pl.mapUri ?? "init.mp4");
  const v = validated.info.video;
  // ffmpeg's HLS muxer drops the display matrix on copy; put the source's back so a
  // phone clip stored sideways plays upright.
  if (v.displayMatrix && v.rotation !== 0) await setDisplayMatrix(init, v.displayMatrix);
  const rates = measureBitrates(pl);
  const codec = (await avcCodecString(init)) ?? "avc1.640028";
  return {
    kind: "copy",
    variant: {
      uri: relative(outDir, playlist),
      bandwidth: rates.peak,
      averageBandwidth: rates.average,
      width: v.displayWidth,
      height: v.displayHeight,
      frameRate: v.fps,
      codecs: validated.info.audio ? `${codec},mp4a.40.2` : codec,
    },
    files: [relative(outDir, playlist), ...segmentFiles(outDir, c.dir, pl)],
  };
}

/**
 * The preview, announced once two segments (4 s) exist — a player can start then, since
 * the preview encodes several times faster than real time — and republished as it grows
 * (segments first, then the playlist), ending with #EXT-X-ENDLIST. Resolves when complete.
 */
export function growingPreview(
  source: SourceRef,
  spec: EffectsSpec,
  assets: EffectAssets,
  outDir: string,
  run: RunOptions,
  announce: (f: FirstPlayable) => Promise<void>,
  publish: Publisher | undefined,
): { announced: Promise<void>; done: Promise<void> } {
  let announcedResolve!: () => void;
  const announcedPromise = new Promise<void>((r) => (announcedResolve = r));
  const done = runPreview(source, spec, assets, outDir, run, async (f) => {
    await announce(f);
    announcedResolve();
  }, publish);
  // The caller races announced against done, so a failure surfaces through done.
  done.catch(() => undefined);
  return { announced: announcedPromise, done };
}

async function runPreview(
  source: SourceRef,
  spec: EffectsSpec,
  assets: EffectAssets,
  outDir: string,
  run: RunOptions,
  announce: (f: FirstPlayable) => Promise<void>,
  publish: Publisher | undefined,
): Promise<void> {
  const c = previewCommand(source, spec, assets, outDir);
  await mkdir(c.dir, { recursive: true });
  const ffmpegPlaylist = join(c.dir, "index.m3u8");
  const playPath = join(c.dir, "play.m3u8");
  const published = new Set<string>();
  let announced = false;
  let failure: unknown;
  let chain = Promise.resolve();

  const sync = async (ended: boolean) => {
    let pl: Awaited<ReturnType<typeof readMediaPlaylist>>;
    try {
      pl = await readMediaPlaylist(ffmpegPlaylist);
    } catch {
      return; // no segment finished yet
    }
    const fresh = segmentFiles(outDir, c.dir, pl).filter((f) => !published.has(f));
    if (!ended && (announced ? fresh.length === 0 : pl.segments.length < 2)) return;
    if (ended) assertNotShort(measureBitrates(pl), c.durationSec, "preview");
    await writeFile(playPath, renderMediaPlaylist(pl, { type: "EVENT", ended, startAtZero: true }));
    const files = [...fresh, relative(outDir, playPath)];
    if (!announced) {
      announced = true;
      const rates = measureBitrates(pl);
      const codec = (await avcCodecString(join(c.dir, pl.mapUri ?? "init.mp4"))) ?? "avc1.64001e";
      // The peak is not known until the end: advertise the rung's cap if it is higher.
      const cap = (c.rung.maxrateKbps + 96) * 1000;
      await announce({
        kind: "preview",
        variant: {
          uri: relative(outDir, playPath),
          bandwidth: Math.max(rates.peak, cap),
          averageBandwidth: rates.average,
          width: c.rung.width,
          height: c.rung.height,
          frameRate: c.fps.value,
          codecs: `${codec},mp4a.40.2`,
        },
        files,
      });
    } else if (publish) {
      await publish(outDir, files, "preview");
    }
    for (const f of fresh) published.add(f);
  };
  const enqueue = (ended: boolean) => {
    chain = chain.then(() => sync(ended)).catch((e: unknown) => {
      failure ??= e;
    });
    return chain;
  };

  await runFfmpeg(c.args, {
    ...run,
    durationSec: c.durationSec,
    // Each progress report (twice a second) is a chance to publish new segments.
    onProgress: () => void enqueue(false),
  });
  await enqueue(true);
  if (failure) throw failure;
}
