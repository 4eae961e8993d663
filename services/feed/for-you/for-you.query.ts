// GetForYouFeed: read-your-writes wait, the session from the cursor, the viewer's
// context (follows, friends, blocks), a page from the recommender, then the videos
// rendered through the video context's one visibility check and rendering.
import { create } from "@bufbuild/protobuf";
import { FeedItemSchema, type FeedItem } from "@flick/contracts/flick/feed/v1/feed_pb";
import { ValidationError } from "@flick/kernel";
import type { Cache } from "@flick/read-store";
import { trendingVideoIds } from "../../trending/trending.query.js";
import type { VideoContext } from "../../video/video.context.js";
import { loadViewer, toVisibleVideos, videoRows, type UrlOf } from "../../video/queries/video-view.js";
import { viewerKeyOf, type LiveModel } from "./live-model.js";
import { feedReason, reasonText } from "./reasons.js";
import { cursorOf, loadSession, newSession, saveSession } from "./sessions.js";

export const DEFAULT_LIMIT = 20;
/** Longest a page waits for the caller's consistency token. */
export const CONSISTENCY_WAIT_MS = 1_000;

export interface ForYouInput {
  limit: number;
  cursor: string;
  consistencyToken: string;
  anonymousSessionId: string;
}

export interface ForYouDeps {
  video: VideoContext;
  live: LiveModel;
  sessions: Cache;
  /** The trending model's list (refreshed every minute: cached here for 10 s). */
  trending: () => Promise<{ videoId: string }[]>;
}

/** The trending list as a candidate source, read at most every 10 s. */
export function cachedTrending(video: VideoContext): () => Promise<{ videoId: string }[]> {
  let cached: { at: number; ids: Promise<{ videoId: string }[]> } | undefined;
  return () => {
    const now = Date.now();
    if (!cached || now - cached.at > 10_000) cached = { at: now, ids: trendingVideoIds(video.platform, 200).catch(() => []) };
    return cached.ids;
  };
}

/**
 * Waits (≤ 1 s) for the model to include the caller's last write, then for the catalogue
 * to include every video the model may pick (the model picks, the catalogue renders).
 * False when the model had not caught up in time.
 */
async function modelReady(live: LiveModel, video: VideoContext, consistencyToken: string): Promise<boolean> {
  const caughtUp = consistencyToken ? await live.waitFor(consistencyToken, CONSISTENCY_WAIT_MS) : true;
  if (live.catalogueCheckpoint) await video.models.catalog.waitFor(live.catalogueCheckpoint, CONSISTENCY_WAIT_MS);
  return caughtUp;
}

export async function getForYouFeed(deps: ForYouDeps, userId: string | undefined, input: ForYouInput, urlOf: UrlOf) {
  const { live, video } = deps;
  if (!userId && !input.anonymousSessionId) {
    throw ValidationError.field("anonymous_session_id", "required without a sign-in: a random id the client keeps for the device or session");
  }
  const viewerKey = viewerKeyOf(userId, input.anonymousSessionId);
  if (input.consistencyToken) {
    try {
      video.platform.events.compareCheckpoints(input.consistencyToken, input.consistencyToken);
    } catch {
      throw ValidationError.field("consistency_token", "not a token returned by a command");
    }
  }
  // Everything the page needs before the model is read, at once: under load each await is
  // a turn of a busy event loop, and these one after another were ~30 ms of a ~65 ms page
  // at bench:sim's 24 viewers (the wait for the model to apply the caller's last view
  // ~16 ms at the median; the session, then the viewer's follows and blocks, ~13 ms).
  const [caughtUp, session, viewer, trending] = await Promise.all([
    modelReady(live, video, input.consistencyToken),
    input.cursor ? loadSession(deps.sessions, input.cursor, viewerKey) : newSession(viewerKey),
    loadViewer(video, userId),
    deps.trending(),
  ]);
  const limit = input.limit || DEFAULT_LIMIT;
  const ctx = viewer.context;
  const page = await live.model.page({
    viewerKey,
    userId,
    limit,
    history: session.history,
    exclude: new Set(session.served),
    visible: (v) => ctx.canSee({ creatorId: v.creatorId, privacy: v.visibility, creatorPrivate: live.privateAccounts.has(v.creatorId) }),
    followed: userId ? ctx.followedIds() : [],
    friends: userId ? ctx.friendIds() : undefined,
    extra: [{ ids: trending.map((t) => t.videoId), reason: "trending" }],
    now: video.now().getTime(),
    nearest: (vector, k) => live.nearest(vector, k),
  });
  // The catalogue is the authority on what the viewer may see right now; the model's
  // copy may trail it by a moment, so a video that fails here is dropped from the page.
  const rendered = await toVisibleVideos(video, viewer, await videoRows(video, page.items.map((i) => i.videoId)), urlOf);
  const byId = new Map(rendered.map((v) => [v.videoId, v]));
  const items: FeedItem[] = [];
  const served = [];
  for (const [n, item] of page.items.entries()) {
    const v = byId.get(item.videoId);
    if (!v) continue;
    items.push(
      create(FeedItemSchema, {
        video: v,
        reason: feedReason[item.reason],
        reasonText: reasonText(item.reason, v),
        impressionId: `${session.id}_${session.page}_${n}`,
      }),
    );
    served.push({ videoId: v.videoId, creatorId: v.creator?.userId ?? "", soundId: v.sound?.soundId ?? "" });
  }
  await saveSession(deps.sessions, session, served);
  return {
    items,
    // The feed is infinite while anything unseen remains.
    nextCursor: page.items.length > 0 ? cursorOf(session) : "",
    prefetchIds: page.prefetch,
    caughtUp,
  };
}
