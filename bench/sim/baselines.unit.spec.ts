import { describe, expect, it } from "vitest";
import { baselinePolicies, OraclePolicy, runPolicy, Shown, TrendingPolicy } from "./baselines.js";
import { configFrom } from "./config.js";
import { measure } from "./metrics.js";
import { Rng } from "./rng.js";
import { Viewer } from "./viewer.js";
import { buildWorld, type World } from "./world.js";

const { world: wp, run } = configFrom({
  world: { videos: 2000, creators: 100, sounds: 60, driftSwipe: 120 },
  run: { viewers: 30, swipes: 130, backgroundViewers: 10, backgroundSwipes: 30, concurrency: 8 },
});
const world = buildWorld(wp, run);
const cat = world.videos;

describe("diversity rules", () => {
  // Videos 0–13: creator = video id, except video 1 (creator 0); sound 7 for 0, 2, 4, 6.
  const tiny = {
    videos: {
      creator: Int32Array.from({ length: 14 }, (_, v) => (v === 1 ? 0 : v)),
      sound: Int32Array.from({ length: 14 }, (_, v) => ([0, 2, 4, 6].includes(v) ? 7 : 100 + v)),
    },
  } as unknown as World;

  it("refuse a repeat and the previous video's creator", () => {
    const shown = new Shown(tiny);
    shown.add(0);
    expect(shown.allows(0)).toBe(false);
    expect(shown.allows(1)).toBe(false);
    shown.add(3);
    expect(shown.allows(1)).toBe(true);
  });

  it("refuse a 4th video of one sound among 10 consecutive, until the first leaves the window", () => {
    const shown = new Shown(tiny);
    for (const v of [0, 3, 2, 5, 4]) shown.add(v);
    expect(shown.allows(6)).toBe(false);
    for (const v of [8, 9, 10, 11, 12]) shown.add(v);
    // Window of the next video: 3, 2, 5, 4, 8, 9, 10, 11, 12 — two of sound 7.
    expect(shown.allows(6)).toBe(true);
  });

  it("refuse a third repeated creator among 10 consecutive", () => {
    // Creators of videos 20–26: 20, 21, 20, 23, 21, 25, 23 (video 26 would be the third repeat).
    const world = {
      videos: { creator: Int32Array.from({ length: 40 }, (_, v) => (v === 22 ? 20 : v === 24 ? 21 : v === 26 ? 23 : v)), sound: Int32Array.from({ length: 40 }, (_, v) => v) },
    } as unknown as World;
    const shown = new Shown(world);
    for (const v of [20, 21, 22, 23, 24]) shown.add(v);
    expect(shown.allows(26)).toBe(false);
    expect(shown.allows(27)).toBe(true);
  });
});

describe("baselines", () => {
  const results = baselinePolicies(world, run.seed).map((p) => runPolicy(world, run, p));
  const metrics = Object.fromEntries(results.map((r) => [r.name, measure(r.sessions, cat.size, wp.driftSwipe)]));

  it("give every measured viewer a full session without repeats or rule violations", () => {
    for (const r of results) {
      expect(r.sessions).toHaveLength(30);
      expect(r.shortSessions).toBe(0);
      for (const s of r.sessions) expect(new Set(s.map((i) => i.video)).size).toBe(s.length);
      expect(metrics[r.name]!.violations).toBe(0);
    }
  });

  it("rank as expected: oracle above trending above random", () => {
    expect(metrics.oracle!.wtr).toBeGreaterThan(metrics.trending!.wtr + 0.2);
    expect(metrics.trending!.wtr).toBeGreaterThan(metrics.random!.wtr);
    expect(metrics.oracle!.coldStart).toBe(10);
  });

  it("oracle: the first video is the one with the highest z the rules allow", () => {
    const viewer = new Viewer(world, world.viewers[12]!);
    const [first] = new OraclePolicy(world).page(viewer, new Shown(world), 1);
    let best = 0;
    for (let v = 1; v < cat.size; v++) if (viewer.score(v) > viewer.score(best)) best = v;
    expect(first).toBe(best);
  });

  it("trending: a video watched to the end goes to the top for the next viewer", () => {
    const trending = new TrendingPolicy(world, new Rng(1));
    const a = new Viewer(world, world.viewers[0]!);
    const page = trending.page(a, new Shown(world), 8);
    trending.observe(page[5]!, { ratio: 1, completed: true, liked: false, shared: false, followed: false, p: 1 });
    for (const v of page.filter((_, i) => i !== 5)) trending.observe(v, { ratio: 0.2, completed: false, liked: false, shared: false, followed: false, p: 0 });
    const next = trending.page(new Viewer(world, world.viewers[1]!), new Shown(world), 8);
    expect(next[0]).toBe(page[5]);
    expect(next.slice(1).some((v) => page.includes(v))).toBe(false);
  });
});
