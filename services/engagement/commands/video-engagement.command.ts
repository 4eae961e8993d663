// Likes, saves, shares and views: resolve the video and the caller's standing, decide on
// the small stream, append through the one command handler. The count a like returns is
// read from the count projection and includes the caller's own change even when the
// projection has not processed it yet.
import { ShareKind, SharePlatform, type ViewSource } from "@flick/contracts/flick/events/v1/engagement_pb";
import { eventId, handleCommand, NotFoundError, PermissionDeniedError, ValidationError, type CommandResult } from "@flick/kernel";
import type { CounterSpec } from "@flick/read-store";
import type { EngagementContext } from "../engagement.context.js";
import { derivedId, engagementStreams, likeCodec, saveCodec, shareCodec, viewCodec } from "../events.js";
import { statKey, videoStats, type VideoStat } from "../projections/engagement-counts.projection.js";
import { likeDecider } from "./like.decider.js";
import { handleNewStreamCommand } from "./new-stream.command.js";
import { saveDecider } from "./save.decider.js";
import { shareDecider } from "./share.decider.js";
import { accessVideo } from "./video-access.js";
import { viewDecider } from "./view.decider.js";

export interface ToggleResult {
  count: number;
  on: boolean;
  checkpoint: string | undefined;
}

/** The event that put a stream in its current state: where it is in the log, and its id. */
export interface StateEvent {
  checkpoint: string;
  eventId: string;
}

/** The count after the caller's change (`at`: the event that made it). */
export async function countIncluding(ctx: EngagementContext, stat: VideoStat, videoId: string, at: StateEvent | undefined, delta: number): Promise<number> {
  return counterIncluding(ctx, videoStats, statKey(videoId, stat), at, delta);
}

/**
 * The counter's value including the caller's change `at`, without double counting it:
 * - the projection has passed it: the value is exact;
 * - the engine reads the value together with whether that event's increment is in it
 *   (Redis keeps applied-event markers beside the value): add the delta only if it is
 *   not — exact, and without waiting for the projection (a like used to wait ~150 ms
 *   under load for it, holding its request open);
 * - otherwise (the PostgreSQL family, whose runner commits counts with the checkpoint)
 *   wait briefly for the checkpoint, and add the delta only if the projection is really
 *   behind.
 */
export async function counterIncluding(ctx: EngagementContext, spec: CounterSpec, key: string, at: StateEvent | undefined, delta: number): Promise<number> {
  const model = ctx.models.counts;
  const counters = (await model.store()).counters(spec);
  if (!at) return Math.max(0, await counters.get(key));
  if (await model.waitFor(at.checkpoint, 0)) return Math.max(0, await counters.get(key));
  const read = await counters.getWithEvent(key, at.eventId);
  if (read.includes !== undefined) return Math.max(0, read.value + (read.includes ? 0 : delta));
  if (await model.waitFor(at.checkpoint, 1000)) return Math.max(0, await counters.get(key));
  return Math.max(0, (await counters.get(key)) + delta);
}

/**
 * The event that put the stream in its current state: this command's, or — when it
 * changed nothing (a like of a liked video) — the stream's last event, so the count
 * includes that earlier change too even if it was made a moment ago.
 */
export async function stateEvent(ctx: EngagementContext, stream: string, r: CommandResult<unknown, unknown>, requestId: string): Promise<StateEvent | undefined> {
  if (r.events.length > 0) return producedEvent(r, stream, requestId);
  if (r.nextRevision === undefined) return undefined;
  const [last] = await ctx.events.readStream(stream, { fromRevision: r.nextRevision, maxCount: 1 });
  return last && { checkpoint: last.checkpoint, eventId: last.id };
}

/** The last event a request-idempotent command produced (ids derive from the request). */
export function producedEvent(r: CommandResult<unknown, unknown>, stream: string, requestId: string): StateEvent | undefined {
  if (r.events.length === 0 || !r.checkpoint) return undefined;
  return { checkpoint: r.checkpoint, eventId: eventId(requestId, stream, r.events.length - 1) };
}

export async function likeVideo(ctx: EngagementContext, userId: string, videoId: string, requestId: string, like: boolean): Promise<ToggleResult> {
  const { video } = await accessVideo(ctx, userId, videoId, like ? "act" : "undo");
  const stream = engagementStreams.like(videoId, userId);
  const result = await handleCommand(ctx.events, {
    stream,
    decider: likeDecider,
    command: { type: like ? "Like" : "Unlike", videoId, userId, videoCreatorId: video.creatorId, at: ctx.now() },
    requestId,
    metadata: { actor: userId },
    codec: likeCodec,
  });
  ctx.ryw.note(userId, result.checkpoint);
  const count = await countIncluding(ctx, "likes", videoId, await stateEvent(ctx, stream, result, requestId), like ? 1 : -1);
  return { count, on: like, checkpoint: result.checkpoint };
}

export async function saveVideo(ctx: EngagementContext, userId: string, videoId: string, requestId: string, save: boolean): Promise<ToggleResult> {
  const { video } = await accessVideo(ctx, userId, videoId, save ? "act" : "undo");
  const stream = engagementStreams.save(videoId, userId);
  const result = await handleCommand(ctx.events, {
    stream,
    decider: saveDecider,
    command: { type: save ? "Save" : "Unsave", videoId, userId, videoCreatorId: video.creatorId, at: ctx.now() },
    requestId,
    metadata: { actor: userId },
    codec: saveCodec,
  });
  ctx.ryw.note(userId, result.checkpoint);
  const count = await countIncluding(ctx, "saves", videoId, await stateEvent(ctx, stream, result, requestId), save ? 1 : -1);
  return { count, on: save, checkpoint: result.checkpoint };
}

export interface ShareInput {
  videoId: string;
  kind: ShareKind;
  recipientUserId: string;
  platform: SharePlatform;
  platformName: string;
}

export async function shareVideo(ctx: EngagementContext, userId: string, requestId: string, input: ShareInput) {
  const { video } = await accessVideo(ctx, userId, input.videoId, "act");
  if (input.kind === ShareKind.INTERNAL && input.recipientUserId !== userId) {
    const recipient = (await ctx.people.profiles([input.recipientUserId])).get(input.recipientUserId);
    if (!recipient) throw new NotFoundError("user", input.recipientUserId);
    const b = await ctx.audience.blocks(userId, input.recipientUserId);
    if (b.targetBlocksActor) throw new PermissionDeniedError("the recipient has blocked you");
    if (b.actorBlocksTarget) throw new PermissionDeniedError("you have blocked the recipient: unblock first");
  }
  const shareId = derivedId("shr", userId, requestId);
  const result = await handleCommand(ctx.events, {
    stream: engagementStreams.share(shareId),
    decider: shareDecider,
    command: {
      type: "Share",
      shareId,
      videoId: input.videoId,
      userId,
      videoCreatorId: video.creatorId,
      videoPrivate: video.privacy === "private",
      kind: input.kind,
      recipientUserId: input.recipientUserId,
      platform: input.platform,
      platformName: input.platformName,
      at: ctx.now(),
    },
    requestId,
    metadata: { actor: userId },
    codec: shareCodec,
  });
  ctx.ryw.note(userId, result.checkpoint);
  const count = await countIncluding(ctx, "shares", input.videoId, producedEvent(result, engagementStreams.share(shareId), requestId), 1);
  const shareUrl = `${ctx.publicUrl}/v/${encodeURIComponent(input.videoId)}?share=${shareId}`;
  return { count, shareUrl, checkpoint: result.checkpoint };
}

export interface ViewInput {
  videoId: string;
  watchTimeMs: number;
  completionRatio: number;
  source: ViewSource;
  impressionId: string;
  anonymousSessionId: string;
}

export async function recordView(ctx: EngagementContext, userId: string | undefined, requestId: string, input: ViewInput) {
  const viewer = userId ? `u:${userId}` : `a:${input.anonymousSessionId}`;
  // Checked before anything is read (the decider refuses it too).
  if (!userId && !input.anonymousSessionId) throw ValidationError.field("anonymous_session_id", "required without a signed-in user");
  const { video } = await accessVideo(ctx, userId, input.videoId, "view");
  const viewId = derivedId("view", viewer, requestId);
  const result = await handleNewStreamCommand(ctx.events, {
    stream: engagementStreams.view(viewId),
    decider: viewDecider,
    command: {
      type: "RecordView",
      videoId: input.videoId,
      userId: userId ?? "",
      anonymousSessionId: userId ? "" : input.anonymousSessionId,
      videoCreatorId: video.creatorId,
      videoDurationMs: video.durationMs,
      watchTimeMs: input.watchTimeMs,
      completionRatio: input.completionRatio,
      source: input.source,
      impressionId: input.impressionId,
      at: ctx.now(),
    },
    requestId,
    metadata: { actor: userId ?? viewer },
    codec: viewCodec,
  });
  return { checkpoint: result.checkpoint };
}

