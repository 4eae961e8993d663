// Videos in engagement's lists (liked, saved) as the API's Video message. The video
// context owns that message; engagement.module.ts sets its rendering on the context
// (renderVideos). Without it (the context used alone), this minimal one shows what
// engagement knows (creator, privacy, flags, duration, stats, the caller's state) and
// leaves playback empty rather than invent it.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Privacy, VideoSchema, VideoStatus, type Video } from "@flick/contracts/flick/video/v1/video_pb";
import type { EngagementContext, RequestInfo } from "../engagement.context.js";
import type { VideoFacts } from "../upstream/video-facts.js";
import { engagementStats, viewerState } from "./stats.query.js";

const PRIVACY = { public: Privacy.PUBLIC, friends: Privacy.FRIENDS, private: Privacy.PRIVATE } as const;
const STATUS = { processing: VideoStatus.PROCESSING, ready: VideoStatus.READY, failed: VideoStatus.FAILED, deleted: VideoStatus.UNSPECIFIED } as const;

export async function renderVideos(
  ctx: EngagementContext,
  viewerId: string | undefined,
  videos: readonly VideoFacts[],
  request?: RequestInfo,
): Promise<Map<string, Video>> {
  if (ctx.renderVideos) return ctx.renderVideos(viewerId, videos, request);
  const [creators, stats, viewer] = await Promise.all([
    ctx.people.summaries(videos.map((v) => v.creatorId)),
    engagementStats(ctx, videos.map((v) => v.videoId)),
    viewerState(ctx, viewerId, videos),
  ]);
  const out = new Map<string, Video>();
  for (const v of videos) {
    out.set(
      v.videoId,
      create(VideoSchema, {
        videoId: v.videoId,
        creator: creators.get(v.creatorId),
        privacy: PRIVACY[v.privacy],
        commentEnabled: v.commentsEnabled,
        status: STATUS[v.status],
        durationMs: v.durationMs,
        stats: stats.get(v.videoId),
        viewer: viewer.get(v.videoId),
        createdAt: v.createdAt ? timestampFromDate(v.createdAt) : undefined,
      }),
    );
  }
  return out;
}
