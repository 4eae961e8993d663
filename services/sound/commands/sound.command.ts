// SaveSound / UnsaveSound (a user's favourites) and ImportLibrarySound (admins: a
// licensed track from an audio upload or a file already in the blob store). Library audio
// is stored as AAC in MP4 under sounds/<id>/, converted once at import if it came in
// another format, so players and the recorder get one format.
import { randomBytes } from "node:crypto";
import { mkdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ImportLibrarySoundRequest } from "@flick/contracts/flick/sound/v1/sound_service_pb";
import { UploadMediaKind } from "@flick/contracts/flick/events/v1/video_pb";
import { FailedPreconditionError, handleCommand, NotFoundError } from "@flick/kernel";
import { FfmpegError, probeMedia, runFfmpeg } from "@flick/media";
import type { Caller } from "@flick/server";
import { readUpload } from "../../video/aggregates.js";
import { derivedId } from "../../video/events.js";
import type { VideoContext } from "../../video/video.context.js";
import { download } from "../../video/worker/media-inputs.js";
import { soundCodec, soundSaveCodec, soundStreams } from "../events.js";
import { readSound } from "../sounds.js";
import { soundDecider } from "./sound.decider.js";
import { soundSaveDecider } from "./sound-save.decider.js";

export async function saveSound(ctx: VideoContext, caller: Caller, requestId: string, soundId: string, save: boolean): Promise<void> {
  if (!(await readSound(ctx.events, soundId))) throw new NotFoundError("sound", soundId);
  const result = await handleCommand(ctx.events, {
    stream: soundStreams.save(caller.userId, soundId),
    decider: soundSaveDecider,
    command: { type: save ? "Save" : "Unsave", userId: caller.userId, soundId, at: ctx.now() },
    requestId,
    codec: soundSaveCodec,
    metadata: { actor: caller.userId },
  });
  ctx.ryw.note(caller.userId, result.checkpoint);
}

/** How far the declared length may be from the file's (container rounding, encoder padding). */
const DURATION_TOLERANCE_MS = 1_000;

export async function importLibrarySound(ctx: VideoContext, caller: Caller, req: ImportLibrarySoundRequest): Promise<{ soundId: string; checkpoint: string | undefined }> {
  const soundId = req.soundId || derivedId("snd", caller.userId, req.requestId);
  const existing = await readSound(ctx.events, soundId);
  const audioPath = `sounds/${soundId}/audio.m4a`;
  if (!existing) {
    const source = await audioSource(ctx, caller, req);
    if (req.coverPath && !(await ctx.blobs.stat(req.coverPath))) throw new FailedPreconditionError(`${req.coverPath} is not in the blob store`, "asset_missing");
    const dir = join(tmpdir(), `flick-sound-${randomBytes(6).toString("hex")}`);
    try {
      await mkdir(dir, { recursive: true });
      const input = join(dir, "input");
      await download(ctx.blobs, source, input);
      const info = await probeMedia(input).catch((e: unknown) => {
        if (e instanceof FfmpegError) throw new FailedPreconditionError("the file is not audio we can read", "unreadable");
        throw e;
      });
      if (!info.audio) throw new FailedPreconditionError("the file has no audio track", "no_audio");
      const actualMs = Math.round((info.durationSec ?? 0) * 1000);
      if (Math.abs(actualMs - req.durationMs) > DURATION_TOLERANCE_MS) {
        throw new FailedPreconditionError(`duration_ms is ${req.durationMs} but the file is ${actualMs} ms long`, "duration_mismatch");
      }
      const output = join(dir, "audio.m4a");
      const copy = info.audio.codec === "aac";
      await runFfmpeg(["-y", "-i", input, "-vn", "-map", "0:a:0", ...(copy ? ["-c:a", "copy"] : ["-c:a", "aac", "-b:a", "160k"]), "-movflags", "+faststart", output], { timeoutMs: 120_000 });
      await ctx.blobs.putFile(audioPath, output);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  const result = await handleCommand(ctx.events, {
    stream: soundStreams.sound(soundId),
    decider: soundDecider,
    command: {
      type: "Create",
      sound: {
        soundId,
        original: false,
        title: req.title,
        artist: req.artist,
        durationMs: req.durationMs,
        audioPath,
        coverPath: req.coverPath,
        adminUserId: caller.userId,
      },
      at: ctx.now(),
    },
    requestId: req.requestId,
    codec: soundCodec,
    metadata: { actor: caller.userId },
  });
  ctx.ryw.note(caller.userId, result.checkpoint);
  return { soundId, checkpoint: result.checkpoint };
}

/** The blob key of the audio to import: the caller's finished audio upload, or a file in the store. */
async function audioSource(ctx: VideoContext, caller: Caller, req: ImportLibrarySoundRequest): Promise<string> {
  if (req.audio.case === "uploadId") {
    const { state } = await readUpload(ctx.events, req.audio.value);
    if (state.status === "none" || state.userId !== caller.userId) throw new NotFoundError("upload", req.audio.value);
    if (state.kind !== UploadMediaKind.AUDIO) throw new FailedPreconditionError("the upload is not an audio upload", "not_audio");
    if (state.status !== "received") throw new FailedPreconditionError("the upload's bytes have not all arrived (or it expired)", "incomplete");
    return `uploads/${req.audio.value}`;
  }
  const key = req.audio.value!;
  if (!(await ctx.blobs.stat(key))) throw new FailedPreconditionError(`${key} is not in the blob store`, "asset_missing");
  return key;
}
