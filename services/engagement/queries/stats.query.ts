// The hook the video context calls for GetVideo (and every list of videos): each video's
// counts and the caller's relationship to it. Counts come from the fast role (one
// pipelined read for a page of videos), has_liked / has_saved are point reads of the
// per-video tables, follows_creator a point read of the social graph.
import { create } from "@bufbuild/protobuf";
import { VideoStatsSchema, ViewerStateSchema, type VideoStats, type ViewerState } from "@flick/contracts/flick/video/v1/video_pb";
import type { EngagementContext } from "../engagement.context.js";
import { creatorKey, creatorStats, statKey, videoStats, type VideoStat } from "../projections/engagement-counts.projection.js";
import { videoLikesTable, videoSavesTable } from "../projections/engagement-lists.projection.js";

const STATS: VideoStat[] = ["views", "likes", "comments", "shares", "saves"];

export async function engagementStats(ctx: EngagementContext, videoIds: readonly string[]): Promise<Map<string, VideoStats>> {
  const ids = [...new Set(videoIds)];
  const store = await ctx.models.counts.store();
  const values = await store.counters(videoStats).getMany(ids.flatMap((id) => STATS.map((s) => statKey(id, s))));
  const out = new Map<string, VideoStats>();
  ids.forEach((id, i) => {
    const v = (k: number) => BigInt(Math.max(0, values[i * STATS.length + k]!));
    out.set(id, create(VideoStatsSchema, { views: v(0), likes: v(1), comments: v(2), shares: v(3), saves: v(4) }));
  });
  return out;
}

/** Whether the viewer likes and saved each video, in order (the video context's hook). */
export async function likedOrSaved(ctx: EngagementContext, viewerId: string, videoIds: readonly string[]) {
  await ctx.ryw.settle(viewerId, [ctx.models.lists]);
  const store = await ctx.models.lists.store();
  const likes = store.table(videoLikesTable);
  const saves = store.table(videoSavesTable);
  const [liked, saved] = await Promise.all([
    likes.getMany(videoIds.map((id) => ({ video_id: id, user_id: viewerId }))),
    saves.getMany(videoIds.map((id) => ({ video_id: id, user_id: viewerId }))),
  ]);
  return videoIds.map((_, i) => ({ hasLiked: liked[i] !== undefined, hasSaved: saved[i] !== undefined }));
}

/** The caller's state per video; absent (empty map) for anonymous callers. */
export async function viewerState(
  ctx: EngagementContext,
  viewerId: string | undefined,
  videos: readonly { videoId: string; creatorId: string }[],
): Promise<Map<string, ViewerState>> {
  const out = new Map<string, ViewerState>();
  if (!viewerId || videos.length === 0) return out;
  await ctx.ryw.settle(viewerId, [ctx.models.lists]);
  const store = await ctx.models.lists.store();
  const likes = store.table(videoLikesTable);
  const saves = store.table(videoSavesTable);
  const [liked, saved, follows] = await Promise.all([
    likes.getMany(videos.map((v) => ({ video_id: v.videoId, user_id: viewerId }))),
    saves.getMany(videos.map((v) => ({ video_id: v.videoId, user_id: viewerId }))),
    ctx.audience.follows(viewerId, videos.map((v) => v.creatorId)),
  ]);
  videos.forEach((v, i) =>
    out.set(v.videoId, create(ViewerStateSchema, { hasLiked: !!liked[i], hasSaved: !!saved[i], followsCreator: follows.has(v.creatorId) })),
  );
  return out;
}

/** Likes received on each user's videos (identity's profile stat), in order. */
export async function likesReceived(ctx: EngagementContext, userIds: readonly string[]): Promise<number[]> {
  const store = await ctx.models.counts.store();
  const values = await store.counters(creatorStats).getMany(userIds.map(creatorKey));
  return values.map((v) => Math.max(0, v));
}
