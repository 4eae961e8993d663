// The ranked mode's score: how much a followed creator's recent video is worth showing
// first. Engagement is what other viewers did with it (engagement counts), smoothed so a
// video with 1 view and 1 like does not beat one with 1,000 views and 300 likes, times a
// recency decay, so the mode stays a following feed (recent posts) and not a best-of.
import type { VideoCounts } from "../../../video/video.hooks.js";

/** Engagement halves the score's weight of a video every this long. */
export const HALF_LIFE_MS = 36 * 3600_000;

const n = (v: bigint | undefined) => Number(v ?? 0n);

export function rankScore(counts: VideoCounts | undefined, ageMs: number): number {
  const views = n(counts?.views);
  // What a viewer does beyond watching, weighted by effort: a share or a save says more than a like.
  const actions = n(counts?.likes) + 2 * n(counts?.comments) + 3 * n(counts?.shares) + 2 * n(counts?.saves);
  // Per-view engagement with a prior of 1 action in 10 views: small counts move it little.
  const rate = (actions + 1) / (views + 10);
  // Reach: how much engagement in absolute terms, with diminishing returns.
  const reach = Math.log1p(actions + 0.1 * views);
  const decay = Math.pow(0.5, Math.max(0, ageMs) / HALF_LIFE_MS);
  return (1 + reach) * (0.5 + rate) * decay;
}
