// The trending formula (seed §8D), pure: velocity of views, likes and shares, weighted by
// completion and share rates, boosted for new videos. See README.md for the reasoning
// behind each constant.
import { effectiveHours, type WindowSpec } from "./windows.js";

/** One video's activity inside one window. */
export interface Activity {
  views: number;
  /** Net likes (unlikes subtract). */
  likes: number;
  shares: number;
  /** Sum over views of min(completion ratio, 1), in thousandths (integers add exactly). */
  completionMilli: number;
  /** The same counts with each bucket's decay weight applied. */
  decayedViews: number;
  decayedLikes: number;
  decayedShares: number;
  /** Published (created) inside the window. */
  published: boolean;
}

export const emptyActivity = (): Activity => ({
  views: 0,
  likes: 0,
  shares: 0,
  completionMilli: 0,
  decayedViews: 0,
  decayedLikes: 0,
  decayedShares: 0,
  published: false,
});

/** What one view, like and share are worth in the velocity (the seed's 1 / 10 / 50). */
export const WEIGHTS = { view: 1, like: 10, share: 50 } as const;
/**
 * The quality multiplier's floor: without it a video nobody finished or shared would
 * score 0 whatever its velocity, and velocity would stop ordering those videos.
 */
export const QUALITY_FLOOR = 0.1;
/** Hours over which the new-video boost fades (by 1/e). */
export const RECENCY_HOURS = 24;

/** Mean completion of the window's views, 0..1. */
export const completionRate = (a: Activity) => (a.views > 0 ? Math.min(1, a.completionMilli / 1000 / a.views) : 0);

/** Shares per view, 0..1 (a share without a recorded view counts against one view). */
export const shareRate = (a: Activity) => Math.min(1, a.shares / Math.max(a.views, 1));

export function videoScore(a: Activity, window: WindowSpec, ageHours: number): number {
  const velocity =
    (WEIGHTS.view * a.decayedViews + WEIGHTS.like * Math.max(0, a.decayedLikes) + WEIGHTS.share * a.decayedShares) / effectiveHours(window);
  if (velocity <= 0) return 0;
  const quality = QUALITY_FLOOR + 0.5 * completionRate(a) + 0.5 * 100 * shareRate(a);
  const recency = 1 + Math.exp(-Math.max(0, ageHours) / RECENCY_HOURS);
  return velocity * quality * recency;
}

export interface Ranked {
  id: string;
  score: number;
  /** Views inside the window. */
  views: number;
  /** Hashtags and sounds: their videos published inside the window. */
  videos: number;
}

/** Hottest first; equal scores by id, descending (the sorted-set order of the read stores). */
export function rank(items: Iterable<Ranked>, max: number): Ranked[] {
  let all = [...items];
  if (max <= 0) return [];
  if (all.length > 4 * max) {
    // Only the best `max` are kept: the max-th best score (a numeric sort of the scores
    // alone, native and without a comparator) bounds them, so the comparator sort below
    // sees a few more than `max` instead of every active video (100k in a week: ~50 ms of
    // event loop a window, nine windows a refresh). Ties at the bound are all kept.
    const scores = Float64Array.from(all, (r) => r.score).sort();
    const bound = scores[scores.length - max]!;
    all = all.filter((r) => r.score >= bound);
  }
  return all.sort((a, b) => b.score - a.score || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)).slice(0, max);
}

/**
 * Hashtags and sounds: a group is as hot as its videos together (the sum of their
 * scores), with their window views and how many of them were published in the window.
 */
export function rankGroups(videos: Iterable<{ score: number; views: number; published: boolean; groups: readonly string[] }>, max: number): Ranked[] {
  const groups = new Map<string, Ranked>();
  for (const v of videos) {
    for (const id of new Set(v.groups)) {
      if (!id) continue;
      let g = groups.get(id);
      if (!g) groups.set(id, (g = { id, score: 0, views: 0, videos: 0 }));
      g.score += v.score;
      g.views += v.views;
      if (v.published) g.videos += 1;
    }
  }
  return rank([...groups.values()].filter((g) => g.score > 0 || g.videos > 0), max);
}
