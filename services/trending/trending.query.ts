// Reading the trending rankings: one read of a computed ranking per page, then the page's
// entries rendered by their owners' queries (videos through the one visibility check,
// hashtags and sounds through theirs). Entries that are no longer listed (deleted, made
// private since the computation) or that the viewer may not see are skipped, so ranks
// may skip numbers; a page reads a few slices of the ranking to fill up.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  TrendingHashtagSchema,
  TrendingSoundSchema,
  TrendingVideoSchema,
  type TrendingHashtag,
  type TrendingSound,
  type TrendingVideo,
  type TrendingWindow,
} from "@flick/contracts/flick/trending/v1/trending_pb";
import { ValidationError } from "@flick/kernel";
import { hashtagsByName } from "../hashtag/queries/hashtags.query.js";
import type { Platform } from "../platform/platform.js";
import { decodeListCursor, encodeListCursor } from "../social/paging.js";
import { soundRows, toSounds } from "../sound/queries/sounds.query.js";
import { loadViewer, toVisibleVideos, videoRows, type UrlOf } from "../video/queries/video-view.js";
import { DEFAULT_LIMIT } from "../video/queries/visible-page.js";
import { rankingsOf, type Ranking, type RankingKind } from "./rankings.js";
import type { Ranked } from "./score.js";
import type { TrendingContext } from "./trending.context.js";
import { isListed } from "./trending.scorer.js";
import { windowNamed, windowOf, type WindowSpec } from "./windows.js";

/** Slices of the ranking read for one page at most: a page may come back short, never slow. */
const MAX_ROUNDS = 5;

export interface PageInput {
  window: TrendingWindow;
  limit: number;
  cursor: string;
}

const listName = (kind: RankingKind, w: WindowSpec) => `trending:${kind}:${w.name}`;

/** The ranking a request pages and where to start: the latest one, or the cursor's. */
async function rankingFor(t: TrendingContext, kind: RankingKind, w: WindowSpec, cursor: string): Promise<{ ranking: Ranking; offset: number }> {
  const raw = decodeListCursor(listName(kind, w), cursor);
  if (raw === undefined) {
    // Nothing computed yet (a fresh deployment): compute now rather than answer empty.
    const ranking = (await t.rankings.latest(kind, w.name)) ?? (await t.refresher.refresh(), await t.rankings.latest(kind, w.name));
    if (!ranking) throw new Error(`trending: no ${kind} ranking after a refresh`);
    return { ranking, offset: 0 };
  }
  const m = /^([0-9a-z]{1,40})\.(\d{1,4})$/.exec(raw);
  if (!m) throw ValidationError.field("cursor", "invalid cursor");
  const ranking = await t.rankings.byId(kind, w.name, m[1]!);
  if (!ranking) throw ValidationError.field("cursor", "the ranking this cursor came from was replaced: start again without a cursor");
  const offset = Number(m[2]);
  if (offset > ranking.entries.length) throw ValidationError.field("cursor", "invalid cursor");
  return { ranking, offset };
}

/** Renders slices of the ranking from `offset` until `limit` items are kept or it ends. */
async function page<T>(
  t: TrendingContext,
  kind: RankingKind,
  input: PageInput,
  render: (slice: Ranked[], firstRank: number) => Promise<T[]>,
): Promise<{ items: T[]; nextCursor: string; window: TrendingWindow; computedAt: ReturnType<typeof timestampFromDate> }> {
  const w = windowOf(input.window);
  const limit = input.limit || DEFAULT_LIMIT;
  const { ranking, offset } = await rankingFor(t, kind, w, input.cursor);
  const items: T[] = [];
  let next = offset;
  for (let round = 0; round < MAX_ROUNDS && items.length < limit && next < ranking.entries.length; round++) {
    const slice = ranking.entries.slice(next, next + limit - items.length);
    items.push(...(await render(slice, next + 1)));
    next += slice.length;
  }
  return {
    items,
    nextCursor: next < ranking.entries.length ? encodeListCursor(listName(kind, w), `${ranking.id}.${next}`) : "",
    window: w.proto,
    computedAt: timestampFromDate(ranking.computedAt),
  };
}

export async function listTrendingVideos(t: TrendingContext, viewerId: string | undefined, input: PageInput, urlOf: UrlOf) {
  const viewer = await loadViewer(t.video, viewerId);
  const { items, ...rest } = await page<TrendingVideo>(t, "videos", input, async (slice, firstRank) => {
    // Listed now (not deleted or made private since the computation) and visible to this viewer.
    const rows = (await videoRows(t.video, slice.map((e) => e.id))).map((r) => (isListed(r) ? r : undefined));
    const videos = new Map((await toVisibleVideos(t.video, viewer, rows, urlOf)).map((v) => [v.videoId, v]));
    return slice.flatMap((e, i) => {
      const video = videos.get(e.id);
      return video ? [create(TrendingVideoSchema, { rank: firstRank + i, score: e.score, video, windowViews: BigInt(e.views) })] : [];
    });
  });
  return { videos: items, ...rest };
}

export async function listTrendingHashtags(t: TrendingContext, input: PageInput) {
  const { items, ...rest } = await page<TrendingHashtag>(t, "hashtags", input, async (slice, firstRank) => {
    const hashtags = await hashtagsByName(t.video, slice.map((e) => e.id));
    return slice.flatMap((e, i) => {
      const hashtag = hashtags[i];
      return hashtag
        ? [create(TrendingHashtagSchema, { rank: firstRank + i, score: e.score, hashtag, windowViews: BigInt(e.views), windowVideos: BigInt(e.videos) })]
        : [];
    });
  });
  return { hashtags: items, ...rest };
}

export async function listTrendingSounds(t: TrendingContext, viewerId: string | undefined, input: PageInput, urlOf: UrlOf) {
  const { items, ...rest } = await page<TrendingSound>(t, "sounds", input, async (slice, firstRank) => {
    const rows = await soundRows(t.video, slice.map((e) => e.id));
    const kept = slice.map((e, i) => ({ e, rank: firstRank + i })).filter((_, i) => rows[i] !== undefined);
    // toSounds keeps the order of the rows it is given and drops only missing ones.
    const sounds = await toSounds(t.video, viewerId, rows, urlOf);
    return kept.map(({ e, rank }, i) =>
      create(TrendingSoundSchema, { rank, score: e.score, sound: sounds[i], windowViews: BigInt(e.views), windowVideos: BigInt(e.videos) }),
    );
  });
  return { sounds: items, ...rest };
}

/**
 * For the For You feed's candidate source: the k hottest public READY videos of the last
 * day, as last computed (one read of a computed ranking; empty until the first refresh).
 * The feed applies its own filters (seen, blocked, private accounts).
 */
export async function trendingVideoIds(platform: Platform, k: number): Promise<{ videoId: string; score: number }[]> {
  const latest = await (await rankingsOf(platform)).latest("videos", windowNamed("day").name);
  return (latest?.entries ?? []).slice(0, Math.max(0, k)).map((e) => ({ videoId: e.id, score: e.score }));
}
