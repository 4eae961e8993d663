// The periodic scorer: reads the activity buckets every window needs (one read per
// bucket), sums them per video with each bucket's decay weight, keeps the videos listed
// now (READY, public, not deleted: the projection's facts, else the catalogue row),
// scores them (./score.ts), sums their scores into hashtags and sounds, and stores nine
// rankings (three kinds × three windows). Then it sweeps buckets no window reads any more.
//
// Cost grows with the buckets read (13 of 5 minutes, 169 of an hour), their members, and
// the videos active in the last week (one multi-key read per 1000): see README.md.
import { randomBytes } from "node:crypto";
import { Privacy } from "@flick/contracts/flick/video/v1/video_pb";
import type { ReadStore, ScoredMember } from "@flick/read-store";
import type { ReadModel } from "../platform/platform.js";
import { timeSlicer, type Pause } from "../platform/time-slicer.js";
import type { VideoRow } from "../video/projections/video-catalog.projection.js";
import { videoRows } from "../video/queries/video-view.js";
import type { VideoContext } from "../video/video.context.js";
import { activityBuckets, activityIndex, parseFacts, videoFacts } from "./projections/trending-activity.projection.js";
import type { Ranking, RankingKind, Rankings } from "./rankings.js";
import { emptyActivity, rank, rankGroups, videoScore, type Activity } from "./score.js";
import { bucketKey, bucketWeight, GRANULARITIES, inWindow, WINDOWS, type Granularity, type WindowSpec } from "./windows.js";

export interface ScorerDeps {
  activity: ReadModel;
  video: VideoContext;
  rankings: Rankings;
  maxRanked: number;
}

export interface RefreshReport {
  computedAt: Date;
  durationMs: number;
  bucketsRead: number;
  membersRead: number;
  /** Videos with activity (or published) in the week. */
  activeVideos: number;
  /** Of those, the ones listed (READY, public, not deleted). */
  listedVideos: number;
  /** Videos whose facts had expired, read from the catalogue instead. */
  catalogueReads: number;
  /** Buckets removed because no window reads them any more. */
  swept: number;
}

const PAGE = 10_000;
const CONCURRENCY = 8;
const CHUNK = 1000;
const HOUR_MS = 3_600_000;

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

async function readAll(store: ReadStore, key: string): Promise<ScoredMember[]> {
  const sets = store.sortedSets(activityBuckets);
  const out: ScoredMember[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await sets.range(key, offset, PAGE);
    out.push(...page);
    if (page.length < PAGE) return out;
  }
}

async function bucketStarts(store: ReadStore, g: Granularity): Promise<number[]> {
  const index = store.sortedSets(activityIndex);
  const out: number[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await index.range(g.name, offset, PAGE);
    out.push(...page.map((m) => m.score));
    if (page.length < PAGE) return out;
  }
}

/** Activity per video in each window, from the buckets. */
async function activityIn(window: WindowSpec, buckets: Map<string, ScoredMember[]>, starts: number[], nowMs: number, pause: Pause): Promise<Map<string, Activity>> {
  const videos = new Map<string, Activity>();
  let n = 0;
  for (const start of starts) {
    if (!inWindow(window, start, nowMs)) continue;
    const members = buckets.get(bucketKey(window.granularity, start)) ?? [];
    const weight = bucketWeight(window, start, nowMs);
    for (const { member, score } of members) {
      if ((++n & 1023) === 0) await pause();
      const colon = member.indexOf(":");
      const videoId = member.slice(colon + 1);
      let a = videos.get(videoId);
      if (!a) videos.set(videoId, (a = emptyActivity()));
      switch (member.slice(0, colon)) {
        case "v":
          a.views += score;
          a.decayedViews += score * weight;
          break;
        case "c":
          a.completionMilli += score;
          break;
        case "l":
          a.likes += score;
          a.decayedLikes += score * weight;
          break;
        case "s":
          a.shares += score;
          a.decayedShares += score * weight;
          break;
        case "p":
          a.published = true;
          break;
      }
    }
  }
  return videos;
}

/** Listed in trending: READY and public (a deleted video has no row). */
export const isListed = (row: VideoRow | undefined): row is VideoRow => row !== undefined && row.status === "ready" && row.privacy === Privacy.PUBLIC;

interface Listing {
  createdAt: number;
  hashtags: string[];
  soundId: string;
}

/**
 * The listed videos among `ids`, with what grouping needs: from the projection's facts
 * (one multi-key read per chunk), else (facts expired) from the catalogue row.
 */
async function listingsOf(deps: ScorerDeps, store: ReadStore, ids: string[]): Promise<Map<string, Listing> & { catalogueReads: number }> {
  const out = Object.assign(new Map<string, Listing>(), { catalogueReads: 0 });
  const cache = store.cache(videoFacts);
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const facts = (await cache.getMany(chunk)).map(parseFacts);
    const unknown: string[] = [];
    facts.forEach((f, k) => {
      if (!f) unknown.push(chunk[k]!);
      else if (f.listed) out.set(chunk[k]!, { createdAt: f.createdAt, hashtags: f.hashtags, soundId: f.soundId });
    });
    if (unknown.length === 0) continue;
    out.catalogueReads += unknown.length;
    const rows = await videoRows(deps.video, unknown);
    rows.forEach((row, k) => {
      if (isListed(row)) out.set(unknown[k]!, { createdAt: row.created_at?.getTime() ?? 0, hashtags: (row.hashtags as string[] | null) ?? [], soundId: row.sound_id ?? "" });
    });
  }
  return out;
}

/** Computes the nine rankings at `now` (reads only). */
export async function computeTrending(deps: ScorerDeps, now: Date): Promise<{ rankings: Ranking[]; report: Omit<RefreshReport, "swept" | "durationMs"> }> {
  const nowMs = now.getTime();
  const store = await deps.activity.store();
  const starts = new Map<string, number[]>();
  for (const g of GRANULARITIES) starts.set(g.name, await bucketStarts(store, g));

  const wanted = new Set<string>();
  for (const w of WINDOWS) for (const s of starts.get(w.granularity.name)!) if (inWindow(w, s, nowMs)) wanted.add(bucketKey(w.granularity, s));
  const keys = [...wanted];
  const read = await mapLimit(keys, CONCURRENCY, (k) => readAll(store, k));
  const buckets = new Map(keys.map((k, i) => [k, read[i]!]));

  // It shares the process with the API: summing a week of buckets over 100k videos in one
  // go held the event loop ~100 ms every refresh (bench:feed:server's slowest pages).
  const pause = timeSlicer();
  const perWindow: { window: WindowSpec; videos: Map<string, Activity> }[] = [];
  for (const w of WINDOWS) perWindow.push({ window: w, videos: await activityIn(w, buckets, starts.get(w.granularity.name)!, nowMs, pause) });
  await pause();
  const seen = new Set<string>();
  for (const p of perWindow) {
    for (const videoId of p.videos.keys()) seen.add(videoId);
    await pause();
  }
  const ids = [...seen];
  const listings = await listingsOf(deps, store, ids);
  const id = `${nowMs.toString(36)}${randomBytes(3).toString("hex")}`;
  const rankings: Ranking[] = [];
  const make = (kind: RankingKind, w: WindowSpec, entries: Ranking["entries"]) => rankings.push({ id, kind, window: w.name, computedAt: now, entries });
  for (const { window, videos } of perWindow) {
    const scored: { id: string; score: number; views: number; published: boolean; listing: Listing }[] = [];
    let n = 0;
    for (const [videoId, a] of videos) {
      if ((++n & 1023) === 0) await pause();
      const listing = listings.get(videoId);
      if (!listing) continue;
      const ageHours = (nowMs - listing.createdAt) / HOUR_MS;
      scored.push({ id: videoId, score: videoScore(a, window, ageHours), views: a.views, published: a.published, listing });
    }
    make(
      "videos",
      window,
      rank(
        scored.filter((v) => v.score > 0).map((v) => ({ id: v.id, score: v.score, views: v.views, videos: 0 })),
        deps.maxRanked,
      ),
    );
    await pause();
    make("hashtags", window, rankGroups(scored.map((v) => ({ ...v, groups: v.listing.hashtags })), deps.maxRanked));
    await pause();
    make("sounds", window, rankGroups(scored.map((v) => ({ ...v, groups: v.listing.soundId ? [v.listing.soundId] : [] })), deps.maxRanked));
    await pause();
  }
  return {
    rankings,
    report: {
      computedAt: now,
      bucketsRead: keys.length,
      membersRead: read.reduce((n, b) => n + b.length, 0),
      activeVideos: ids.length,
      listedVideos: listings.size,
      catalogueReads: listings.catalogueReads,
    },
  };
}

/** Removes buckets older than their granularity's retention (index entry first: see the projection). */
async function sweep(store: ReadStore, nowMs: number): Promise<number> {
  const sets = store.sortedSets(activityBuckets);
  const index = store.sortedSets(activityIndex);
  let swept = 0;
  for (const g of GRANULARITIES) {
    const old = (await bucketStarts(store, g)).filter((s) => s < nowMs - g.retentionMs);
    for (const start of old) {
      await index.remove(g.name, String(start));
      await sets.trim(bucketKey(g, start), 0);
      swept++;
    }
  }
  return swept;
}

/** One refresh: compute, store, sweep. */
export async function refreshTrending(deps: ScorerDeps, now: Date): Promise<RefreshReport> {
  const t0 = performance.now();
  const { rankings, report } = await computeTrending(deps, now);
  for (const r of rankings) await deps.rankings.save(r);
  const swept = await sweep(await deps.activity.store(), now.getTime());
  return { ...report, swept, durationMs: performance.now() - t0 };
}
