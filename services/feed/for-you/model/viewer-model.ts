// One viewer's taste, learnt from their recent views: a Bayesian logistic regression of
// "did they watch it through" on the videos' vectors, with what the general ranker
// expected of each view (its logit without the personal term) as a fixed offset — so the
// taste u measures only what this viewer likes beyond a video's general appeal, in the
// same logit units the ranker adds up. Fitted by a few Newton steps (IRLS) at the
// posterior mode; the Laplace covariance H⁻¹ says how unsure we still are in each
// direction, which the ranker turns into an exploration bonus (as LinUCB does), so a new
// viewer is shown a spread of topics and learns fast.
//
// The model keeps the evidence (video, offset, outcome), not a fitted matrix: it is
// solved again from the videos' CURRENT vectors when asked, so when the refresher moves
// video vectors (new co-occurrences, new audiences) a taste never points into the old
// space. Forgetting (γ per later view) lets tastes change: a viewer whose interests move
// is followed within a few dozen swipes.
import { choleskyInPlace, inverseQuadraticForm, packedSize, rowStart, solveCholesky } from "./linear-algebra.js";
import { DIM } from "./vectors.js";

/**
 * The fit has one more coefficient than a vector: the viewer's own propensity to finish
 * videos. It is the same for every candidate, so it never changes a ranking — but without
 * it, a viewer who finishes more than the ranker expects would have that learnt as a taste
 * for whatever all videos have in common.
 */
const N = DIM + 1;
export interface ViewerModelParams {
  /** Prior precision of the taste (larger: more views needed to move it). */
  lambda: number;
  /** Forgetting per view: each view's weight is multiplied by γ at every later view. */
  gamma: number;
  /** Views kept (older ones weigh less than γ^memory anyway). */
  memory: number;
  /** Newton steps per fit (warm-started from the previous fit). */
  steps: number;
}

export const defaultViewerParams: ViewerModelParams = { lambda: 1, gamma: 0.97, memory: 64, steps: 2 };

export type VectorOf = (videoId: string) => Float32Array | undefined;

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Where uncertainty() does its forward substitution (synchronous, so one buffer serves every viewer). */
const scratch = new Float64Array(N);
/**
 * fit()'s working vectors, shared for the same reason: a page refits its viewer, and each
 * typed array over 64 bytes is an off-heap buffer with a tracking object of its own that
 * the garbage collector sweeps — a handful per page was thousands a second at 200 pages/s.
 */
const work = { ws: new Float64Array(0), u: new Float64Array(N), g: new Float64Array(N), x: new Float64Array(N), y: new Float64Array(N), delta: new Float64Array(N) };

interface Fit {
  epoch: number;
  views: number;
  u: Float32Array;
  bias: number;
  /** Cholesky factor of the last Newton step's Hessian, packed: the Laplace covariance is its inverse. */
  factor: Float64Array;
}

export class ViewerModel {
  // The evidence, oldest first: the videos, and for view k its numbers at 3k…3k+2 of one
  // Float64Array — the general ranker's logit without the personal term (the offset), the
  // outcome (1 watched through, 0 not; a like counts as a strong 1) and the view's weight.
  // As an object per view, each with a boxed double, 10k viewers' views were ~a million
  // small objects in the old generation for every major GC to mark; as three arrays, six
  // objects per viewer where the Float64Array is two.
  private readonly videoIds: string[] = [];
  private readonly evidence: Float64Array;
  private fitted: Fit | undefined;
  /** Views learnt from. */
  views = 0;

  constructor(private readonly params: ViewerModelParams = defaultViewerParams) {
    this.evidence = new Float64Array(3 * Math.max(1, Math.floor(params.memory)));
  }

  /** Learns from one view (or endorsement, with a weight above 1). */
  learn(videoId: string, offset: number, outcome: number, weight = 1): void {
    this.views++;
    // At most `memory` views are kept: the oldest goes when one more would exceed it.
    if (this.params.memory < 1) return;
    if (this.videoIds.length + 1 > this.params.memory) {
      this.videoIds.shift();
      this.evidence.copyWithin(0, 3);
    }
    const k = 3 * this.videoIds.length;
    this.videoIds.push(videoId);
    this.evidence[k] = offset;
    this.evidence[k + 1] = outcome;
    this.evidence[k + 2] = weight;
  }

  /** The last fitted taste, however stale (cheap: for the features of a view being learnt). */
  lastTaste(): Float32Array | undefined {
    return this.fitted?.u;
  }

  /** Solved again only when views arrived or video vectors moved since the last fit. */
  private fit(vectorOf: VectorOf, epoch: number): Fit {
    if (this.fitted && this.fitted.epoch === epoch && this.fitted.views === this.views) return this.fitted;
    const { gamma, lambda, steps } = this.params;
    const n = this.videoIds.length;
    const vs: (Float32Array | undefined)[] = this.videoIds.map((id) => vectorOf(id));
    if (work.ws.length < n) work.ws = new Float64Array(Math.max(n, 64));
    const { ws, u, g, x, y, delta } = work;
    const evidence = this.evidence;
    for (let k = n - 1, w = 1; k >= 0; k--, w *= gamma) ws[k] = w * evidence[3 * k + 2]!;
    u.fill(0);
    if (this.fitted) {
      for (let i = 0; i < DIM; i++) u[i] = this.fitted.u[i]!;
      u[DIM] = this.fitted.bias;
    }
    // One buffer for every step's Hessian, factorised in place: the last one is kept. The
    // previous fit's is reused (17 KB off the V8 heap per viewer; only uncertainty() reads
    // it, synchronously): a new one per fit was ~3 MB/s of external memory at 200 pages/s,
    // which V8 answers with extra major collections.
    const h = this.fitted?.factor ?? new Float64Array(packedSize(N));
    x[DIM] = 1;
    for (let step = 0; step < Math.max(1, steps); step++) {
      h.fill(0);
      for (let i = 0; i < N; i++) {
        h[rowStart(i) + i] = lambda;
        g[i] = -lambda * u[i]!;
      }
      for (let k = 0; k < n; k++) {
        const v = vs[k];
        if (!v) continue;
        for (let i = 0; i < DIM; i++) x[i] = v[i]!;
        let z = evidence[3 * k]!;
        for (let i = 0; i < N; i++) z += u[i]! * x[i]!;
        const p = sigmoid(z);
        const w = ws[k]!;
        const r = w * (evidence[3 * k + 1]! - p);
        const c = w * Math.max(p * (1 - p), 1e-3);
        for (let i = 0; i < N; i++) {
          const xi = x[i]!;
          if (xi === 0) continue;
          g[i]! += r * xi;
          const ci = c * xi;
          const row = rowStart(i);
          for (let j = 0; j <= i; j++) h[row + j]! += ci * x[j]!;
        }
      }
      solveCholesky(choleskyInPlace(h, N), N, g, y, delta);
      for (let i = 0; i < N; i++) u[i]! += delta[i]!;
    }
    this.fitted = { epoch, views: this.views, u: Float32Array.from(u.subarray(0, DIM)), bias: u[DIM]!, factor: h };
    return this.fitted;
  }

  /** The taste: ⟨u, v⟩ is how much more (logit) this viewer likes v than its general appeal says. */
  taste(vectorOf: VectorOf, epoch: number): Float32Array {
    return this.fit(vectorOf, epoch).u;
  }

  /**
   * The taste as last fitted, unless more than `staleViews` views came since (then fitted
   * now): for uses that average many viewers' tastes, where a fit per view would cost more
   * than the few views' difference is worth.
   */
  recentTaste(vectorOf: VectorOf, epoch: number, staleViews: number): Float32Array {
    if (this.fitted && this.views - this.fitted.views <= staleViews) return this.fitted.u;
    return this.fit(vectorOf, epoch).u;
  }

  /** √(vᵀ H⁻¹ v): how unsure the model is about this viewer in v's direction (logit units). */
  uncertainty(vectorOf: VectorOf, epoch: number, v: Float32Array): number {
    // v is a taste direction: its bias component is zero, so this is the taste block of H⁻¹.
    return Math.sqrt(Math.max(0, inverseQuadraticForm(this.fit(vectorOf, epoch).factor, N, v, scratch)));
  }
}
