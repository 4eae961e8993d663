import { describe, expect, it } from "vitest";
import { mixSeed, Rng, Sampler, zipfWeights } from "./rng.js";

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

describe("Rng", () => {
  it("gives the same numbers for the same seed, and other numbers for another seed", () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it("mixes seeds and stream labels into distinct seeds", () => {
    expect(mixSeed(1, 2)).toBe(mixSeed(1, 2));
    expect(new Set([mixSeed(1, 2), mixSeed(2, 1), mixSeed(1, 3), mixSeed(1, 2, 0)]).size).toBe(4);
  });

  it("draws normals, gammas and lognormals with the right moments", () => {
    const rng = new Rng(7);
    const n = Array.from({ length: 20_000 }, () => rng.normal(1, 2));
    expect(mean(n)).toBeCloseTo(1, 1);
    expect(Math.sqrt(mean(n.map((x) => (x - 1) ** 2)))).toBeCloseTo(2, 1);
    for (const shape of [0.15, 0.3, 2.5]) expect(mean(Array.from({ length: 20_000 }, () => rng.gamma(shape)))).toBeCloseTo(shape, 1);
    const ln = Array.from({ length: 20_001 }, () => rng.lognormal(Math.log(20), 0.6)).sort((x, y) => x - y);
    expect(ln[10_000]! / 20).toBeCloseTo(1, 1);
  });

  it("draws Dirichlet vectors on the simplex, sparser for small concentrations", () => {
    const rng = new Rng(3);
    const k = 20;
    const maxShare = (alpha: number) => mean(Array.from({ length: 2000 }, () => Math.max(...rng.dirichlet(alpha, k))));
    const v = rng.dirichlet(0.3, k);
    expect(v).toHaveLength(k);
    expect(v.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
    expect(maxShare(0.1)).toBeGreaterThan(maxShare(1) + 0.2);
  });

  it("samples Zipf ranks in proportion to r^-s", () => {
    const rng = new Rng(11);
    const sampler = new Sampler(zipfWeights(50, 1.1));
    const counts = new Array<number>(50).fill(0);
    for (let i = 0; i < 100_000; i++) counts[sampler.draw(rng)]!++;
    expect(counts[0]! / counts[1]!).toBeCloseTo(2 ** 1.1, 0);
    expect(counts[0]! / counts[9]!).toBeGreaterThan(10 ** 1.1 * 0.85);
    expect(counts[0]! / counts[9]!).toBeLessThan(10 ** 1.1 * 1.15);
  });
});
