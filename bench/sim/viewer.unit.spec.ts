import { describe, expect, it } from "vitest";
import { documentedWorld, type WorldParams } from "./config.js";
import { sigmoid } from "./rng.js";
import { Viewer } from "./viewer.js";
import { buildWorld, type World } from "./world.js";

const base = buildWorld({ ...documentedWorld, videos: 3000, creators: 100 }, { seed: 5, viewers: 4, backgroundViewers: 0 });
/** The same world under other model constants (the catalogue does not change). */
const withParams = (p: Partial<WorldParams>): World => ({ ...base, params: { ...base.params, ...p } });
const T = base.params.topics;
const cat = base.videos;

function cos(theta: Float64Array, v: number): number {
  let dot = 0;
  let a = 0;
  let b = 0;
  for (let t = 0; t < T; t++) {
    dot += theta[t]! * cat.mix[v * T + t]!;
    a += theta[t]! ** 2;
    b += cat.mix[v * T + t]! ** 2;
  }
  return dot / Math.sqrt(a * b);
}

/** The documented z, written out independently of viewer.ts. */
function z(theta: Float64Array, v: number, sameTopicInLast5: number, sameCreator: boolean): number {
  return -2.4 + 5.5 * cos(theta, v) + 0.8 * cat.quality[v]! - 0.5 * Math.log(cat.durationMs[v]! / 1000 / 20) - 0.3 * sameTopicInLast5 - (sameCreator ? 0.8 : 0);
}

const byTopic = (topic: number) => Array.from({ length: cat.size }, (_, v) => v).filter((v) => cat.topic[v] === topic);

describe("the watching model", () => {
  const quiet = withParams({ noiseSd: 0 });

  it("completes with p = sigmoid(z) on a first swipe", () => {
    const viewer = new Viewer(quiet, base.viewers[0]!);
    expect(viewer.watch(42).p).toBeCloseTo(sigmoid(z(base.viewers[0]!.theta, 42, 0, false)), 12);
  });

  it("tires of a topic seen in the last 5 videos, and of the same creator twice in a row", () => {
    // The topic with the most creators.
    const creatorsOf = (t: number) => new Set(byTopic(t).map((v) => cat.creator[v]!)).size;
    const topic = Array.from({ length: T }, (_, t) => t).sort((a, b) => creatorsOf(b) - creatorsOf(a))[0]!;
    const sameTopic = byTopic(topic);
    // Five videos of one topic by distinct creators, then a sixth of that topic.
    const creators = new Set<number>();
    const picks = sameTopic.filter((v) => !creators.has(cat.creator[v]!) && creators.add(cat.creator[v]!));
    expect(picks.length).toBeGreaterThanOrEqual(7);
    const viewer = new Viewer(quiet, base.viewers[1]!);
    const theta = base.viewers[1]!.theta;
    for (let i = 0; i < 5; i++) viewer.watch(picks[i]!);
    expect(viewer.watch(picks[5]!).p).toBeCloseTo(sigmoid(z(theta, picks[5]!, 5, false)), 12);
    // Same creator as the previous video (and the same topic again, still 5 in the window).
    const again = sameTopic.find((v) => v !== picks[5] && cat.creator[v] === cat.creator[picks[5]!])!;
    expect(again).toBeDefined();
    expect(viewer.watch(again).p).toBeCloseTo(sigmoid(z(theta, again, 5, true)), 12);
    // Another topic: no fatigue.
    const other = cat.topic.findIndex((t) => t !== topic);
    expect(viewer.watch(other).p).toBeCloseTo(sigmoid(z(theta, other, 0, false)), 12);
  });

  it("switches to the new taste after the drift swipe", () => {
    const viewer = new Viewer(quiet, base.viewers[2]!);
    const others = byTopic(3);
    for (let i = 0; i < 150; i++) {
      expect(viewer.taste).toBe(base.viewers[2]!.theta);
      viewer.watch(others[i % others.length]!);
    }
    expect(viewer.drifted).toBe(true);
    expect(viewer.taste).toBe(base.viewers[2]!.thetaAfter);
  });

  it("watches to the end, replays, likes, shares and follows as specified when p ≈ 1", () => {
    const viewer = new Viewer(withParams({ intercept: 12 }), base.viewers[3]!);
    const watches = Array.from({ length: 20_000 }, (_, i) => ({ v: i % cat.size, w: viewer.watch(i % cat.size) }));
    const share = (f: (w: (typeof watches)[0]["w"]) => boolean) => watches.filter((x) => f(x.w)).length / watches.length;
    expect(share((w) => w.completed && w.ratio >= 1 && w.ratio <= 2)).toBe(1);
    expect(share((w) => w.ratio > 1)).toBeCloseTo(0.25, 1);
    expect(share((w) => w.liked)).toBeCloseTo(0.3, 1);
    expect(share((w) => w.shared)).toBeCloseTo(0.03, 2);
    // A creator is followed once, at their third completed video.
    const follows = new Map<number, number[]>();
    watches.forEach(({ v, w }, i) => {
      if (w.followed) follows.set(cat.creator[v]!, [...(follows.get(cat.creator[v]!) ?? []), i]);
    });
    const firstCreator = cat.creator[0]!;
    const third = watches.map((x, i) => [x.v, i] as const).filter(([v]) => cat.creator[v] === firstCreator)[2]![1];
    expect(follows.get(firstCreator)).toEqual([third]);
  });

  it("skips early when p ≈ 0: ratio u^(1/0.3), never liked", () => {
    const viewer = new Viewer(withParams({ intercept: -40 }), base.viewers[0]!);
    const ws = Array.from({ length: 20_000 }, (_, i) => viewer.watch(i % cat.size));
    expect(ws.some((w) => w.completed || w.liked || w.ratio >= 1)).toBe(false);
    expect(ws.reduce((s, w) => s + w.ratio, 0) / ws.length).toBeCloseTo(0.3 / 1.3, 1);
  });

  it("behaves the same for the same viewer seed, whoever chose the videos", () => {
    const a = new Viewer(base, base.viewers[0]!);
    const b = new Viewer(base, base.viewers[0]!);
    const seq = [5, 17, 300, 2999, 42];
    expect(seq.map((v) => a.watch(v))).toEqual(seq.map((v) => b.watch(v)));
  });
});
