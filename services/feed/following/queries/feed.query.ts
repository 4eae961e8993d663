// GetFollowingFeed and GetFriendsFeed: one query over the viewer's sources (followees, or
// friends), chronological (chronological.ts) or ranked (ranked.ts), rendered through the
// video context's one visibility check (toVisibleVideos) with stats and viewer state.
import { randomBytes } from "node:crypto";
import { FeedMode, type FeedItem } from "@flick/contracts/flick/feed/v1/feed_pb";
import { ValidationError } from "@flick/kernel";
import { loadViewer, toVisibleVideos, videoRows, type UrlOf } from "../../../video/queries/video-view.js";
import type { FollowingContext } from "../following.context.js";
import { chronologicalPage } from "./chronological.js";
import { decodeCursor, encodeCursor, type FeedName, type Mode } from "./cursors.js";
import { feedItem, impressionId } from "./feed-items.js";
import { rankedPage } from "./ranked.js";
import { feedSources } from "./sources.js";

export const DEFAULT_LIMIT = 20;
/** Videos named in prefetch_ids: the start of the next page. */
export const PREFETCH = 3;
/** How long a page waits for its consistency_token before it is served anyway. */
export const CONSISTENCY_WAIT_MS = 3_000;

const ENGAGEMENT_MODELS = ["engagement_counts", "engagement_lists"];

export interface FeedRequest {
  mode: FeedMode;
  limit: number;
  cursor: string;
  consistencyToken: string;
}

export interface FeedPage {
  items: FeedItem[];
  nextCursor: string;
  prefetchIds: string[];
  caughtUp: boolean;
}

export async function getFeed(ctx: FollowingContext, viewerId: string, feed: FeedName, req: FeedRequest, urlOf: UrlOf): Promise<FeedPage> {
  const mode: Mode = req.mode === FeedMode.RANKED ? "ranked" : "chronological";
  const cursor = decodeCursor(req.cursor, feed, mode);
  const caughtUp = await awaitToken(ctx, req.consistencyToken);
  const viewer = await loadViewer(ctx.video, viewerId);
  const sources = await feedSources(ctx, viewerId, feed);
  const limit = req.limit || DEFAULT_LIMIT;

  let pageIds: string[];
  let prefetchIds: string[];
  let nextCursor = "";
  if (cursor?.mode === "ranked" || (!cursor && mode === "ranked")) {
    const r = await rankedPage(ctx, viewer.context, feed, sources, limit, PREFETCH, cursor?.mode === "ranked" ? cursor : undefined);
    pageIds = r.pageIds;
    prefetchIds = r.prefetchIds;
    if (r.next !== undefined) nextCursor = encodeCursor({ feed, mode: "ranked", session: r.session, offset: r.next });
  } else {
    const after = cursor?.mode === "chronological" ? { createdAt: cursor.createdAt, videoId: cursor.videoId } : undefined;
    const r = await chronologicalPage(ctx, viewer.context, sources, limit, PREFETCH, after);
    pageIds = r.page.map((row) => row.video_id);
    prefetchIds = r.prefetch.map((row) => row.video_id);
    if (r.next) nextCursor = encodeCursor({ feed, mode: "chronological", createdAt: r.next.createdAt, videoId: r.next.videoId });
  }

  const videos = await toVisibleVideos(ctx.video, viewer, await videoRows(ctx.video, [...pageIds, ...prefetchIds]), urlOf);
  const inPage = new Set(pageIds);
  const nonce = randomBytes(6).toString("base64url");
  return {
    items: videos.filter((v) => inPage.has(v.videoId)).map((v, i) => feedItem(v, feed, impressionId(feed, mode === "ranked" ? "r" : "c", nonce, i))),
    nextCursor,
    // Only videos the viewer may see: a prefetch hint never reveals anything else.
    prefetchIds: videos.filter((v) => !inPage.has(v.videoId)).map((v) => v.videoId),
    caughtUp,
  };
}

/** Waits (bounded) until the feed's read models reflect `token`; false when the wait expired. */
export async function awaitToken(ctx: FollowingContext, token: string): Promise<boolean> {
  if (!token) return true;
  try {
    ctx.platform.events.compareCheckpoints(token, token);
  } catch {
    throw ValidationError.field("consistency_token", "not a token returned by a command");
  }
  // The engagement models behind each item's stats and viewer state, where this process runs them.
  const engagement = ctx.platform.readModels().filter((m) => ENGAGEMENT_MODELS.includes(m.name));
  const reached = await Promise.all([...ctx.pageModels, ...engagement].map((m) => m.waitFor(token, CONSISTENCY_WAIT_MS)));
  return reached.every(Boolean);
}
