// The ranked page: the sources' videos of the last days (RANKED window), scored by
// engagement and recency (rank-score.ts), computed once for the first page and kept as a
// ranked session in the fast store (the cache role: Redis on the server profiles), so
// later pages are slices of one fixed order: no duplicates and no gaps while counts move.
// Visibility is checked again on every page (a video made private since is dropped).
import { randomBytes } from "node:crypto";
import { ValidationError } from "@flick/kernel";
import type { ViewerContext } from "../../../social/visibility.js";
import { userVideosTable } from "../../../video/projections/video-catalog.projection.js";
import { videoHooks } from "../../../video/video.hooks.js";
import type { FollowingContext } from "../following.context.js";
import { mayShow, type GridRow } from "./chronological.js";
import { rankScore } from "./rank-score.js";
import { mapLimit } from "./sources.js";
import type { FeedName } from "./cursors.js";

/** Recent videos read per source (its newest within the window). */
const PER_SOURCE = 30;
/** Candidates scored at most (the newest, when the sources posted more). */
const MAX_CANDIDATES = 2_000;
/** Length of a ranked session: past it the feed ends (older posts are in chronological mode). */
const MAX_RANKED = 500;
const CONCURRENCY = 64;

export interface RankedPage {
  pageIds: string[];
  prefetchIds: string[];
  session: string;
  /** Offset of the next page; undefined at the end. */
  next: number | undefined;
}

const sessionKey = (viewerId: string, feed: FeedName, session: string) => `${viewerId}:${feed}:${session}`;

export async function rankedPage(
  ctx: FollowingContext,
  viewer: ViewerContext,
  feed: FeedName,
  sources: readonly string[],
  limit: number,
  prefetch: number,
  cursor: { session: string; offset: number } | undefined,
): Promise<RankedPage> {
  const viewerId = viewer.viewerId!;
  let ids: string[];
  let session: string;
  let offset = 0;
  if (cursor) {
    const stored = await ctx.sessions.get(sessionKey(viewerId, feed, cursor.session));
    if (!stored) throw ValidationError.field("cursor", "expired cursor: load the ranked feed again without a cursor");
    ids = JSON.parse(stored) as string[];
    session = cursor.session;
    offset = cursor.offset;
  } else {
    ids = await rank(ctx, viewer, sources);
    session = randomBytes(12).toString("base64url");
    if (ids.length > limit) await ctx.sessions.set(sessionKey(viewerId, feed, session), JSON.stringify(ids), { ttlSeconds: ctx.settings.rankedSessionTtlSeconds });
  }
  return {
    pageIds: ids.slice(offset, offset + limit),
    prefetchIds: ids.slice(offset + limit, offset + limit + prefetch),
    session,
    next: offset + limit < ids.length ? offset + limit : undefined,
  };
}

/** The sources' recent videos the viewer may see, best first. */
async function rank(ctx: FollowingContext, viewer: ViewerContext, sources: readonly string[]): Promise<string[]> {
  const now = ctx.now().getTime();
  const since = new Date(now - ctx.settings.rankedWindowMs);
  const table = (await ctx.video.models.catalog.store()).table(userVideosTable);
  const perSource = await mapLimit(sources, CONCURRENCY, async (user_id) => (await table.scan({ user_id }, { limit: PER_SOURCE, range: { gte: since } })).rows);
  const candidates: GridRow[] = perSource
    .flat()
    .filter((r) => mayShow(viewer, r))
    .sort((a, b) => b.created_at.getTime() - a.created_at.getTime())
    .slice(0, MAX_CANDIDATES);
  const ids = candidates.map((r) => r.video_id);
  // Counts come from the engagement context where it runs (else every video counts 0 and
  // the order is by recency alone).
  const counts = await videoHooks(ctx.platform).stats?.(ids);
  const scored = candidates.map((r, i) => ({ id: r.video_id, score: rankScore(counts?.[i], now - r.created_at.getTime()) }));
  scored.sort((a, b) => b.score - a.score || (a.id < b.id ? 1 : -1));
  return scored.slice(0, MAX_RANKED).map((s) => s.id);
}
