// What profiles show of a user's videos (the identity module's hooks): how many videos
// each viewer may see, and whether a video may be pinned as the profile video.
import { Privacy } from "@flick/contracts/flick/video/v1/video_pb";
import { loadViewerContext } from "../../social/visibility.js";
import { countKeys, userVideoSets, videosTable } from "../projections/video-catalog.projection.js";
import type { VideoContext } from "../video.context.js";

/** Per user, in order: every video for the owner; READY public (and, for friends, friends-only) ones for others. */
export async function profileVideoCounts(ctx: VideoContext, userIds: readonly string[], viewerId: string | undefined): Promise<number[]> {
  const store = await ctx.models.catalog.store();
  const sets = store.sets(userVideoSets);
  const viewer = await loadViewerContext(ctx.platform, viewerId);
  return Promise.all(
    userIds.map(async (userId) => {
      if (userId === viewerId) return sets.size(countKeys.all(userId));
      const [pub, friends] = await Promise.all([
        sets.size(countKeys.ready(userId, Privacy.PUBLIC)),
        viewer.isFriend(userId) ? sets.size(countKeys.ready(userId, Privacy.FRIENDS)) : 0,
      ]);
      return pub + friends;
    }),
  );
}

export async function isReadyVideoOf(ctx: VideoContext, userId: string, videoId: string): Promise<boolean> {
  const row = await (await ctx.models.catalog.store()).table(videosTable).get({ video_id: videoId });
  return row?.user_id === userId && row.status === "ready";
}
