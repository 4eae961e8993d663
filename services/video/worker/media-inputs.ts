// What a processing job reads besides its upload, fetched from the blob store into the
// job's work directory (the media layer works on local files): the green screen
// background, the duet or stitch source (remuxed from its HLS package into one MP4),
// and the chosen sound's audio. Anything gone for good is a PermanentJobError with a
// reason the uploader can read.
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, extname, join, posix } from "node:path";
import { pipeline } from "node:stream/promises";
import { VideoColorFilter, VideoProcessingFailure, VideoRemixKind, VideoSpeed } from "@flick/contracts/flick/events/v1/video_pb";
import { BlobNotFoundError, COLOR_FILTERS, runFfmpeg, type BlobStore, type ColorFilterName, type EffectsSpec, type Speed } from "@flick/media";
import { readSound } from "../../sound/sounds.js";
import { readVideo } from "../aggregates.js";
import type { VideoState } from "../commands/video.decider.js";
import type { VideoContext } from "../video.context.js";

/** Retrying cannot help: the job fails for good with this reason. */
export class PermanentJobError extends Error {
  constructor(readonly reason: VideoProcessingFailure, readonly userMessage: string) {
    super(userMessage);
    this.name = "PermanentJobError";
  }
}

export async function download(blobs: BlobStore, key: string, path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const read = await blobs.get(key);
  await pipeline(read.body, createWriteStream(path));
}

const SPEED: Record<number, Speed> = { [VideoSpeed.VIDEO_SPEED_0_5X]: 0.5, [VideoSpeed.VIDEO_SPEED_1X]: 1, [VideoSpeed.VIDEO_SPEED_2X]: 2, [VideoSpeed.VIDEO_SPEED_3X]: 3 };

const COLOR: Record<number, string> = {
  [VideoColorFilter.VIVID]: "vivid",
  [VideoColorFilter.WARM]: "warm",
  [VideoColorFilter.COOL]: "cool",
  [VideoColorFilter.MONO]: "mono",
  [VideoColorFilter.VINTAGE]: "vintage",
  [VideoColorFilter.FADE]: "fade",
};

/** The media layer's name of a colour filter, or undefined when it has none yet. */
export function colorFilterName(filter: number): ColorFilterName | undefined {
  const name = COLOR[filter];
  return name && name in COLOR_FILTERS ? (name as ColorFilterName) : undefined;
}

export interface JobInputs {
  spec: EffectsSpec;
  /** The sound the published video uses when it does not get a new original sound. */
  soundId: string;
}

export async function jobInputs(ctx: VideoContext, video: VideoState, dir: string): Promise<JobInputs> {
  const spec: EffectsSpec = {};
  const fx = video.effects;
  if (fx?.speed) spec.speed = SPEED[fx.speed] ?? 1;
  if (fx?.colorFilter) {
    const color = colorFilterName(fx.colorFilter);
    if (!color) throw new PermanentJobError(VideoProcessingFailure.UNSUPPORTED_FORMAT, "This filter is not available.");
    spec.color = color;
  }
  if (fx?.greenScreenBackgroundUploadId) {
    const path = join(dir, "background");
    await fetchOr(ctx.blobs, `uploads/${fx.greenScreenBackgroundUploadId}`, path, VideoProcessingFailure.SOURCE_UNAVAILABLE, "The green screen background is gone. Please choose it again.");
    spec.greenScreen = { background: path };
  }
  let soundId = video.soundId;
  const remix = video.remix;
  if (remix && remix.kind !== VideoRemixKind.UNSPECIFIED) {
    const { state: source } = await readVideo(ctx.events, remix.sourceVideoId);
    if (source.status !== "ready" || !source.playback) {
      throw new PermanentJobError(VideoProcessingFailure.SOURCE_UNAVAILABLE, "The video you remixed is no longer available.");
    }
    const path = await materialize(ctx.blobs, source, join(dir, "source"));
    if (remix.kind === VideoRemixKind.DUET) {
      spec.duet = { source: path };
      // A duet plays with the source's sound.
      soundId = source.soundId;
    } else {
      spec.stitch = { source: path, clipStartSec: remix.clipStartMs / 1000, clipEndSec: remix.clipEndMs / 1000 };
    }
  }
  if (video.soundId && remix?.kind !== VideoRemixKind.DUET) {
    const sound = await readSound(ctx.events, video.soundId);
    if (!sound) throw new PermanentJobError(VideoProcessingFailure.SOUND_UNAVAILABLE, "The sound you chose is no longer available.");
    const path = join(dir, `sound${extname(sound.audioPath) || ".m4a"}`);
    await fetchOr(ctx.blobs, sound.audioPath, path, VideoProcessingFailure.SOUND_UNAVAILABLE, "The sound you chose is no longer available.");
    // "Use this sound" replaces the recording's sound unless the creator kept it (mixed under the track).
    spec.sound = { path, ...(video.keepOriginalAudio ? { keepOriginal: true } : {}) };
  }
  return { spec, soundId };
}

async function fetchOr(blobs: BlobStore, key: string, path: string, reason: VideoProcessingFailure, message: string): Promise<void> {
  try {
    await download(blobs, key, path);
  } catch (e) {
    if (e instanceof BlobNotFoundError) throw new PermanentJobError(reason, message);
    throw e;
  }
}

/**
 * A published video as one local MP4: its HLS package is downloaded (playlists and the
 * segments they name) and remuxed without re-encoding (first variant and the audio).
 */
async function materialize(blobs: BlobStore, video: VideoState, dir: string): Promise<string> {
  const master = video.playback!.masterPlaylistPath;
  const prefix = posix.dirname(master) + "/";
  let any = false;
  for await (const stat of blobs.list(prefix)) {
    if (!/\.(m3u8|m4s|mp4|m4a|ts|aac)$/i.test(stat.key) || stat.key.endsWith("/sound.m4a")) continue;
    await download(blobs, stat.key, join(dir, stat.key.slice(prefix.length)));
    any = true;
  }
  if (!any) throw new PermanentJobError(VideoProcessingFailure.SOURCE_UNAVAILABLE, "The video you remixed is no longer available.");
  const out = join(dir, "source.mp4");
  await runFfmpeg(["-y", "-i", join(dir, posix.basename(master)), "-map", "0:v:0", "-map", "0:a:0?", "-c", "copy", out], { timeoutMs: 120_000 });
  return out;
}
