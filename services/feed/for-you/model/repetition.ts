// Topic repetition while a page is re-ranked: each candidate's summed similarity to the
// last few videos before its slot (the ranker's learnt penalty for the same subject again),
// plus, for a new viewer, the cold-start spread (its closeness to anything they were shown).
//
// Kept lazily. Re-ranking looks at the best few dozen of its candidates per slot (it stops
// at the first whose score before penalties cannot win any more), so a candidate's value is
// brought up to date only when asked, by replaying the window's moves since it was last
// asked, in order: the same sums as updating every candidate at every slot, for a fraction
// of the similarity computations.
import { dot } from "./vectors.js";

export class Repetition {
  /** The window's videos in order of entry: the initial ones, then each one placed. */
  private readonly entries: Float32Array[];
  private readonly initial: number;
  private readonly values: Float64Array;
  /** Entries each candidate's value includes (−1: not started). */
  private readonly upTo: Int32Array;
  /** Each candidate's share of its value per entry in the window (entry j in slot j mod size). */
  private readonly shares: Float64Array;

  /**
   * `window`: the videos just before the first slot, oldest first (at most `size`);
   * `early`: the viewer's first videos, for the spread (empty: no spread).
   */
  constructor(
    private readonly candidates: readonly Float32Array[],
    window: readonly Float32Array[],
    private readonly early: readonly Float32Array[],
    private readonly spread: number,
    private readonly size: number,
  ) {
    this.entries = [...window];
    this.initial = window.length;
    this.values = new Float64Array(candidates.length);
    this.upTo = new Int32Array(candidates.length).fill(-1);
    this.shares = new Float64Array(candidates.length * size);
  }

  /** A video placed: it enters the window (and the oldest leaves once it is full). */
  enter(vector: Float32Array): void {
    this.entries.push(vector);
  }

  /** Candidate k's repetition (plus spread) before the next slot. */
  of(k: number): number {
    let j = this.upTo[k]!;
    if (j < 0) {
      for (j = 0; j < this.initial; j++) this.apply(k, j);
      if (this.early.length) {
        const vec = this.candidates[k]!;
        let closest = 0;
        for (const r of this.early) closest = Math.max(closest, dot(vec, r));
        this.values[k]! += this.spread * closest;
      }
    }
    for (; j < this.entries.length; j++) this.apply(k, j);
    this.upTo[k] = j;
    return this.values[k]!;
  }

  private apply(k: number, j: number): void {
    const share = Math.max(0, dot(this.candidates[k]!, this.entries[j]!));
    const slot = k * this.size + (j % this.size);
    this.values[k]! += share;
    // Entry j pushes out entry j − size, whose share sat in the same slot.
    if (j >= this.size) this.values[k]! -= this.shares[slot]!;
    this.shares[slot] = share;
  }
}
