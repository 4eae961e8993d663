// Engagement's read models, registered once per platform: the video context reads the
// counts and viewer state for GetVideo, identity the likes received, notification the
// comments, whichever modules a process runs.
import type { Platform, ReadModel } from "../platform/platform.js";
import { commentsProjection } from "./projections/comments.projection.js";
import { engagementCountsProjection } from "./projections/engagement-counts.projection.js";
import { engagementListsProjection } from "./projections/engagement-lists.projection.js";
import { videoViewsProjection } from "./projections/video-views.projection.js";
import { viewUniquesProjection } from "./projections/view-uniques.projection.js";

export interface EngagementReadModels {
  /** video_stats, comment_stats, creator_stats, comment_ranking, deleted_threads: fast role. */
  counts: ReadModel;
  /** video_likes, user_liked_videos, video_saves, user_saved_videos, comment_likes: tables role. */
  lists: ReadModel;
  /** comments, video_comments, comment_replies: tables role. */
  comments: ReadModel;
  /** video_views (raw views by video and hour, 30 days): tables role. */
  views: ReadModel;
  /** video_hourly_views, video_hourly_uniques: fast role. */
  uniques: ReadModel;
}

const registered = new WeakMap<Platform, EngagementReadModels>();

export function engagementReadModels(platform: Platform): EngagementReadModels {
  let models = registered.get(platform);
  if (!models) {
    models = {
      counts: platform.project("fast", engagementCountsProjection()),
      lists: platform.project("tables", engagementListsProjection()),
      comments: platform.project("tables", commentsProjection()),
      views: platform.project("tables", videoViewsProjection()),
      uniques: platform.project("fast", viewUniquesProjection()),
    };
    registered.set(platform, models);
  }
  return models;
}
