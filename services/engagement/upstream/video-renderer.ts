// Liked and saved lists show videos as the video context renders them everywhere else
// (playback URLs, thumbnail, sound, hashtags, mentions, stats, the viewer's state), through
// its catalogue and its one visibility check. The catalogue's read models are registered
// here, when the module is built, because projections cannot be added once the platform
// has started; a process serving engagement then keeps the catalogue too.
import { videoContext } from "../../video/video.context.js";
import { loadViewer, mediaUrls, toVisibleVideos, videoRows } from "../../video/queries/video-view.js";
import type { Platform } from "../../platform/platform.js";
import type { VideoRenderer } from "../engagement.context.js";

export async function catalogRenderer(platform: Platform): Promise<VideoRenderer> {
  const video = await videoContext(platform);
  // What toVisibleVideos reads: the catalogue and the sounds.
  void video.models.catalog;
  void video.models.sounds;
  const fallbackRequest = { requestHeader: new Headers(), url: `http://${platform.config.HOST}:${platform.config.PORT}/` };
  return async (viewerId, videos, request) => {
    const [viewer, rows] = await Promise.all([loadViewer(video, viewerId), videoRows(video, videos.map((v) => v.videoId))]);
    const rendered = await toVisibleVideos(video, viewer, rows, mediaUrls(video, request ?? fallbackRequest));
    return new Map(rendered.map((v) => [v.videoId, v]));
  };
}
