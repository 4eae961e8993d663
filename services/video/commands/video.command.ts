// UpdateVideo and DeleteVideo: the creator's edits and deletion, through the video
// decider. A new caption re-reads its hashtags and mentions; deleting removes the media
// from the blob store once the deletion is in the log (read models follow the event).
import { VideoDeletionReason, type VideoPrivacy } from "@flick/contracts/flick/events/v1/video_pb";
import type { UpdateVideoRequest } from "@flick/contracts/flick/video/v1/video_service_pb";
import { handleCommand } from "@flick/kernel";
import type { Caller } from "@flick/server";
import { readVideo } from "../aggregates.js";
import { captionHashtags, checkCaption, mergeHashtags } from "../domain/caption.js";
import { blobKeys, streams, videoCodec } from "../events.js";
import type { VideoContext } from "../video.context.js";
import { resolveMentions } from "./upload.command.js";
import { videoDecider, type VideoCommand } from "./video.decider.js";

export async function updateVideo(ctx: VideoContext, caller: Caller, req: UpdateVideoRequest): Promise<string | undefined> {
  const { state } = await readVideo(ctx.events, req.videoId);
  const changes: Extract<VideoCommand, { type: "Update" }>["changes"] = {};
  const caption = req.caption ?? state.caption;
  if (req.caption !== undefined) {
    checkCaption(req.caption);
    changes.caption = req.caption;
    // Only the owner's own mentions matter; resolving for someone else's video is wasted work.
    if (state.userId === caller.userId) changes.mentionedUserIds = await resolveMentions(ctx, caller.userId, req.caption);
  }
  if (req.hashtags) {
    changes.hashtags = mergeHashtags(caption, req.hashtags.names, "hashtags.names");
  } else if (req.caption !== undefined) {
    // The listed hashtags stay; those that came from the old caption follow the new one.
    const fromOldCaption = new Set(captionHashtags(state.caption));
    changes.hashtags = mergeHashtags(caption, state.hashtags.filter((t) => !fromOldCaption.has(t)), "caption");
  }
  if (req.privacy !== undefined) changes.privacy = req.privacy as number as VideoPrivacy;
  if (req.duetEnabled !== undefined) changes.duetEnabled = req.duetEnabled;
  if (req.stitchEnabled !== undefined) changes.stitchEnabled = req.stitchEnabled;
  if (req.commentEnabled !== undefined) changes.commentEnabled = req.commentEnabled;
  const result = await handleCommand(ctx.events, {
    stream: streams.video(req.videoId),
    decider: videoDecider,
    command: { type: "Update", videoId: req.videoId, userId: caller.userId, changes, at: ctx.now() },
    requestId: req.requestId,
    codec: videoCodec,
    metadata: { actor: caller.userId },
  });
  ctx.ryw.note(caller.userId, result.checkpoint);
  return result.checkpoint;
}

export async function deleteVideo(ctx: VideoContext, caller: Caller, requestId: string, videoId: string): Promise<void> {
  const result = await handleCommand(ctx.events, {
    stream: streams.video(videoId),
    decider: videoDecider,
    command: { type: "Delete", videoId, userId: caller.userId, reason: VideoDeletionReason.BY_CREATOR, at: ctx.now() },
    requestId,
    codec: videoCodec,
    metadata: { actor: caller.userId },
  });
  ctx.ryw.note(caller.userId, result.checkpoint);
  await removeVideoMedia(ctx, videoId, result.state.uploadId);
}

/**
 * Deletes a video's HLS package, thumbnail and source upload (its original sound stays:
 * other videos may use it). Imported videos reuse shared assets: those are left alone.
 */
export async function removeVideoMedia(ctx: VideoContext, videoId: string, uploadId: string): Promise<void> {
  await ctx.blobs.deletePrefix(blobKeys.videoPrefix(videoId));
  // The bytes and the tus record beside them (uploads/<id>.json).
  if (uploadId) await ctx.blobs.deletePrefix(`uploads/${uploadId}`);
}
