// ImportVideos (admins): already transcoded videos, published at once through the same
// event as a processed upload (VideoPublished, imported = true), with an original sound
// (SoundCreated) where the item brings its audio. Built for bulk loads (the demo
// catalogue, the feed simulator's 20,000 videos): items run concurrently, each new
// stream is written with one append expecting no stream (no read first), and the lookups
// an item needs (creators, sounds, assets) are cached for the batch. A retried request,
// or an item whose video already exists, falls back to the one command handler, which
// answers repeats and refuses a different video under a taken id.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { SoundCreatedSchema } from "@flick/contracts/flick/events/v1/sound_pb";
import { HlsPlaybackSchema, HlsRenditionSchema, VideoPrivacy, VideoPublishedSchema } from "@flick/contracts/flick/events/v1/video_pb";
import type { ImportedVideo, ImportVideosRequest } from "@flick/contracts/flick/video/v1/video_service_pb";
import { WrongExpectedRevisionError, type EventStore } from "@flick/event-store";
import { DomainError, eventId, FailedPreconditionError, handleCommand, NotFoundError, ValidationError, type FieldViolation } from "@flick/kernel";
import type { Caller } from "@flick/server";
import { loadAccount } from "../../identity/accounts.js";
import { soundDecider, type SoundCommand } from "../../sound/commands/sound.decider.js";
import { soundCodec, soundStreams } from "../../sound/events.js";
import { readSound } from "../../sound/sounds.js";
import { captionMentions, checkCaption, mergeHashtags } from "../domain/caption.js";
import { derivedId, originalSoundId, streams, videoCodec } from "../events.js";
import type { VideoContext } from "../video.context.js";
import { resolveMentions } from "./upload.command.js";
import { videoDecider, type PublishedInit } from "./video.decider.js";

export interface ImportOutcome {
  index: number;
  videoId: string;
  errorCode: string;
  errorMessage: string;
}

const CONCURRENCY = 32;

export async function importVideos(ctx: VideoContext, caller: Caller, req: ImportVideosRequest): Promise<ImportOutcome[]> {
  // Malformed items fail the whole batch, before anything is written.
  const violations: FieldViolation[] = [];
  const hashtags = req.videos.map((v, i) => {
    try {
      checkCaption(v.caption, `videos[${i}].caption`);
      return mergeHashtags(v.caption, v.hashtags, `videos[${i}].hashtags`);
    } catch (e) {
      if (e instanceof ValidationError) violations.push(...e.violations);
      return [];
    }
  });
  const maxMs = ctx.settings.media.limits.importMaxDurationSec * 1000;
  req.videos.forEach((v, i) => {
    if (v.durationMs > maxMs) violations.push({ field: `videos[${i}].duration_ms`, description: `at most ${maxMs} ms` });
  });
  if (violations.length) throw new ValidationError(violations);

  const cache = lookups(ctx);
  const outcomes: ImportOutcome[] = new Array(req.videos.length);
  let next = 0;
  let lastCheckpoint: string | undefined;
  const worker = async () => {
    for (let i = next++; i < req.videos.length; i = next++) {
      const item = req.videos[i]!;
      const videoId = item.videoId || derivedId("vid", req.requestId, String(i));
      try {
        lastCheckpoint = await importOne(ctx, cache, caller, `${req.requestId}.${i}`, videoId, item, hashtags[i]!) ?? lastCheckpoint;
        outcomes[i] = { index: i, videoId, errorCode: "", errorMessage: "" };
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        outcomes[i] = { index: i, videoId: "", errorCode: e.code, errorMessage: e.message };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, req.videos.length) }, worker));
  ctx.ryw.note(caller.userId, lastCheckpoint);
  return outcomes;
}

interface Lookups {
  creatorExists(userId: string): Promise<boolean>;
  soundExists(soundId: string): Promise<boolean>;
  assetExists(key: string): Promise<boolean>;
}

function lookups(ctx: VideoContext): Lookups {
  const memo = <T>(f: (k: string) => Promise<T>) => {
    const m = new Map<string, Promise<T>>();
    return (k: string) => {
      let p = m.get(k);
      if (!p) m.set(k, (p = f(k)));
      return p;
    };
  };
  return {
    creatorExists: memo(async (id) => (await loadAccount(ctx.events, id)).status === "active"),
    soundExists: memo(async (id) => (await readSound(ctx.events, id)) !== undefined),
    assetExists: memo(async (key) => (await ctx.blobs.stat(key)) !== undefined),
  };
}

async function importOne(
  ctx: VideoContext,
  cache: Lookups,
  caller: Caller,
  requestId: string,
  videoId: string,
  item: ImportedVideo,
  hashtags: string[],
): Promise<string | undefined> {
  if (!(await cache.creatorExists(item.creatorUserId))) throw new NotFoundError("user", item.creatorUserId);
  const assets = [item.masterPlaylistPath, item.thumbnailPath, ...item.renditions.map((r) => r.playlistPath)];
  if (item.sound.case === "originalSound") assets.push(item.sound.value.audioPath);
  for (const key of assets) {
    if (!(await cache.assetExists(key))) throw new FailedPreconditionError(`${key} is not in the blob store`, "asset_missing");
  }
  let soundId: string;
  const at = ctx.now();
  const metadata = { actor: caller.userId, requestId };
  if (item.sound.case === "soundId") {
    soundId = item.sound.value;
    if (!(await cache.soundExists(soundId))) throw new NotFoundError("sound", soundId);
  } else {
    soundId = originalSoundId(videoId);
    const sound: SoundCommand["sound"] = {
      soundId,
      original: true,
      title: item.sound.value!.title || "original sound",
      authorUserId: item.creatorUserId,
      sourceVideoId: videoId,
      durationMs: item.durationMs,
      audioPath: item.sound.value!.audioPath,
    };
    await createFast(ctx.events, soundStreams.sound(soundId), metadata, create(SoundCreatedSchema, { ...sound, occurredAt: timestampFromDate(at) }), soundCodec, () =>
      handleCommand(ctx.events, { stream: soundStreams.sound(soundId), decider: soundDecider, command: { type: "Create", sound, at }, requestId, codec: soundCodec, metadata }),
    );
  }
  const mentioned = captionMentions(item.caption).length ? await resolveMentions(ctx, item.creatorUserId, item.caption) : [];
  const published: PublishedInit = {
    videoId,
    userId: item.creatorUserId,
    uploadId: "",
    caption: item.caption,
    hashtags,
    mentionedUserIds: mentioned,
    soundId,
    privacy: (item.privacy || VideoPrivacy.PUBLIC) as number as VideoPrivacy,
    duetEnabled: item.duetEnabled ?? true,
    stitchEnabled: item.stitchEnabled ?? true,
    commentEnabled: item.commentEnabled ?? true,
    playback: create(HlsPlaybackSchema, {
      masterPlaylistPath: item.masterPlaylistPath,
      renditions: [...item.renditions]
        .sort((a, b) => b.height * b.width - a.height * a.width)
        .map((r) => create(HlsRenditionSchema, { quality: r.quality, width: r.width, height: r.height, bandwidth: r.bandwidth, playlistPath: r.playlistPath })),
    }),
    thumbnailPath: item.thumbnailPath,
    durationMs: item.durationMs,
    width: item.width,
    height: item.height,
    createdAt: item.createdAt ?? timestampFromDate(at),
    imported: true,
  };
  return createFast(ctx.events, streams.video(videoId), metadata, create(VideoPublishedSchema, { ...published, occurredAt: timestampFromDate(at) }), videoCodec, () =>
    handleCommand(ctx.events, { stream: streams.video(videoId), decider: videoDecider, command: { type: "Import", published, at }, requestId, codec: videoCodec, metadata }),
  );
}

/**
 * Starts a stream with one event in one round trip; when the stream already exists, the
 * command handler decides (a repeat of this request, the same content, or a conflict).
 */
async function createFast<E>(
  store: EventStore,
  stream: string,
  metadata: { actor: string; requestId: string },
  event: E,
  codec: { encode(e: E): { type: string; data: Uint8Array; contentType?: "application/octet-stream" | "application/json" } },
  slow: () => Promise<{ checkpoint: string | undefined }>,
): Promise<string | undefined> {
  try {
    const r = await store.append(stream, [{ id: eventId(metadata.requestId, stream, 0), ...codec.encode(event), metadata }], "no_stream");
    return r.checkpoint;
  } catch (e) {
    if (!(e instanceof WrongExpectedRevisionError)) throw e;
    return (await slow()).checkpoint;
  }
}
