// WatchFollowingFeed: the activity log as one viewer sees it. The stream attaches to its
// process's activity tail (live rows from the attach position on), then, when resuming,
// reads the rows between its token and that position from the log; each row is judged
// against the viewer's follows and visibility: a followed creator's video that became
// visible to the viewer is sent as `published`, one that stopped being visible as
// `removed_video_id`. Every message carries the resume token after it; idle streams get
// heartbeats (with the current token). The stream ends when the client goes or the
// server drains.
import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { HeartbeatSchema } from "@flick/contracts/flick/feed/v1/feed_pb";
import { WatchFollowingFeedResponseSchema, type WatchFollowingFeedResponse } from "@flick/contracts/flick/feed/v1/feed_service_pb";
import { randomBytes } from "node:crypto";
import { checkpointOf } from "../../../notification/update-ids.js";
import type { ViewerContext } from "../../../social/visibility.js";
import { loadViewer, privacyName, toVisibleVideos, videoRows, type UrlOf, type Viewer } from "../../../video/queries/video-view.js";
import type { FollowingContext } from "../following.context.js";
import { feedItem, impressionId } from "../queries/feed-items.js";
import type { ActivityRow } from "../projections/following-activity.projection.js";
import { bucketOf } from "../projections/following-activity.projection.js";
import { readActivity, type LogPosition } from "./activity-tail.js";
import { decodeResumeToken, encodeResumeToken } from "./resume-token.js";

/** How long a published row waits for the catalogue to have its video. */
const CATALOG_WAIT_MS = 10_000;
/** The viewer's follows and blocks are re-read at most this often while rows arrive. */
const CONTEXT_TTL_MS = 1_000;

/** What a log row means to this viewer: publish it, remove it, or nothing. */
export function judge(viewer: ViewerContext, row: ActivityRow): "published" | "removed" | undefined {
  const creator = row.creator_id;
  if (!creator || creator === viewer.viewerId || !viewer.follows(creator)) return undefined;
  const sees = (privacy: number | null | undefined) => viewer.canSee({ creatorId: creator, privacy: privacyName(privacy) });
  if (row.kind === "published") return sees(row.privacy) ? "published" : undefined;
  if (row.kind === "removed") return sees(row.privacy) ? "removed" : undefined;
  const was = sees(row.old_privacy);
  const is = sees(row.privacy);
  return was && !is ? "removed" : !was && is ? "published" : undefined;
}

export async function* watchFollowingFeed(ctx: FollowingContext, userId: string, resumeToken: string, urlOf: UrlOf, signal: AbortSignal): AsyncGenerator<WatchFollowingFeedResponse> {
  const from = resumeToken ? decodeResumeToken(resumeToken, ctx.now(), ctx.settings.resumeWindowMs) : undefined;
  const queue: ActivityRow[] = [];
  let wake: (() => void) | undefined;
  const attached = await ctx.tail.attach((rows) => {
    queue.push(...rows);
    wake?.();
  });
  const nonce = randomBytes(6).toString("base64url");
  let served = 0;
  let viewer: Viewer = await loadViewer(ctx.video, userId);
  let viewerAt = Date.now();
  let last: LogPosition = attached.position;

  const message = async (row: ActivityRow): Promise<WatchFollowingFeedResponse | undefined> => {
    if (Date.now() - viewerAt > CONTEXT_TTL_MS) {
      viewer = await loadViewer(ctx.video, userId);
      viewerAt = Date.now();
    }
    const verdict = judge(viewer.context, row);
    const resume = encodeResumeToken({ updateId: row.update_id, bucket: row.bucket });
    if (verdict === "removed") return create(WatchFollowingFeedResponseSchema, { event: { case: "removedVideoId", value: row.video_id ?? "" }, resumeToken: resume });
    if (verdict !== "published") return undefined;
    // The catalogue is another projection and may trail the log: wait (bounded) until it
    // has the video. Rendered as it is now: a video deleted since is not sent (its removal
    // row follows).
    await ctx.video.models.catalog.waitFor(checkpointOf(row.update_id), CATALOG_WAIT_MS);
    const [video] = await toVisibleVideos(ctx.video, viewer, await videoRows(ctx.video, [row.video_id ?? ""]), urlOf);
    if (!video) return undefined;
    return create(WatchFollowingFeedResponseSchema, { event: { case: "published", value: feedItem(video, "live", impressionId("live", "w", nonce, served++)) }, resumeToken: resume });
  };

  try {
    if (from) {
      // Rows from the token up to the attach position are in the log already; later ones
      // come from the tail (and a row seen both ways is sent once: `last` filters it).
      if (from.updateId < attached.position.updateId) {
        for (const row of await readActivity(ctx.activity, from, bucketOf(ctx.now().getTime()), attached.position.updateId)) {
          if (signal.aborted) return;
          const out = await message(row);
          if (out) yield out;
        }
      } else {
        last = from;
      }
    }
    let idleSince = Date.now();
    while (!signal.aborted) {
      if (queue.length > 0) {
        for (const row of queue.splice(0)) {
          if (row.update_id <= last.updateId) continue;
          last = { updateId: row.update_id, bucket: Math.max(last.bucket, row.bucket) };
          const out = await message(row);
          if (out) {
            yield out;
            idleSince = Date.now();
          }
        }
        continue;
      }
      const untilHeartbeat = ctx.settings.heartbeatMs - (Date.now() - idleSince);
      if (untilHeartbeat <= 0) {
        // Everything the tail has handed over is accounted for: its position is ours.
        const tail = ctx.tail.current();
        if (tail.updateId >= last.updateId) last = tail;
        yield create(WatchFollowingFeedResponseSchema, {
          event: { case: "heartbeat", value: create(HeartbeatSchema, { serverTime: timestampNow() }) },
          resumeToken: encodeResumeToken(last),
        });
        idleSince = Date.now();
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, untilHeartbeat);
        function done() {
          clearTimeout(timer);
          wake = undefined;
          signal.removeEventListener("abort", done);
          resolve();
        }
        wake = done;
        signal.addEventListener("abort", done, { once: true });
      });
    }
  } finally {
    attached.detach();
  }
}
