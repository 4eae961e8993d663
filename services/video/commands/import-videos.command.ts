// ImportVideos (admins): already transcoded videos, published at once through the same
// event as a processed upload (VideoPublished, imported = true), with an original sound
// (SoundCreated) where the item brings its audio. Built for bulk loads (the demo
// catalogue, the feed simulator's 20,000 videos): items are checked concurrently, each new
// stream is written with one append expecting no stream (no read first), the appends of a
// request go to the store together, and the lookups an item needs (creators, sounds,
// assets) are cached for the batch. A retried request,
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

  // Checks and lookups run concurrently; then the request's appends are submitted all at
  // once, sounds before the videos that name them, so the event store commits them in a
  // few large groups (group commit) instead of hundreds of small ones. That matters to the
  // read side more than to the log: every commit wakes every projection, and on the
  // embedded profile they all share one PGlite.
  const cache = lookups(ctx);
  const outcomes: ImportOutcome[] = new Array(req.videos.length);
  const prepared: PreparedImport[] = [];
  const fail = (i: number, e: unknown) => {
    if (!(e instanceof DomainError)) throw e;
    outcomes[i] = { index: i, videoId: "", errorCode: e.code, errorMessage: e.message };
  };
  await inParallel(req.videos, CONCURRENCY, async (item, i) => {
    const videoId = item.videoId || derivedId("vid", req.requestId, String(i));
    try {
      prepared.push(await prepareOne(ctx, cache, caller, `${req.requestId}.${i}`, videoId, item, hashtags[i]!, i));
    } catch (e) {
      fail(i, e);
    }
  });
  prepared.sort((a, b) => a.index - b.index);
  const withSound = prepared.filter((p) => p.sound);
  const soundFailed = new Set<number>();
  await Promise.all(
    withSound.map(async (p) => {
      try {
        await p.sound!();
      } catch (e) {
        soundFailed.add(p.index);
        fail(p.index, e);
      }
    }),
  );
  let lastCheckpoint: string | undefined;
  await Promise.all(
    prepared
      .filter((p) => !soundFailed.has(p.index))
      .map(async (p) => {
        try {
          const checkpoint = await p.video();
          if (checkpoint && (!lastCheckpoint || ctx.events.compareCheckpoints(checkpoint, lastCheckpoint) > 0)) lastCheckpoint = checkpoint;
          outcomes[p.index] = { index: p.index, videoId: p.videoId, errorCode: "", errorMessage: "" };
        } catch (e) {
          fail(p.index, e);
        }
      }),
  );
  ctx.ryw.note(caller.userId, lastCheckpoint);
  return outcomes;
}

/** One checked item: its appends, still to run (the sound's first). */
interface PreparedImport {
  index: number;
  videoId: string;
  sound?: () => Promise<string | undefined>;
  video: () => Promise<string | undefined>;
}

async function inParallel<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) await work(items[i]!, i);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

interface Lookups {
  creatorExists(userId: string): Promise<boolean>;
  soundExists(soundId: string): Promise<boolean>;
  assetExists(key: string): Promise<boolean>;
}

/**
 * Sounds known to exist, across requests: a sound is never deleted, so a yes stays true
 * (a bulk load's later requests name the sounds its first ones created, thousands of
 * stream reads otherwise).
 */
const knownSounds = new WeakMap<VideoContext, Set<string>>();
const KNOWN_SOUNDS_MAX = 100_000;
/**
 * Creators found active, for a few seconds: a bulk load's consecutive requests post for
 * the same creators. An account can be deleted, but the check and the append were never
 * atomic (no cross-stream transaction), so this only widens a race that exists anyway
 * from a request's duration to a few seconds.
 */
const activeCreators = new WeakMap<VideoContext, Map<string, number>>();
const CREATOR_CHECK_TTL_MS = 5_000;

function lookups(ctx: VideoContext): Lookups {
  const memo = <T>(f: (k: string) => Promise<T>) => {
    const m = new Map<string, Promise<T>>();
    return (k: string) => {
      let p = m.get(k);
      if (!p) m.set(k, (p = f(k)));
      return p;
    };
  };
  let known = knownSounds.get(ctx);
  if (!known) knownSounds.set(ctx, (known = new Set()));
  const seen = known;
  let active = activeCreators.get(ctx);
  if (!active) activeCreators.set(ctx, (active = new Map()));
  const creators = active;
  return {
    creatorExists: memo(async (id) => {
      if ((creators.get(id) ?? 0) > Date.now()) return true;
      const exists = (await loadAccount(ctx.events, id)).status === "active";
      if (exists) {
        if (creators.size >= KNOWN_SOUNDS_MAX) creators.clear();
        creators.set(id, Date.now() + CREATOR_CHECK_TTL_MS);
      }
      return exists;
    }),
    soundExists: memo(async (id) => {
      if (seen.has(id)) return true;
      const exists = (await readSound(ctx.events, id)) !== undefined;
      if (exists) {
        if (seen.size >= KNOWN_SOUNDS_MAX) seen.clear();
        seen.add(id);
      }
      return exists;
    }),
    assetExists: memo(async (key) => (await ctx.blobs.stat(key)) !== undefined),
  };
}

async function prepareOne(
  ctx: VideoContext,
  cache: Lookups,
  caller: Caller,
  requestId: string,
  videoId: string,
  item: ImportedVideo,
  hashtags: string[],
  index: number,
): Promise<PreparedImport> {
  if (!(await cache.creatorExists(item.creatorUserId))) throw new NotFoundError("user", item.creatorUserId);
  const assets = [item.masterPlaylistPath, item.thumbnailPath, ...item.renditions.map((r) => r.playlistPath)];
  if (item.sound.case === "originalSound") assets.push(item.sound.value.audioPath);
  for (const key of assets) {
    if (!(await cache.assetExists(key))) throw new FailedPreconditionError(`${key} is not in the blob store`, "asset_missing");
  }
  let soundId: string;
  let createSound: (() => Promise<string | undefined>) | undefined;
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
    const sid = soundId;
    createSound = () =>
      createFast(ctx.events, soundStreams.sound(sid), metadata, create(SoundCreatedSchema, { ...sound, occurredAt: timestampFromDate(at) }), soundCodec, () =>
        handleCommand(ctx.events, { stream: soundStreams.sound(sid), decider: soundDecider, command: { type: "Create", sound, at }, requestId, codec: soundCodec, metadata }),
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
  const video = () =>
    createFast(ctx.events, streams.video(videoId), metadata, create(VideoPublishedSchema, { ...published, occurredAt: timestampFromDate(at) }), videoCodec, () =>
      handleCommand(ctx.events, { stream: streams.video(videoId), decider: videoDecider, command: { type: "Import", published, at }, requestId, codec: videoCodec, metadata }),
    );
  return { index, videoId, sound: createSound, video };
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
