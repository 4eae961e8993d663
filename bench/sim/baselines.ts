// Reference policies, in process, on the same world and viewers as the server run:
// random, trending-only (a global smoothed completion rate learnt from the policy's own
// observed views) and the oracle (knows every viewer's current θ and every video's q and
// m, and maximises the model's z). All three obey the diversity rules the server must:
// never two consecutive videos by one creator, at most 3 per sound and at least 8
// distinct creators in any 10.
import type { RunParams } from "./config.js";
import type { Session } from "./metrics.js";
import { mixSeed, Rng } from "./rng.js";
import { Viewer, type Watch } from "./viewer.js";
import type { World } from "./world.js";

/** What a policy knows of one viewer's session: what it showed, in order. */
export class Shown {
  readonly seen = new Set<number>();
  readonly order: number[] = [];

  constructor(private readonly world: World) {}

  add(v: number): void {
    this.seen.add(v);
    this.order.push(v);
  }

  /**
   * Whether v may come next: unseen, not by the previous creator, and in the window of
   * 10 it would close, at most 3 of its sound and at least 8 distinct creators (at most
   * two repeats, so shorter windows at the start hold too).
   */
  allows(v: number): boolean {
    if (this.seen.has(v)) return false;
    const { creator, sound } = this.world.videos;
    const n = this.order.length;
    if (n > 0 && creator[this.order[n - 1]!] === creator[v]) return false;
    let sameSound = 0;
    const creators = new Set<number>([creator[v]!]);
    for (let k = Math.max(0, n - 9); k < n; k++) {
      if (sound[this.order[k]!] === sound[v]) sameSound++;
      creators.add(creator[this.order[k]!]!);
    }
    return sameSound < 3 && creators.size >= Math.min(n, 9) + 1 - 2;
  }
}

export interface Policy {
  readonly name: string;
  /** The next page of up to `size` videos; the policy adds them to `shown`. */
  page(viewer: Viewer, shown: Shown, size: number): number[];
  /** Each view as it is reported. */
  observe?(v: number, watch: Watch): void;
  /** The viewer is done: drop what was kept for them. */
  finish?(viewer: Viewer): void;
}

export class RandomPolicy implements Policy {
  readonly name = "random";
  constructor(
    private readonly world: World,
    private readonly rng: Rng,
  ) {}

  page(_viewer: Viewer, shown: Shown, size: number): number[] {
    const out: number[] = [];
    const V = this.world.videos.size;
    for (let tries = 0; out.length < size && tries < 100 * size; tries++) {
      const v = this.rng.int(V);
      if (!shown.allows(v)) continue;
      shown.add(v);
      out.push(v);
    }
    return out;
  }
}

/**
 * Global smoothed completion rate, (completions + k·μ) / (views + k) with μ the global
 * rate, learnt online: every page is ranked with every view reported so far. Videos
 * nobody has watched all sit at μ, in a fixed random order; a page takes the videos
 * that beat μ first, then fresh ones, then the ones below μ.
 */
export class TrendingPolicy implements Policy {
  readonly name = "trending";
  private readonly views: Float64Array;
  private readonly completions: Float64Array;
  /** Videos in their fixed tie-break order, and each video's place in it. */
  private readonly byTie: Int32Array;
  private readonly tieRank: Int32Array;
  private readonly viewed: number[] = [];
  private freshCursor = 0;
  private totalViews = 0;
  private totalCompletions = 0;

  constructor(
    private readonly world: World,
    rng: Rng,
    private readonly smoothing = 5,
  ) {
    const V = world.videos.size;
    this.views = new Float64Array(V);
    this.completions = new Float64Array(V);
    this.byTie = Int32Array.from(rng.shuffle(Array.from({ length: V }, (_, i) => i)));
    this.tieRank = new Int32Array(V);
    this.byTie.forEach((v, r) => (this.tieRank[v] = r));
  }

  private score(v: number, mean: number): number {
    return (this.completions[v]! + this.smoothing * mean) / (this.views[v]! + this.smoothing);
  }

  /** Viewed videos scoring above (or not above) μ, best first; ties by the fixed order. */
  private ranked(mean: number, above: boolean): number[] {
    const bits = Math.ceil(Math.log2(this.byTie.length + 1));
    const scale = 2 ** (52 - bits);
    const keys: number[] = [];
    for (const v of this.viewed) {
      const x = this.score(v, mean);
      if (x > mean === above) keys.push(Math.floor(x * scale) * 2 ** bits + (this.byTie.length - 1 - this.tieRank[v]!));
    }
    const sorted = Float64Array.from(keys).sort().reverse();
    return Array.from(sorted, (k) => this.byTie[this.byTie.length - 1 - (k % 2 ** bits)]!);
  }

  page(_viewer: Viewer, shown: Shown, size: number): number[] {
    const mean = (this.totalCompletions + 1) / (this.totalViews + 2);
    const out: number[] = [];
    const take = (v: number) => {
      if (out.length >= size || !shown.allows(v)) return;
      shown.add(v);
      out.push(v);
    };
    for (const v of this.ranked(mean, true)) {
      take(v);
      if (out.length >= size) return out;
    }
    while (this.freshCursor < this.byTie.length && this.views[this.byTie[this.freshCursor]!]! > 0) this.freshCursor++;
    for (let i = this.freshCursor; i < this.byTie.length && out.length < size; i++) {
      const v = this.byTie[i]!;
      if (this.views[v] === 0) take(v);
    }
    if (out.length < size) for (const v of this.ranked(mean, false)) take(v);
    return out;
  }

  observe(v: number, watch: Watch): void {
    if (this.views[v] === 0) this.viewed.push(v);
    this.views[v]! += 1;
    this.totalViews += 1;
    if (watch.completed) {
      this.completions[v]! += 1;
      this.totalCompletions += 1;
    }
  }
}

/**
 * Knows the viewer's current taste and the videos' hidden features: ranks by the model's
 * z (without the noise), with topic fatigue and the creator rule applied to the page as
 * it is built. It knows the taste when the page is asked for, not the drift to come.
 */
export class OraclePolicy implements Policy {
  readonly name = "oracle";
  private readonly cache = new Map<Viewer, { drifted: boolean; base: Float64Array; top: Int32Array }>();

  constructor(
    private readonly world: World,
    private readonly candidates = 1500,
  ) {}

  private tables(viewer: Viewer) {
    let t = this.cache.get(viewer);
    if (t && t.drifted === viewer.drifted) return t;
    const V = this.world.videos.size;
    const base = new Float64Array(V);
    for (let v = 0; v < V; v++) base[v] = viewer.baseScore(v);
    const k = Math.min(V, this.candidates);
    const threshold = Float64Array.from(base).sort()[V - k]!;
    const top = Int32Array.from({ length: V }, (_, i) => i)
      .filter((v) => base[v]! >= threshold)
      .sort((a, b) => base[b]! - base[a]!);
    t = { drifted: viewer.drifted, base, top };
    this.cache.set(viewer, t);
    return t;
  }

  page(viewer: Viewer, shown: Shown, size: number): number[] {
    const { base, top } = this.tables(viewer);
    const p = this.world.params;
    const topics = this.world.videos.topic;
    const out: number[] = [];
    for (let slot = 0; slot < size; slot++) {
      const recent = shown.order.slice(-p.fatigueWindow).map((v) => topics[v]!);
      const value = (v: number) => base[v]! - p.topicFatigue * recent.filter((t) => t === topics[v]).length;
      let best = -1;
      let bestValue = -Infinity;
      // Penalties only lower a score: stop once the base score cannot beat the best.
      for (let i = 0; i < top.length && base[top[i]!]! > bestValue; i++) {
        const v = top[i]!;
        if (!shown.allows(v)) continue;
        const x = value(v);
        if (x > bestValue) [best, bestValue] = [v, x];
      }
      if (best < 0) {
        for (let v = 0; v < base.length; v++) {
          if (!shown.allows(v)) continue;
          const x = value(v);
          if (x > bestValue) [best, bestValue] = [v, x];
        }
      }
      if (best < 0) break;
      shown.add(best);
      out.push(best);
    }
    return out;
  }

  finish(viewer: Viewer): void {
    this.cache.delete(viewer);
  }
}

export interface PolicyRun {
  name: string;
  sessions: Session[];
  /** Measured viewers whose feed ran dry before the last swipe. */
  shortSessions: number;
  seconds: number;
}

/**
 * Runs the population through a policy as the server run does: background viewers first,
 * then the measured ones, `concurrency` viewers at a time taking turns page by page,
 * each view reported to the policy as soon as it is watched.
 */
export function runPolicy(world: World, run: RunParams, policy: Policy): PolicyRun {
  const started = performance.now();
  const background = world.viewers.filter((v) => v.background);
  const measured = world.viewers.filter((v) => !v.background);
  runPhase(world, run, policy, background.map((s) => new Viewer(world, s)), run.backgroundSwipes);
  const sessions = runPhase(world, run, policy, measured.map((s) => new Viewer(world, s)), run.swipes);
  return {
    name: policy.name,
    sessions,
    shortSessions: sessions.filter((s) => s.length < run.swipes).length,
    seconds: (performance.now() - started) / 1000,
  };
}

function runPhase(world: World, run: RunParams, policy: Policy, viewers: Viewer[], swipes: number): Session[] {
  const sessions: Session[] = viewers.map(() => []);
  if (swipes === 0) return sessions;
  const { creator, sound } = world.videos;
  const active: { i: number; shown: Shown }[] = [];
  let next = 0;
  const admit = () => {
    while (active.length < run.concurrency && next < viewers.length) active.push({ i: next++, shown: new Shown(world) });
  };
  admit();
  while (active.length) {
    for (let a = 0; a < active.length; a++) {
      const { i, shown } = active[a]!;
      const viewer = viewers[i]!;
      const page = policy.page(viewer, shown, run.pageSize);
      for (const v of page) {
        if (viewer.swipes >= swipes) break;
        const watch = viewer.watch(v);
        policy.observe?.(v, watch);
        sessions[i]!.push({ video: v, creator: creator[v]!, sound: sound[v]!, ratio: watch.ratio });
      }
      if (viewer.swipes >= swipes || page.length === 0) {
        policy.finish?.(viewer);
        active.splice(a--, 1);
      }
    }
    admit();
  }
  return sessions;
}

export function baselinePolicies(world: World, seed: number): Policy[] {
  return [new RandomPolicy(world, new Rng(mixSeed(seed, 7, 1))), new TrendingPolicy(world, new Rng(mixSeed(seed, 7, 2))), new OraclePolicy(world)];
}
