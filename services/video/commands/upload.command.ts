// InitUpload and CompleteUpload: what the service checks and resolves around the upload
// and video deciders (I/O: other streams, read models, the upload endpoint), then the
// appends. CompleteUpload writes the completion to the upload's stream first — the one
// place where "one completion per upload" is decided, and the media job — and then, as
// its first event, to the new video's stream; a retry of the same request finishes both.
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { create } from "@bufbuild/protobuf";
import {
  UploadMediaKind,
  VideoColorFilter,
  VideoEffectsSchema,
  VideoPrivacy,
  VideoRemixKind,
  VideoRemixSchema,
  VideoSpeed,
  type UploadCompleted,
} from "@flick/contracts/flick/events/v1/video_pb";
import type { CompleteUploadRequest, InitUploadRequest } from "@flick/contracts/flick/video/v1/upload_service_pb";
import { FailedPreconditionError, handleCommand, NotFoundError, PermissionDeniedError, ValidationError } from "@flick/kernel";
import type { Caller } from "@flick/server";
import { profileRows, userIdByUsername } from "../../identity/accounts.js";
import { blocksBetween } from "../../social/blocking.js";
import { loadViewerContext } from "../../social/visibility.js";
import { readSound } from "../../sound/sounds.js";
import { readUpload, readVideo, videoIdOf } from "../aggregates.js";
import { captionMentions, checkCaption, mergeHashtags } from "../domain/caption.js";
import { derivedId, streams, uploadCodec, videoCodec } from "../events.js";
import type { UploadEndpoint } from "../upload-endpoint.js";
import { colorFilterName } from "../worker/media-inputs.js";
import type { VideoContext } from "../video.context.js";
import { uploadDecider, type CompletionDetails } from "./upload.decider.js";
import { videoDecider, type VideoState } from "./video.decider.js";

export interface InitUploadResult {
  uploadId: string;
  expiresAt: Date;
  sizeBytes: bigint;
}

export async function initUpload(ctx: VideoContext, endpoint: UploadEndpoint, caller: Caller, req: InitUploadRequest): Promise<InitUploadResult> {
  // The upload id follows from the request, so a retried InitUpload names the same upload.
  const uploadId = derivedId("upl", caller.userId, req.requestId);
  // Checked before, counted after: a request the decider refuses costs no quota.
  await ctx.uploadQuota.check(caller.userId, uploadId);
  const result = await handleCommand(ctx.events, {
    stream: streams.upload(uploadId),
    decider: uploadDecider,
    command: {
      type: "Init",
      uploadId,
      userId: caller.userId,
      isAdmin: caller.role === "admin",
      kind: req.kind as number as UploadMediaKind,
      contentType: req.contentType,
      sizeBytes: req.sizeBytes,
      durationMs: req.durationMs,
      width: req.width,
      height: req.height,
      fps: req.fps,
      storageKey: `uploads/${uploadId}`,
      ttlMs: ctx.settings.uploadTtlMs,
      limits: ctx.settings.limits,
      at: ctx.now(),
    },
    requestId: req.requestId,
    codec: uploadCodec,
    metadata: { actor: caller.userId },
  });
  const { state } = result;
  if (state.userId !== caller.userId) throw new NotFoundError("upload", uploadId);
  await ctx.uploadQuota.record(caller.userId, uploadId);
  await endpoint.prepare(uploadId, Number(state.sizeBytes), state.expiresAt);
  ctx.ryw.note(caller.userId, result.checkpoint);
  return { uploadId, expiresAt: state.expiresAt, sizeBytes: state.sizeBytes };
}

export interface CompleteUploadResult {
  videoId: string;
  ready: boolean;
  estimatedCompletion: Date | undefined;
}

export async function completeUpload(ctx: VideoContext, endpoint: UploadEndpoint, caller: Caller, req: CompleteUploadRequest): Promise<CompleteUploadResult> {
  const upload = await readUpload(ctx.events, req.uploadId);
  const earlier = upload.byRequest(req.requestId).map((r) => uploadCodec.decode(r)).find((e) => e?.$typeName === "flick.events.v1.UploadCompleted");
  // A retry of a completion that went through: finish the video's stream, answer the same.
  if (earlier?.$typeName === "flick.events.v1.UploadCompleted" && earlier.userId === caller.userId) return finish(ctx, caller, req.requestId, earlier);

  const s = upload.state;
  if (s.status === "none" || s.userId !== caller.userId) throw new NotFoundError("upload", req.uploadId);
  // Before the details are checked against the video's limits: this is no video at all.
  if (s.kind !== UploadMediaKind.VIDEO) throw new FailedPreconditionError("only a video upload can be published", "not_video");
  if (s.status === "initiated" && s.kind === UploadMediaKind.VIDEO && s.expiresAt > ctx.now()) {
    // The endpoint's receipt may be late (or lost in a crash): the bytes themselves decide.
    const offset = await endpoint.offset(req.uploadId);
    if (offset !== undefined && BigInt(offset) === s.sizeBytes) await endpoint.markReceived(req.uploadId, offset);
  }

  const details = await completionDetails(ctx, caller, req, s.durationMs);
  const result = await handleCommand(ctx.events, {
    stream: streams.upload(req.uploadId),
    decider: uploadDecider,
    command: { type: "Complete", uploadId: req.uploadId, userId: caller.userId, details, at: ctx.now() },
    requestId: req.requestId,
    codec: uploadCodec,
    metadata: { actor: caller.userId },
  });
  const completed = result.events.find((e) => e.$typeName === "flick.events.v1.UploadCompleted");
  if (!completed || completed.$typeName !== "flick.events.v1.UploadCompleted") throw new FailedPreconditionError("the upload was already completed", "already_completed");
  return finish(ctx, caller, req.requestId, completed);
}

async function finish(ctx: VideoContext, caller: Caller, requestId: string, completed: UploadCompleted): Promise<CompleteUploadResult> {
  const result = await handleCommand(ctx.events, {
    stream: streams.video(completed.videoId),
    decider: videoDecider,
    command: { type: "Create", completed },
    requestId,
    codec: videoCodec,
    metadata: { actor: caller.userId },
  });
  ctx.ryw.note(caller.userId, result.checkpoint ?? (await ctx.events.headCheckpoint()));
  // A retry answers with the video as it is now (READY if it finished since).
  const status = result.replayed ? (await readVideo(ctx.events, completed.videoId)).state.status : result.state.status;
  const ready = status === "ready";
  const eta = completed.estimatedCompletion;
  return { videoId: completed.videoId, ready, estimatedCompletion: ready || !eta ? undefined : new Date(Number(eta.seconds) * 1000) };
}

/** Everything CompleteUpload attaches, checked: caption, hashtags, mentions, sound, effects, remix. */
async function completionDetails(ctx: VideoContext, caller: Caller, req: CompleteUploadRequest, durationMs: number): Promise<CompletionDetails> {
  checkCaption(req.caption);
  const hashtags = mergeHashtags(req.caption, req.hashtags);
  const mentionedUserIds = await resolveMentions(ctx, caller.userId, req.caption);

  if (req.soundId) {
    const sound = await readSound(ctx.events, req.soundId);
    if (!sound) throw new NotFoundError("sound", req.soundId);
  }

  let greenScreen = "";
  const bg = req.effects?.greenScreen?.backgroundUploadId;
  if (bg) {
    const { state } = await readUpload(ctx.events, bg);
    if (state.status === "none" || state.userId !== caller.userId) throw new NotFoundError("background upload", bg);
    if (state.kind !== UploadMediaKind.IMAGE) throw new FailedPreconditionError("the green screen background must be an image upload", "not_image");
    if (state.status !== "received") throw new FailedPreconditionError("the background's bytes have not all arrived (or it expired)", "background_incomplete");
    greenScreen = bg;
  }

  checkEffects(ctx, req, durationMs);
  const remix = await checkRemix(ctx, caller, req);
  const at = ctx.now();
  const videoId = videoIdOf(req.uploadId);
  // A rough promise: a worker's queue wait plus about twice real time on two cores.
  const etaMs = 15_000 + 2.5 * Math.max(durationMs, 1000);
  return {
    videoId,
    caption: req.caption,
    hashtags,
    mentionedUserIds,
    soundId: req.soundId,
    keepOriginalAudio: req.keepOriginalAudio,
    privacy: req.privacy as number as VideoPrivacy,
    duetEnabled: req.duetEnabled ?? true,
    stitchEnabled: req.stitchEnabled ?? true,
    commentEnabled: req.commentEnabled ?? true,
    effects:
      req.effects || greenScreen
        ? create(VideoEffectsSchema, {
            // The event enums copy the API's numbers.
            speed: (req.effects?.speed ?? 0) as number as VideoSpeed,
            colorFilter: (req.effects?.colorFilter ?? 0) as number as VideoColorFilter,
            greenScreenBackgroundUploadId: greenScreen,
          })
        : undefined,
    remix,
    thumbnailOffsetMs: req.thumbnailOffsetMs || 1000,
    estimatedCompletion: timestampFromDate(new Date(at.getTime() + etaMs)),
  };
}

const SPEED_FACTOR: Record<number, number> = { 1: 0.5, 2: 1, 3: 2, 4: 3 };

/** Effects the media layer offers, and a published length (after speed, with a stitch's clip) within the limits. */
function checkEffects(ctx: VideoContext, req: CompleteUploadRequest, durationMs: number): void {
  const color = req.effects?.colorFilter ?? 0;
  if (color && !colorFilterName(color)) throw ValidationError.field("effects.color_filter", "this filter is not available");
  const factor = SPEED_FACTOR[req.effects?.speed ?? 0] ?? 1;
  const clip = req.remix.case === "stitch" ? req.remix.value.clipEndMs - req.remix.value.clipStartMs : 0;
  const published = Math.round(durationMs / factor) + clip;
  const { minDurationMs, maxDurationMs } = ctx.settings.limits;
  if (published < minDurationMs || published > maxDurationMs) {
    throw ValidationError.field("effects.speed", `the published video would be ${(published / 1000).toFixed(1)} s; it must be ${minDurationMs / 1000}–${maxDurationMs / 1000} s`);
  }
}

/** @usernames → user ids; unknown names and users who blocked the caller are left out. */
export async function resolveMentions(ctx: VideoContext, callerId: string, caption: string): Promise<string[]> {
  const names = captionMentions(caption).slice(0, 30);
  const ids: string[] = [];
  for (const name of names) {
    const id = await userIdByUsername(ctx.platform, name);
    if (!id || ids.includes(id)) continue;
    if (id !== callerId && (await blocksBetween(ctx.events, callerId, id)).targetBlocksActor) continue;
    ids.push(id);
  }
  return ids;
}

/**
 * A duet or stitch source must be a READY public video the caller may see, with duets
 * (stitches) enabled, and no block between the two users; a stitch's clip must lie
 * inside it.
 */
async function checkRemix(ctx: VideoContext, caller: Caller, req: CompleteUploadRequest) {
  const r = req.remix;
  if (r.case === undefined) return undefined;
  const sourceId = r.value.sourceVideoId;
  const { state: source } = await readVideo(ctx.events, sourceId);
  if (source.status === "none" || source.status === "deleted") throw new NotFoundError("video", sourceId);
  const own = source.userId === caller.userId;
  if (!own) {
    const b = await blocksBetween(ctx.events, caller.userId, source.userId);
    if (b.targetBlocksActor) throw new PermissionDeniedError("the creator of this video has blocked you");
    if (b.actorBlocksTarget) throw new PermissionDeniedError("you have blocked the creator of this video: unblock first");
    if (!(await visibleTo(ctx, caller.userId, source))) throw new NotFoundError("video", sourceId);
  }
  if (source.status !== "ready") throw new FailedPreconditionError("the video to remix is not ready", "source_not_ready");
  if (source.privacy !== VideoPrivacy.PUBLIC) throw new FailedPreconditionError("only public videos can be remixed", "source_not_public");
  if (r.case === "duet") {
    if (!source.duetEnabled) throw new FailedPreconditionError("the creator turned duets off for this video", "duet_disabled");
    return create(VideoRemixSchema, { kind: VideoRemixKind.DUET, sourceVideoId: sourceId, sourceCreatorId: source.userId });
  }
  if (!source.stitchEnabled) throw new FailedPreconditionError("the creator turned stitches off for this video", "stitch_disabled");
  const { clipStartMs, clipEndMs } = r.value;
  if (clipEndMs > source.durationMs) {
    throw ValidationError.field("stitch.clip_end_ms", `the source video is ${source.durationMs} ms long`);
  }
  return create(VideoRemixSchema, { kind: VideoRemixKind.STITCH, sourceVideoId: sourceId, sourceCreatorId: source.userId, clipStartMs, clipEndMs });
}

async function visibleTo(ctx: VideoContext, viewerId: string, source: VideoState): Promise<boolean> {
  if (source.status !== "ready") return false;
  const [viewer, [profile]] = await Promise.all([loadViewerContext(ctx.platform, viewerId), profileRows(ctx.platform, [source.userId])]);
  if (!profile) return false;
  const privacy = source.privacy === VideoPrivacy.PUBLIC ? "public" : source.privacy === VideoPrivacy.FRIENDS ? "friends" : "private";
  return viewer.canSee({ creatorId: source.userId, privacy, creatorPrivate: profile.private_account ?? false });
}
