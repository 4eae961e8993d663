// One attempt at one video's processing job, by the worker that claimed it: fetch the
// upload and what its effects need, run the media pipeline (validate → something
// playable → the ladder, thumbnail and audio), copy the package to the blob store as it
// appears, and write the job's progress and outcome to the video's stream. Every append
// names the attempt, so a worker whose job was taken over is stopped at its next write.
import { randomBytes } from "node:crypto";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import {
  HlsPlaybackSchema,
  HlsRenditionSchema,
  VideoProcessingFailure,
  VideoProcessingStage,
  type HlsPlayback,
} from "@flick/contracts/flick/events/v1/video_pb";
import { blobPublisher, BlobNotFoundError, MediaRejectedError, processVideo, type MediaManifest, type RejectReason } from "@flick/media";
import { handleCommand } from "@flick/kernel";
import { soundDecider } from "../../sound/commands/sound.decider.js";
import { soundCodec, soundStreams } from "../../sound/events.js";
import { readUpload, readVideo } from "../aggregates.js";
import { StaleAttemptError, videoDecider, type VideoCommand } from "../commands/video.decider.js";
import { blobKeys, originalSoundId, streams, videoCodec } from "../events.js";
import { UPLOAD_SHARE } from "../projections/upload-status.projection.js";
import type { LiveProgress } from "../queries/upload-status.query.js";
import type { VideoContext } from "../video.context.js";
import { download, jobInputs, PermanentJobError } from "./media-inputs.js";

export interface Job {
  videoId: string;
  attempt: number;
  workerId: string;
}

const REASONS: Record<RejectReason, VideoProcessingFailure> = {
  NOT_MEDIA: VideoProcessingFailure.UNREADABLE_MEDIA,
  NO_VIDEO: VideoProcessingFailure.UNREADABLE_MEDIA,
  CORRUPT: VideoProcessingFailure.UNREADABLE_MEDIA,
  IMAGE_NOT_VIDEO: VideoProcessingFailure.UNSUPPORTED_FORMAT,
  UNSUPPORTED_FORMAT: VideoProcessingFailure.UNSUPPORTED_FORMAT,
  TOO_SHORT: VideoProcessingFailure.DURATION_OUT_OF_RANGE,
  TOO_LONG: VideoProcessingFailure.DURATION_OUT_OF_RANGE,
  TOO_LARGE: VideoProcessingFailure.METADATA_MISMATCH,
  RESOLUTION_TOO_LOW: VideoProcessingFailure.RESOLUTION_OUT_OF_RANGE,
  RESOLUTION_TOO_HIGH: VideoProcessingFailure.RESOLUTION_OUT_OF_RANGE,
  INVALID_EFFECT: VideoProcessingFailure.SOURCE_UNAVAILABLE,
  METADATA_MISMATCH: VideoProcessingFailure.METADATA_MISMATCH,
};

/** Overall percent (upload bytes are the first UPLOAD_SHARE) at each point of processing. */
const PERCENT = { validating: UPLOAD_SHARE + 2, validated: 38, firstPlayable: 50, ladderEnd: 90, finalizing: 92 };

export type JobOutcome = "published" | "failed" | "retry" | "stale";

export async function runJob(ctx: VideoContext, job: Job, signal: AbortSignal): Promise<JobOutcome> {
  const { videoId, attempt } = job;
  const dir = join(ctx.settings.media.workDir, `${videoId}-${attempt}-${randomBytes(4).toString("hex")}`);
  let seq = 0;
  const append = (command: VideoCommand) =>
    handleCommand(ctx.events, {
      stream: streams.video(videoId),
      decider: videoDecider,
      command,
      // Unique per write of this attempt; a retry inside the handler keeps it.
      requestId: `${job.workerId}.${attempt}.${seq++}`,
      codec: videoCodec,
      metadata: { actor: `media-worker:${job.workerId}` },
    });
  try {
    const { state } = await readVideo(ctx.events, videoId);
    const live = liveProgress(ctx, state.uploadId);
    live(VideoProcessingStage.VALIDATING, PERCENT.validating);
    await mkdir(dir, { recursive: true });
    const input = join(dir, "upload");
    try {
      await download(ctx.blobs, `uploads/${state.uploadId}`, input);
    } catch (e) {
      if (e instanceof BlobNotFoundError) throw new PermanentJobError(VideoProcessingFailure.UNREADABLE_MEDIA, "The uploaded file is gone. Please upload the video again.");
      throw e;
    }
    const { spec, soundId } = await jobInputs(ctx, state, join(dir, "inputs"));
    // What InitUpload declared (and its limits were checked against) must be what came.
    const { state: declared } = await readUpload(ctx.events, state.uploadId);
    const prefix = blobKeys.videoPrefix(videoId);
    const publish = blobPublisher(ctx.blobs, prefix);
    const effects = Object.keys(spec).length > 0;

    // Appends from progress callbacks run in order; a refusal (taken over, deleted) stops the job.
    let chain: Promise<unknown> = Promise.resolve();
    const abort = new AbortController();
    const jobSignal = AbortSignal.any([signal, abort.signal]);
    let stopped: unknown;
    const later = (command: VideoCommand) => {
      chain = chain.then(() => append(command)).catch((e: unknown) => {
        stopped ??= e;
        abort.abort();
      });
      return chain;
    };

    const manifest: MediaManifest = await processVideo({
      input,
      outDir: join(dir, "out"),
      kind: "upload",
      limits: ctx.settings.media.limits,
      effects: spec,
      presets: ctx.settings.media.presets,
      threads: ctx.settings.media.x264Threads,
      thumbnailAtSec: state.thumbnailOffsetMs > 0 ? state.thumbnailOffsetMs / 1000 : undefined,
      declared: { sizeBytes: Number(declared.sizeBytes), durationMs: declared.durationMs, width: declared.width, height: declared.height },
      signal: jobSignal,
      onProgress: (p) => {
        if (p.stage === "probe" && p.ratio === 1) {
          const stage = effects ? VideoProcessingStage.RENDERING : VideoProcessingStage.TRANSCODING;
          live(stage, PERCENT.validated);
          void later({ type: "Progress", attempt, stage, percent: PERCENT.validated, playable: false, at: ctx.now() });
        } else if (p.stage === "ladder") {
          live(VideoProcessingStage.TRANSCODING, Math.round(PERCENT.firstPlayable + (PERCENT.ladderEnd - PERCENT.firstPlayable) * p.ratio));
        }
      },
      publish: async (root, files, phase) => {
        await publish(root, files);
        if (phase === "first-playable") {
          const playlist = files.find((f) => f.endsWith(".m3u8") && f !== "master.m3u8");
          const playback = create(HlsPlaybackSchema, {
            masterPlaylistPath: `${prefix}master.m3u8`,
            renditions: playlist ? [create(HlsRenditionSchema, { quality: "preview", playlistPath: prefix + playlist })] : [],
          });
          live(VideoProcessingStage.TRANSCODING, PERCENT.firstPlayable);
          await later({ type: "Progress", attempt, stage: VideoProcessingStage.TRANSCODING, percent: PERCENT.firstPlayable, playable: true, playback, at: ctx.now() });
        }
      },
    }).catch(async (e: unknown) => {
      await chain;
      throw stopped ?? e;
    });
    await chain;
    if (stopped) throw stopped;

    live(VideoProcessingStage.FINALIZING, PERCENT.finalizing);
    await append({ type: "Progress", attempt, stage: VideoProcessingStage.FINALIZING, percent: PERCENT.finalizing, playable: false, at: ctx.now() });
    let usedSound = soundId;
    if (!usedSound && manifest.sound) usedSound = await createOriginalSound(ctx, videoId, state.userId, join(dir, "out", manifest.sound.path), manifest);
    const top = [...manifest.renditions].sort((a, b) => b.width * b.height - a.width * a.height)[0];
    await append({
      type: "Publish",
      attempt,
      soundId: usedSound,
      playback: playbackOf(prefix, manifest),
      thumbnailPath: prefix + manifest.thumbnail,
      durationMs: Math.round(manifest.durationSec * 1000),
      width: top?.width ?? manifest.source.width,
      height: top?.height ?? manifest.source.height,
      at: ctx.now(),
    });
    return "published";
  } catch (e) {
    return await settleFailure(ctx, job, e, (c) => append(c), signal.aborted);
  } finally {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

function playbackOf(prefix: string, m: MediaManifest): HlsPlayback {
  return create(HlsPlaybackSchema, {
    masterPlaylistPath: prefix + m.master,
    renditions: [...m.renditions]
      .sort((a, b) => b.width * b.height - a.width * a.height)
      .map((r) => create(HlsRenditionSchema, { quality: `${r.name}p`, width: r.width, height: r.height, bandwidth: r.bandwidth, playlistPath: prefix + r.playlist })),
  });
}

/** The upload's audio becomes a sound of its own (it outlives the video), credited to the creator. */
async function createOriginalSound(ctx: VideoContext, videoId: string, userId: string, localPath: string, m: MediaManifest): Promise<string> {
  const soundId = originalSoundId(videoId);
  const audioPath = blobKeys.soundAudio(soundId);
  await ctx.blobs.putFile(audioPath, localPath);
  await handleCommand(ctx.events, {
    stream: soundStreams.sound(soundId),
    decider: soundDecider,
    command: {
      type: "Create",
      sound: { soundId, original: true, title: "original sound", authorUserId: userId, sourceVideoId: videoId, durationMs: Math.round(m.durationSec * 1000), audioPath },
      at: ctx.now(),
    },
    requestId: `original-sound-${videoId}`,
    codec: soundCodec,
    metadata: { actor: "media-worker" },
  });
  return soundId;
}

async function settleFailure(ctx: VideoContext, job: Job, e: unknown, append: (c: VideoCommand) => Promise<unknown>, shutdown: boolean): Promise<JobOutcome> {
  if (e instanceof StaleAttemptError) {
    // Taken over, or the video was deleted meanwhile: whatever this attempt wrote goes.
    const { state } = await readVideo(ctx.events, job.videoId);
    if (state.status === "deleted") await ctx.blobs.deletePrefix(blobKeys.videoPrefix(job.videoId));
    return "stale";
  }
  let reason = VideoProcessingFailure.INTERNAL;
  let message: string;
  let permanent = false;
  if (e instanceof MediaRejectedError) {
    reason = REASONS[e.reason] ?? VideoProcessingFailure.UNREADABLE_MEDIA;
    message = e.userMessage;
    permanent = true;
  } else if (e instanceof PermanentJobError) {
    reason = e.reason;
    message = e.userMessage;
    permanent = true;
  } else if (shutdown) {
    message = "The worker processing the video stopped; another one will take over.";
  } else {
    console.error(`media worker: video ${job.videoId} attempt ${job.attempt}:`, e);
    message = "Processing failed for a technical reason; it will be tried again.";
  }
  const willRetry = !permanent && job.attempt < ctx.settings.worker.maxAttempts;
  if (!permanent && !willRetry) message = `Processing kept failing (${job.attempt} attempts). Please upload the video again.`;
  try {
    await append({ type: "Fail", attempt: job.attempt, reason, message, willRetry, at: ctx.now() });
  } catch (err) {
    if (err instanceof StaleAttemptError) return "stale";
    // Nothing recorded: the lease runs out and another worker takes the job over.
    console.error(`media worker: video ${job.videoId}: could not record the failure:`, err);
    return "retry";
  }
  return willRetry ? "retry" : "failed";
}

/** Writes the finer progress WatchUploadStatus streams (not in the log), at most every 300 ms. */
function liveProgress(ctx: VideoContext, uploadId: string): (stage: VideoProcessingStage, percent: number) => void {
  let lastAt = 0;
  let lastPercent = -1;
  return (stage, percent) => {
    const now = Date.now();
    if (!uploadId || percent <= lastPercent || (now - lastAt < 300 && percent < 100)) return;
    lastAt = now;
    lastPercent = percent;
    const value: LiveProgress = { stage, percent, at: now };
    void ctx.progress.set(uploadId, JSON.stringify(value)).catch(() => undefined);
  };
}
