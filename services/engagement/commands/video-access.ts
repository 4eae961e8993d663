// The checks every engagement command makes on its video, mapped to the API's errors:
// NOT_FOUND for a video that does not exist, is deleted or that the caller may not see
// (without revealing which); FAILED_PRECONDITION for the creator's own video that is not
// published yet; PERMISSION_DENIED across a block, where the RPC says so.
import { FailedPreconditionError, NotFoundError, PermissionDeniedError } from "@flick/kernel";
import type { EngagementContext } from "../engagement.context.js";
import type { Standing } from "../upstream/audience.js";
import type { VideoFacts } from "../upstream/video-facts.js";

export type AccessMode =
  /** Like, save, share, comment: blocks are PERMISSION_DENIED, blocks read fresh. */
  | "act"
  /** Record a view: a block hides the video (NOT_FOUND); blocks may be a second old. */
  | "view"
  /**
   * Unlike, unsave: checked as "act" (a video the caller may not see is NOT_FOUND, a
   * block PERMISSION_DENIED), except that engagement with a deleted or failed video may
   * still be undone.
   */
  | "undo";

export interface VideoAccess {
  video: VideoFacts;
  standing: Standing | undefined;
}

export async function accessVideo(ctx: EngagementContext, viewerId: string | undefined, videoId: string, mode: AccessMode): Promise<VideoAccess> {
  const source = mode === "view" ? ctx.hotVideos : ctx.videos;
  const video = (await source.get([videoId])).get(videoId);
  if (!video || video.status === "deleted" || video.status === "failed") {
    if (mode === "undo" && video) return { video, standing: undefined };
    throw new NotFoundError("video", videoId);
  }
  const own = viewerId === video.creatorId;
  if (video.status !== "ready") {
    if (own) throw new FailedPreconditionError("the video is not published yet", "VIDEO_NOT_PUBLISHED");
    throw new NotFoundError("video", videoId);
  }
  const acting = mode !== "view";
  const standing = await ctx.audience.towardsVideo(viewerId, video, { fresh: acting });
  // A video the caller could not see anyway stays NOT_FOUND: a block says no more than that.
  if (acting && standing.canSeeButForBlocks && (standing.creatorBlocksViewer || standing.viewerBlocksCreator)) {
    throw new PermissionDeniedError(standing.viewerBlocksCreator ? "you have blocked this creator: unblock first" : "the creator has blocked you");
  }
  if (!standing.canSee) throw new NotFoundError("video", videoId);
  return { video, standing };
}
