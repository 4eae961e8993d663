// Reading videos: one, a batch (feed hydration), a profile's grid, a video's remixes.
// Read models only, through the one visibility check (video-view.ts).
import { RemixKind, type Video } from "@flick/contracts/flick/video/v1/video_pb";
import { UserVideoOrder } from "@flick/contracts/flick/video/v1/video_service_pb";
import { NotFoundError, PermissionDeniedError, UnauthenticatedError } from "@flick/kernel";
import { profileRows } from "../../identity/accounts.js";
import { userVideosOldestTable, userVideosTable, videoRemixesTable } from "../projections/video-catalog.projection.js";
import type { VideoContext } from "../video.context.js";
import { loadViewer, toVisibleVideos, videoRows, type UrlOf } from "./video-view.js";
import { visiblePage } from "./visible-page.js";

export async function getVideo(ctx: VideoContext, viewerId: string | undefined, videoId: string, urlOf: UrlOf): Promise<Video> {
  const viewer = await loadViewer(ctx, viewerId);
  const [video] = await toVisibleVideos(ctx, viewer, await videoRows(ctx, [videoId]), urlOf);
  if (!video) throw new NotFoundError("video", videoId);
  return video;
}

export async function getVideos(ctx: VideoContext, viewerId: string | undefined, videoIds: readonly string[], urlOf: UrlOf): Promise<Video[]> {
  const viewer = await loadViewer(ctx, viewerId);
  return toVisibleVideos(ctx, viewer, await videoRows(ctx, videoIds), urlOf);
}

export interface ListUserVideosInput {
  userId: string;
  order: UserVideoOrder;
  limit: number;
  cursor: string;
}

/**
 * A profile's grid. The owner sees every video (processing and failed too); others see
 * what the visibility check allows, and nothing of a private account they do not follow.
 * POPULAR (most viewed) needs the engagement context's view counts: until those exist it
 * lists newest first, as LATEST does.
 */
export async function listUserVideos(ctx: VideoContext, viewerId: string | undefined, input: ListUserVideosInput, urlOf: UrlOf) {
  const userId = input.userId || viewerId;
  if (!userId) throw new UnauthenticatedError("sign in, or name the user whose videos to list");
  const viewer = await loadViewer(ctx, viewerId);
  const own = userId === viewerId;
  if (!own) {
    const [profile] = await profileRows(ctx.platform, [userId]);
    if (!profile || viewer.context.isBlockedBy(userId)) throw new NotFoundError("user", userId);
    if (profile.private_account && !viewer.context.follows(userId)) throw new PermissionDeniedError("this account is private: follow it to see its videos");
  }
  const store = await ctx.models.catalog.store();
  const oldest = input.order === UserVideoOrder.OLDEST;
  const table = store.table(oldest ? userVideosOldestTable : userVideosTable);
  return visiblePage(ctx, viewer, urlOf, {
    table,
    partition: { user_id: userId },
    list: `user-videos:${userId}:${oldest ? "oldest" : "latest"}`,
    limit: input.limit,
    cursor: input.cursor,
    keep: own ? undefined : (r) => r.status === "ready",
  });
}

export interface ListRemixesInput {
  videoId: string;
  kind: RemixKind;
  limit: number;
  cursor: string;
}

export async function listVideoRemixes(ctx: VideoContext, viewerId: string | undefined, input: ListRemixesInput, urlOf: UrlOf) {
  const viewer = await loadViewer(ctx, viewerId);
  const [source] = await toVisibleVideos(ctx, viewer, await videoRows(ctx, [input.videoId]), urlOf);
  if (!source) throw new NotFoundError("video", input.videoId);
  const kind = input.kind === RemixKind.DUET ? "duet" : input.kind === RemixKind.STITCH ? "stitch" : "all";
  const store = await ctx.models.catalog.store();
  return visiblePage(ctx, viewer, urlOf, {
    table: store.table(videoRemixesTable),
    partition: { source_video_id: input.videoId, kind },
    list: `remixes:${input.videoId}:${kind}`,
    limit: input.limit,
    cursor: input.cursor,
    keep: (r) => r.status === "ready" || r.status === "processing",
  });
}
