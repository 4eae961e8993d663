// One viewer's taste, learnt from their recent views: a ridge regression (recent views
// weigh more) of "did they watch it, beyond what the video's general appeal predicts" on
// the videos' vectors. The estimate u points at what the viewer likes; A⁻¹ says how
// unsure we still are in each direction, which the ranker turns into an exploration
// bonus (LinUCB), so a new viewer is shown a spread of topics and learns fast.
//
// The model keeps the evidence (video, residual), not the fitted matrix: it is solved
// again from the videos' CURRENT vectors when asked, so when the refresher moves video
// vectors (new co-occurrences, new audiences) a taste never points into the old space.
// Forgetting (γ per later view) lets tastes change: a viewer whose interests move is
// followed within a few dozen swipes.
import { solveAndInvert } from "./linear-algebra.js";
import { DIM } from "./vectors.js";

export interface ViewerModelParams {
  /** Ridge prior strength (the "pseudo-views" of an uninformed viewer). */
  lambda: number;
  /** Forgetting per view: each view's weight is multiplied by γ at every later view. */
  gamma: number;
  /** Views kept (older ones weigh less than γ^memory anyway). */
  memory: number;
}

export const defaultViewerParams: ViewerModelParams = { lambda: 1, gamma: 0.96, memory: 64 };

export type VectorOf = (videoId: string) => Float32Array | undefined;

export class ViewerModel {
  private readonly evidence: { videoId: string; residual: number }[] = [];
  private solved: { epoch: number; u: Float32Array; inverse: () => Float64Array } | undefined;
  /** Views learnt from. */
  views = 0;

  constructor(private readonly params: ViewerModelParams = defaultViewerParams) {}

  /** Learns from one view: `residual` is the outcome minus the non-personal prediction. */
  learn(videoId: string, residual: number): void {
    this.evidence.push({ videoId, residual });
    if (this.evidence.length > this.params.memory) this.evidence.shift();
    this.views++;
    this.solved = undefined;
  }

  /** Fits u and A⁻¹ from the evidence and the vectors as of `epoch` (cached per epoch). */
  private solve(vectorOf: VectorOf, epoch: number) {
    if (this.solved?.epoch === epoch) return this.solved;
    const { gamma, lambda } = this.params;
    const a = new Float64Array(DIM * DIM);
    const b = new Float64Array(DIM);
    for (let i = 0; i < DIM; i++) a[i * DIM + i] = lambda;
    let w = 1;
    for (let k = this.evidence.length - 1; k >= 0; k--, w *= gamma) {
      const e = this.evidence[k]!;
      const v = vectorOf(e.videoId);
      if (!v) continue;
      for (let i = 0; i < DIM; i++) {
        const wi = w * v[i]!;
        if (wi === 0) continue;
        const row = i * DIM;
        for (let j = 0; j < DIM; j++) a[row + j]! += wi * v[j]!;
        b[i]! += wi * e.residual;
      }
    }
    const { x, inverse } = solveAndInvert(a, DIM, b);
    this.solved = { epoch, u: Float32Array.from(x), inverse };
    return this.solved;
  }

  /** The taste estimate: ⟨u, v⟩ predicts the personal part of a video's watch-through. */
  taste(vectorOf: VectorOf, epoch: number): Float32Array {
    return this.solve(vectorOf, epoch).u;
  }

  /** √(vᵀ A⁻¹ v): how unsure the model is about this viewer in v's direction. */
  uncertainty(vectorOf: VectorOf, epoch: number, v: Float32Array): number {
    const inv = this.solve(vectorOf, epoch).inverse();
    let s = 0;
    for (let i = 0; i < DIM; i++) {
      let r = 0;
      const row = i * DIM;
      for (let j = 0; j < DIM; j++) r += inv[row + j]! * v[j]!;
      s += v[i]! * r;
    }
    return Math.sqrt(Math.max(0, s));
  }
}
