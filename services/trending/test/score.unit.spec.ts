// The formula and the windows on hand-made activity: what each signal does to the order.
import { describe, expect, it } from "vitest";
import { emptyActivity, rank, rankGroups, videoScore, type Activity } from "../score.js";
import { bucketKey, bucketStart, bucketWeight, FIVE_MINUTES, inWindow, ONE_HOUR, windowNamed } from "../windows.js";

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 0, 10, 12, 7, 30);
const day = windowNamed("day");

/** Activity of `views` views (completion each), likes and shares, all `hoursAgo` before NOW. */
function activity(w = day, o: { views: number; completion?: number; likes?: number; shares?: number; hoursAgo: number }): Activity {
  const start = bucketStart(w.granularity, NOW - o.hoursAgo * HOUR);
  const weight = inWindow(w, start, NOW) ? bucketWeight(w, start, NOW) : 0;
  const a = emptyActivity();
  if (weight === 0) return a;
  a.views = o.views;
  a.completionMilli = Math.round((o.completion ?? 0.8) * 1000) * o.views;
  a.likes = o.likes ?? 0;
  a.shares = o.shares ?? 0;
  a.decayedViews = a.views * weight;
  a.decayedLikes = a.likes * weight;
  a.decayedShares = a.shares * weight;
  return a;
}

describe("trending score", () => {
  it("lets velocity beat volume once decayed: 20 views now beat 60 views 20 hours ago in the day, not in the week", () => {
    const old = { views: 60, hoursAgo: 20 };
    const fresh = { views: 20, hoursAgo: 0.1 };
    expect(videoScore(activity(day, fresh), day, 72)).toBeGreaterThan(videoScore(activity(day, old), day, 72));
    const week = windowNamed("week");
    expect(videoScore(activity(week, old), week, 72)).toBeGreaterThan(videoScore(activity(week, fresh), week, 72));
  });

  it("weighs completion, likes and shares", () => {
    const base = videoScore(activity(day, { views: 20, hoursAgo: 1 }), day, 72);
    expect(videoScore(activity(day, { views: 20, completion: 1, hoursAgo: 1 }), day, 72)).toBeGreaterThan(base);
    expect(videoScore(activity(day, { views: 20, completion: 0.2, hoursAgo: 1 }), day, 72)).toBeLessThan(base);
    expect(videoScore(activity(day, { views: 20, likes: 3, hoursAgo: 1 }), day, 72)).toBeGreaterThan(base);
    const shared = videoScore(activity(day, { views: 20, shares: 2, hoursAgo: 1 }), day, 72);
    expect(shared).toBeGreaterThan(videoScore(activity(day, { views: 20, likes: 3, completion: 1, hoursAgo: 1 }), day, 72));
  });

  it("boosts new videos, and scores no activity as 0", () => {
    const a = activity(day, { views: 10, hoursAgo: 1 });
    expect(videoScore(a, day, 1)).toBeGreaterThan(videoScore(a, day, 48));
    expect(videoScore(emptyActivity(), day, 1)).toBe(0);
    // Likes taken back do not make a video hot.
    expect(videoScore({ ...emptyActivity(), likes: -2, decayedLikes: -2 }, day, 1)).toBe(0);
  });

  it("windows are the current bucket and the complete ones before it", () => {
    const hour = windowNamed("hour");
    const current = bucketStart(FIVE_MINUTES, NOW);
    expect(inWindow(hour, current, NOW)).toBe(true);
    expect(inWindow(hour, current - 12 * FIVE_MINUTES.ms, NOW)).toBe(true);
    expect(inWindow(hour, current - 13 * FIVE_MINUTES.ms, NOW)).toBe(false);
    expect(inWindow(hour, current + FIVE_MINUTES.ms, NOW)).toBe(false);
    expect(inWindow(day, bucketStart(ONE_HOUR, NOW) - 24 * HOUR, NOW)).toBe(true);
    expect(inWindow(day, bucketStart(ONE_HOUR, NOW) - 25 * HOUR, NOW)).toBe(false);
    expect(bucketKey(ONE_HOUR, bucketStart(ONE_HOUR, NOW))).toBe(`h1:${Date.UTC(2026, 0, 10, 12)}`);
  });

  it("ranks hottest first with ties by id, and sums videos into groups", () => {
    const ranked = rank(
      [
        { id: "a", score: 1, views: 1, videos: 0 },
        { id: "c", score: 2, views: 1, videos: 0 },
        { id: "b", score: 1, views: 1, videos: 0 },
      ],
      2,
    );
    expect(ranked.map((r) => r.id)).toEqual(["c", "b"]);
    const groups = rankGroups(
      [
        { score: 3, views: 10, published: true, groups: ["x", "y", "x"] },
        { score: 2, views: 5, published: false, groups: ["y"] },
        { score: 0, views: 0, published: true, groups: ["z"] },
        { score: 0, views: 0, published: false, groups: ["w"] },
      ],
      10,
    );
    expect(groups).toEqual([
      { id: "y", score: 5, views: 15, videos: 1 },
      { id: "x", score: 3, views: 10, videos: 1 },
      { id: "z", score: 0, views: 0, videos: 1 },
    ]);
  });
  it("ranks a long list like a full sort: the best `max` by score, ties by id descending, however many tie at the bound", () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000);
    // Scores on a coarse grid, so many tie, and at the bound too.
    const items = Array.from({ length: 5000 }, (_, i) => ({ id: `v${String(i).padStart(5, "0")}`, score: Math.floor(rnd() * 200) / 10, views: i, videos: 0 }));
    const full = [...items].sort((a, b) => b.score - a.score || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    for (const max of [1, 10, 100, 1000]) expect(rank(items, max)).toEqual(full.slice(0, max));
    expect(rank(items, 0)).toEqual([]);
    expect(rank(items.slice(0, 3), 10).map((r) => r.id)).toEqual(full.filter((r) => ["v00000", "v00001", "v00002"].includes(r.id)).map((r) => r.id));
  });
});
