import { describe, expect, it } from "vitest";
import { latency, measure, type Impression, type Session } from "./metrics.js";

const imp = (video: number, creator: number, sound: number, ratio: number): Impression => ({ video, creator, sound, ratio });
/** A session whose creators and sounds never repeat, with the given ratios. */
const plain = (ratios: number[], offset = 0): Session => ratios.map((r, i) => imp(offset + i, offset + i, offset + i, r));
/** `viewers` sessions of `swipes` swipes; at swipe n (1-based) the first round(wtr(n)·viewers) complete. */
function population(viewers: number, swipes: number, wtr: (n: number) => number): Session[] {
  return Array.from({ length: viewers }, (_, i) => plain(Array.from({ length: swipes }, (_, k) => (i < Math.round(wtr(k + 1) * viewers) ? 1 : 0.4)), i * 1000));
}

describe("metrics", () => {
  it("computes WTR, the watch ratio capped at 1 and coverage", () => {
    const m = measure([[imp(0, 0, 0, 1), imp(1, 1, 1, 0.5), imp(2, 2, 2, 1.7)], [imp(0, 0, 0, 0.2)]], 10, 150);
    expect(m.impressions).toBe(4);
    expect(m.wtr).toBe(0.5);
    expect(m.watchRatio).toBeCloseTo((1 + 0.5 + 1 + 0.2) / 4, 12);
    expect(m.coverage).toBe(0.3);
  });

  it("counts consecutive videos by one creator and windows of 10 with more than 3 of one sound", () => {
    const creators = [1, 1, 2, 1, 1, 1].map((c, i) => imp(i, c, i, 1));
    expect(measure([creators], 100, 150).sameCreatorViolations).toBe(3);
    // Sound 7 at positions 0, 3, 6, 9 and 12: windows starting at 0 and 3 hold four of them.
    const sounds = Array.from({ length: 13 }, (_, i) => imp(i, i, i % 3 === 0 ? 7 : 100 + i, 1));
    const m = measure([sounds], 100, 150);
    expect(m.soundViolations).toBe(2);
    expect(m.sameCreatorViolations).toBe(0);
    expect(m.violations).toBe(2);
    // Three per sound is allowed.
    expect(measure([Array.from({ length: 10 }, (_, i) => imp(i, i, i < 3 ? 7 : 100 + i, 1))], 100, 150).violations).toBe(0);
  });

  it("counts distinct creators per 10 consecutive videos", () => {
    const s = [0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 7].map((c, i) => imp(i, c, i, 1));
    const m = measure([s], 100, 150);
    expect(m.windowsBelow8Creators).toBe(1);
    expect(m.distinctCreatorsPer10).toBe((7 + 8) / 2);
  });

  it("finds the cold start: the first swipe whose 10-swipe window reaches 0.70", () => {
    // Nobody completes before swipe 20, everybody from swipe 20: the window ending at n
    // holds n − 19 completed swipes, ≥ 7 first at n = 26.
    const m = measure(population(10, 200, (n) => (n >= 20 ? 1 : 0)), 1_000_000, 150);
    expect(m.coldStart).toBe(26);
    expect(measure(population(10, 200, () => 0.6), 1_000_000, 150).coldStart).toBeNull();
  });

  it("measures recovery after the drift against 90 % of the WTR over swipes 101–150", () => {
    // All complete before the drift, none for swipes 151–165, all again from 166: windows
    // need 9 of their 10 swipes back to reach 0.9, first the window ending at swipe 174.
    const dip = measure(population(10, 200, (n) => (n > 150 && n < 166 ? 0 : 1)), 1_000_000, 150);
    expect(dip.preDriftWtr).toBe(1);
    expect(dip.recovery).toBe(24);
    expect(measure(population(10, 200, (n) => (n > 150 ? 0.5 : 0.8)), 1_000_000, 150).recovery).toBeNull();
    expect(measure(population(10, 200, () => 0.8), 1_000_000, 150).recovery).toBe(10);
    // Another drift swipe moves both the level's window and the recovery's.
    const at120 = measure(population(10, 200, (n) => (n <= 70 ? 0 : n > 120 && n < 136 ? 0 : 1)), 1_000_000, 120);
    expect(at120.preDriftWtr).toBe(1);
    expect(at120.recovery).toBe(24);
  });

  it("keeps the population WTR per swipe", () => {
    const m = measure(population(4, 160, (n) => (n % 2 ? 0.25 : 0.75)), 1_000_000, 150);
    expect(m.wtrBySwipe.slice(0, 4)).toEqual([0.25, 0.75, 0.25, 0.75]);
  });

  it("reports For You latency percentiles", () => {
    const l = latency(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(l).toEqual({ calls: 100, p50: 50, p99: 99 });
  });
});
