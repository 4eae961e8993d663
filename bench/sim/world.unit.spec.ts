import { describe, expect, it } from "vitest";
import { documentedWorld } from "./config.js";
import { apportion, buildWorld } from "./world.js";

const params = { ...documentedWorld, videos: 4000 };
const run = { seed: 1, viewers: 30, backgroundViewers: 20 };
const world = buildWorld(params, run);
const cat = world.videos;
const T = params.topics;

describe("world", () => {
  it("is the same for the same seed and differs for another", () => {
    const again = buildWorld(params, run);
    expect(again.videos.caption).toEqual(cat.caption);
    expect(again.videos.quality).toEqual(cat.quality);
    expect(again.viewers[7]!.theta).toEqual(world.viewers[7]!.theta);
    const other = buildWorld(params, { ...run, seed: 2 });
    expect(other.videos.caption).not.toEqual(cat.caption);
  });

  it("splits the catalogue over creators by a Zipf law, every creator posting", () => {
    const counts = new Array<number>(params.creators).fill(0);
    for (let v = 0; v < cat.size; v++) counts[cat.creator[v]!]!++;
    counts.sort((a, b) => b - a);
    expect(counts.reduce((s, c) => s + c, 0)).toBe(4000);
    expect(counts.at(-1)).toBeGreaterThanOrEqual(1);
    expect(counts[0]! / counts[9]!).toBeGreaterThan(10 ** 1.1 * 0.8);
    expect(counts[0]! / counts[9]!).toBeLessThan(10 ** 1.1 * 1.25);
    expect(apportion([3, 1], 10)).toEqual([7, 3]);
    expect(apportion([1, 1, 1], 4).reduce((s, c) => s + c, 0)).toBe(4);
  });

  it("gives each video a topic mix led by its creator's home topic", () => {
    for (let v = 0; v < cat.size; v += 97) {
      const m = Array.from(cat.mix.subarray(v * T, v * T + T));
      const home = world.creators[cat.creator[v]!]!.homeTopic;
      expect(m.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
      expect(m[home]).toBeGreaterThanOrEqual(0.5);
      expect(cat.topic[v]).toBe(home);
    }
  });

  it("shows 1–4 topic hashtags, captions with about 20 % noise words, durations of 5–180 s", () => {
    const hashtagWords = new Set(world.topics.flatMap((t) => t.hashtags));
    const topicWords = new Set(world.topics.flatMap((t) => t.vocabulary));
    let words = 0;
    let noise = 0;
    for (let v = 0; v < cat.size; v++) {
      const tags = cat.hashtags[v]!;
      expect(tags.length >= 1 && tags.length <= 4 && new Set(tags).size === tags.length).toBe(true);
      expect(tags.every((t) => hashtagWords.has(t) && /^[\p{L}\p{N}_]{1,30}$/u.test(t))).toBe(true);
      for (const w of cat.caption[v]!.split(" ")) {
        words++;
        if (!topicWords.has(w)) noise++;
      }
      expect(cat.durationMs[v]).toBeGreaterThanOrEqual(5000);
      expect(cat.durationMs[v]).toBeLessThanOrEqual(180_000);
    }
    expect(noise / words).toBeGreaterThan(0.17);
    expect(noise / words).toBeLessThan(0.23);
    const sorted = Array.from(cat.durationMs).sort((a, b) => a - b);
    expect(sorted[cat.size >> 1]! / 20_000).toBeCloseTo(1, 0);
  });

  it("leans sounds to topics and makes quality follow the creator's", () => {
    let sameTopic = 0;
    for (let v = 0; v < cat.size; v++) if (world.sounds[cat.sound[v]!]!.topic === cat.topic[v]) sameTopic++;
    expect(sameTopic / cat.size).toBeGreaterThan(0.4);
    const qc = Array.from({ length: cat.size }, (_, v) => world.creators[cat.creator[v]!]!.quality);
    const q = Array.from(cat.quality);
    const m = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const cov = m(q.map((x, i) => (x - m(q)) * (qc[i]! - m(qc))));
    expect(cov / m(qc.map((x) => (x - m(qc)) ** 2))).toBeCloseTo(params.creatorQualityShare, 1);
  });

  it("makes background viewers first, then measured ones, each with two tastes", () => {
    expect(world.viewers).toHaveLength(50);
    expect(world.viewers.filter((v) => v.background)).toHaveLength(20);
    expect(world.viewers[19]!.background && !world.viewers[20]!.background).toBe(true);
    for (const v of world.viewers) {
      expect(Array.from(v.theta).reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
      expect(v.thetaAfter).not.toEqual(v.theta);
    }
  });
});
