// The recommender in memory: learning from views, filters, sessions and the diversity rules.
import { describe, expect, it } from "vitest";
import { violations } from "./diversity.js";
import { choleskyInPlace, inverseQuadraticForm, packedSize, rowStart, solveCholesky } from "./linear-algebra.js";
import { INDEX_DRIFT, Recommender, type VideoFacts } from "./recommender.js";
import { Repetition } from "./repetition.js";
import { dot, randomVector } from "./vectors.js";

const video = (id: string, creatorId: string, hashtags: string[], caption: string, extra: Partial<VideoFacts> = {}): VideoFacts => ({
  videoId: id,
  creatorId,
  soundId: `s_${id}`,
  hashtags,
  caption,
  durationMs: 15_000,
  createdAt: 0,
  visibility: "public",
  ...extra,
});

function catalogue(m: Recommender) {
  for (let i = 0; i < 40; i++) m.upsertVideo(video(`prop${i}`, `pc${i % 10}`, ["prop"], "#prop"));
  for (let i = 0; i < 30; i++) m.upsertVideo(video(`misc${i}`, `mc${i}`, [`t${i % 4}`], `#t${i % 4}`));
  for (let i = 0; i < 24; i++) {
    m.upsertVideo(video(`cat${i}`, `cr${i}`, ["cats", "kitten"], "cute cat purring"));
    m.upsertVideo(video(`car${i}`, `cr${i}`, ["cars", "engine"], "fast car racing"));
  }
}

describe("recommender", () => {
  for (const refreshed of [false, true]) {
    it(`learns from views: cats watched through, cars skipped → the next page leans to cats (refresh ${refreshed ? "after" : "before"} the views)`, () => {
      const m = new Recommender();
      catalogue(m);
      if (!refreshed) m.refresh();
      for (let i = 0; i < 6; i++) {
        m.observeView("u:x", `cat${i}`, 1, 0);
        m.observeView("u:x", `car${i}`, 1 / 15, 0);
      }
      if (refreshed) m.refresh();
      const page = m.pageNow({ viewerKey: "u:x", limit: 10, history: [], exclude: new Set(), visible: () => true, now: 0, random: () => 0.5 });
      const ids = page.items.map((i) => i.videoId);
      const cats = ids.filter((id) => id.startsWith("cat")).length;
      const cars = ids.filter((id) => id.startsWith("car")).length;
      const props = ids.filter((id) => id.startsWith("prop")).length;
      // Half the page: the rest goes on probing subjects never tried (props, misc), which
      // the uncertainty bonus keeps doing while the viewer model knows nothing of them.
      expect(cats, ids.join(" ")).toBeGreaterThanOrEqual(5);
      expect(cats, ids.join(" ")).toBeGreaterThan(props);
      expect(cars).toBeLessThan(cats);
    });
  }

  it("never repeats within a session, never serves seen, own or invisible videos, and keeps the diversity rules", () => {
    const m = new Recommender();
    catalogue(m);
    m.upsertVideo(video("own", "me", ["cats"], "mine"));
    m.upsertVideo(video("secret", "pc1", ["cats"], "secret", { visibility: "private" }));
    m.refresh();
    m.observeView("u:me", "cat0", 1, 0);
    const served: { videoId: string; creatorId: string; soundId: string }[] = [];
    for (let p = 0; p < 30; p++) {
      const page = m.pageNow({ viewerKey: "u:me", userId: "me", limit: 8, history: served.slice(-9), exclude: new Set(served.map((s) => s.videoId)), visible: (v) => v.visibility === "public" && v.creatorId !== "pc2", now: 0 });
      if (page.items.length === 0) break;
      for (const i of page.items) {
        const v = m.videos.get(i.videoId)!;
        served.push({ videoId: v.videoId, creatorId: v.creatorId, soundId: v.soundId });
      }
    }
    const ids = served.map((s) => s.videoId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).not.toContain("own");
    expect(ids).not.toContain("secret");
    expect(ids).not.toContain("cat0");
    expect(served.some((s) => s.creatorId === "pc2")).toBe(false);
    expect(violations(served)).toBe(0);
    expect(ids.length).toBeGreaterThan(80);
  });

  it("re-mixes only the vectors whose audience grew (behaviour refresh), as a full refresh of an unchanged catalogue would", () => {
    const a = new Recommender();
    const b = new Recommender();
    for (const m of [a, b]) {
      catalogue(m);
      m.refresh();
      m.takeChangedVectors();
    }
    expect(a.behaviourStale).toBe(false);
    expect(a.catalogueChanged).toBe(0);
    // Viewers with a history (the audience counts from their tenth view) finish cat videos.
    for (const m of [a, b]) {
      for (let u = 0; u < 6; u++) {
        for (let i = 0; i < 12; i++) m.observeView(`u:${u}`, `cat${i}`, 1, 0);
        m.observeView(`u:${u}`, "prop1", 1, 0);
      }
    }
    expect(a.behaviourStale).toBe(true);
    const before = a.videos.get("prop1")!.vector.slice();
    a.refreshBehaviour();
    b.refresh();
    expect(a.behaviourStale).toBe(true); // vectors moved: the index has changes to take
    const moved = a.takeChangedVectors();
    expect(moved).toContain("prop1");
    expect(a.behaviourStale).toBe(false);
    expect(dot(a.videos.get("prop1")!.vector, before)).toBeLessThan(0.999);
    for (const [id, v] of a.videos) {
      const w = b.videos.get(id)!.vector;
      for (let i = 0; i < v.vector.length; i++) expect(v.vector[i]).toBeCloseTo(w[i]!, 6);
    }
    // An upload counts as a catalogue change, for the next full refresh.
    a.upsertVideo(video("new", "nc", ["cats"], "cat"));
    expect(a.catalogueChanged).toBe(1);
    a.refresh();
    expect(a.catalogueChanged).toBe(0);
  });

  it("hands the vector index a moved vector once its moves since the index's copy add up to INDEX_DRIFT, never losing small ones", () => {
    const m = new Recommender();
    catalogue(m);
    m.refresh();
    m.takeChangedVectors();
    const chord = (a: Float32Array, b: Float32Array) => Math.sqrt(Math.max(0, 2 * (1 - dot(a, b))));
    let indexed = m.videos.get("prop1")!.vector.slice();
    let moved = 0;
    let handed = 0;
    // Cat lovers (past their tenth view) finish prop1 one at a time: its audience pulls it
    // towards cats a little at each behaviour refresh.
    for (let u = 0; u < 30; u++) {
      for (let i = 0; i < 12; i++) m.observeView(`u:${u}`, `cat${i}`, 1, 0);
      const before = m.videos.get("prop1")!.vector.slice();
      m.observeView(`u:${u}`, "prop1", 1, 0);
      m.refreshBehaviour();
      const now = m.videos.get("prop1")!.vector;
      moved += chord(before, now);
      if (m.takeChangedVectors().includes("prop1")) {
        expect(moved).toBeGreaterThanOrEqual(INDEX_DRIFT - 1e-6);
        indexed = now.slice();
        moved = 0;
        handed++;
      } else {
        expect(moved).toBeLessThan(INDEX_DRIFT + 1e-6);
        expect(chord(indexed, now)).toBeLessThan(INDEX_DRIFT + 1e-6);
      }
    }
    // Handed over more than once, and after fewer refreshes than it moved in.
    expect(handed).toBeGreaterThan(1);
    expect(handed).toBeLessThan(20);
  });

  it("refreshes in steps while events arrive between them: removed videos stay gone, new and updated ones keep their vectors, the rest match a refresh at once", async () => {
    const a = new Recommender();
    const b = new Recommender();
    for (const m of [a, b]) {
      catalogue(m);
      m.refresh();
    }
    let steps = 0;
    await a.refreshInSteps(() => {
      steps++;
      if (steps === 2) {
        a.removeVideo("cat3");
        a.upsertVideo(video("dog", "dc", ["dogs"], "good dog"));
        a.upsertVideo(video("car5", "cr5", ["cars", "trucks"], "big truck"));
      }
      return undefined;
    });
    expect(steps).toBeGreaterThan(2);
    expect(a.videos.has("cat3")).toBe(false);
    for (const id of ["dog", "car5"]) expect(Math.hypot(...a.videos.get(id)!.vector)).toBeCloseTo(1, 5);
    // Changes during the steps count toward the next full refresh.
    expect(a.catalogueChanged).toBe(3);
    b.refresh();
    for (const [id, v] of a.videos) {
      if (["dog", "car5"].includes(id)) continue;
      expect(dot(v.vector, b.videos.get(id)!.vector), id).toBeGreaterThan(0.95);
    }
    a.refresh();
    expect(a.catalogueChanged).toBe(0);
    const page = a.pageNow({ viewerKey: "a:s", limit: 50, history: [], exclude: new Set(), visible: () => true, now: 0 });
    expect(page.items.map((i) => i.videoId)).not.toContain("cat3");
  });

  it("forgets a deleted video", () => {
    const m = new Recommender();
    catalogue(m);
    m.removeVideo("cat3");
    m.refresh();
    const page = m.pageNow({ viewerKey: "a:s", limit: 50, history: [], exclude: new Set(), visible: () => true, now: 0 });
    expect(page.items.map((i) => i.videoId)).not.toContain("cat3");
    expect(m.takeChangedVectors()).toContain("cat3");
  });

  it("gives a deleted video's slot (numbers, vector row) to the next video, leaving the others' as they were", () => {
    const m = new Recommender();
    catalogue(m);
    m.refresh();
    m.observeView("u:x", "cat3", 1, 0);
    m.observeView("u:x", "cat4", 0.2, 0);
    const before = new Map([...m.videos.values()].map((v) => [v.videoId, { vector: v.vector.slice(), surprise: v.surprise, information: v.information }]));
    const slot = m.videos.get("cat3")!.slot;
    m.removeVideo("cat3");
    m.upsertVideo(video("dog", "dc", ["dogs"], "good dog", { createdAt: 1_700_000_000_123 }));
    const dog = m.videos.get("dog")!;
    expect(dog.slot).toBe(slot);
    expect([dog.createdAt, dog.surprise, dog.information, dog.views]).toEqual([1_700_000_000_123, 0, 0, 0]);
    expect(dog.vector).not.toEqual(before.get("cat3")!.vector);
    for (const v of m.videos.values()) {
      if (v.videoId === "dog") continue;
      const b = before.get(v.videoId)!;
      expect([v.vector, v.surprise, v.information]).toEqual([b.vector, b.surprise, b.information]);
    }
    expect(before.get("cat4")!.information).toBeGreaterThan(0);
  });

  it("keeps every video's tokens through updates and deletes (their pool is compacted on the way)", () => {
    const m = new Recommender();
    const expected = new Map<string, number[]>();
    // ~14 numbers a video, 2,000 videos written four times: past the pool's compaction threshold.
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 2000; i++) {
        const id = `v${i}`;
        if (round === 3 && i % 3 === 0) {
          m.removeVideo(id);
          expected.delete(id);
          continue;
        }
        m.upsertVideo(video(id, `c${i % 50}`, [`t${(i + round) % 40}`, `u${i % 7}`], `caption round${round} words here ${1000 + i}`));
        expected.set(id, Array.from(m.videos.get(id)!.tokens));
      }
    }
    expect(m.videos.size).toBe(expected.size);
    for (const [id, tokens] of expected) expect(Array.from(m.videos.get(id)!.tokens)).toEqual(tokens);
  });
});

describe("the ranking's arithmetic", () => {
  it("keeps repetition lazily with the same sums as updating every candidate at every slot", () => {
    const candidates = Array.from({ length: 40 }, (_, i) => randomVector(`c${i}`));
    const window = [randomVector("w0"), randomVector("w1")];
    const early = [randomVector("e0"), randomVector("e1"), randomVector("e2")];
    const lazy = new Repetition(candidates, window, early, 2, 5);
    // Eager: every candidate updated at every placement, the window a FIFO of five.
    const eager = candidates.map((c) => {
      let r = 0;
      for (const w of window) r += Math.max(0, dot(c, w));
      return r + 2 * Math.max(0, ...early.map((e) => dot(c, e)));
    });
    const fifo = [...window];
    for (let slot = 0; slot < 12; slot++) {
      // Ask about a few candidates only, as re-ranking does.
      for (let k = slot % 3; k < candidates.length; k += 3 + slot) expect(lazy.of(k)).toBe(eager[k]);
      const placed = randomVector(`p${slot}`);
      lazy.enter(placed);
      fifo.push(placed);
      const leaving = fifo.length > 5 ? fifo.shift() : undefined;
      for (const [k, c] of candidates.entries()) {
        eager[k]! += Math.max(0, dot(c, placed));
        if (leaving) eager[k]! -= Math.max(0, dot(c, leaving));
      }
    }
    for (const k of candidates.keys()) expect(lazy.of(k)).toBe(eager[k]);
  });

  it("solves and measures uncertainty with a packed Cholesky factor", () => {
    const n = 5;
    // A = Bᵀ·B + I, symmetric positive definite.
    const b = Array.from({ length: n * n }, (_, i) => Math.sin(i + 1));
    const a = (i: number, j: number) => b.reduce((s, _, k) => (k < n ? s + b[k * n + i]! * b[k * n + j]! : s), 0) + (i === j ? 1 : 0);
    const packed = new Float64Array(packedSize(n));
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) packed[rowStart(i) + j] = a(i, j);
    const l = choleskyInPlace(packed, n);
    const rhs = [1, -2, 0.5, 3, 0];
    const x = solveCholesky(l, n, rhs);
    for (let i = 0; i < n; i++) expect(x.reduce((s, xj, j) => s + a(i, j) * xj, 0)).toBeCloseTo(rhs[i]!, 10);
    // vᵀA⁻¹v with v's last component zero, as the viewer model's bias column.
    const v = Float32Array.of(0.3, -0.1, 0.7, 0.2);
    const y = solveCholesky(l, n, [...v, 0]);
    expect(inverseQuadraticForm(l, n, v, new Float64Array(n))).toBeCloseTo(y.reduce((s, yi, i) => s + (i < v.length ? v[i]! : 0) * yi, 0), 12);
  });
});
