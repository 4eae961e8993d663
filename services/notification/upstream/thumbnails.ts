// The cover image a notification shows: the thumbnail of its video, from the video
// context's catalogue, as a URL built the way the video context builds every media URL,
// and only for a video the recipient may see (a deleted or hidden one shows none). The
// catalogue is registered when the module is built: no projection can be added once the
// platform has started.
import { profileRows } from "../../identity/accounts.js";
import type { Platform } from "../../platform/platform.js";
import type { ViewerContext } from "../../social/visibility.js";
import { canSeeVideo, mediaUrls, videoRows, type RequestInfo } from "../../video/queries/video-view.js";
import { videoContext } from "../../video/video.context.js";

/** videoId → thumbnail URL, for the videos that have one the viewer may see. */
export type Thumbnails = (viewer: ViewerContext, videoIds: readonly string[], request: RequestInfo | undefined) => Promise<Map<string, string>>;

export async function catalogThumbnails(platform: Platform): Promise<Thumbnails> {
  const video = await videoContext(platform);
  void video.models.catalog;
  const fallbackRequest = { requestHeader: new Headers(), url: `http://${platform.config.HOST}:${platform.config.PORT}/` };
  return async (viewer, videoIds, request) => {
    const ids = [...new Set(videoIds.filter(Boolean))];
    if (ids.length === 0) return new Map();
    const rows = (await videoRows(video, ids)).filter((r) => r !== undefined && !!r.thumbnail_path);
    const creatorIds = [...new Set(rows.map((r) => r!.user_id!))];
    const creators = new Map((await profileRows(platform, creatorIds)).map((p, i) => [creatorIds[i]!, p]));
    const urlOf = mediaUrls(video, request ?? fallbackRequest);
    const out = new Map<string, string>();
    for (const row of rows) {
      if (canSeeVideo({ id: viewer.viewerId, context: viewer }, row!, creators.get(row!.user_id!))) out.set(row!.video_id, urlOf(row!.thumbnail_path!));
    }
    return out;
  };
}
