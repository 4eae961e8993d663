// What the recommender keeps of a video. Only what ranking and the vector index use: the
// hashtags and caption are read once, into the tokens (an update brings both again), so
// the entry keeps neither (at 100k videos, 300k strings and arrays fewer to mark).
//
// The numbers that are not small integers (creation time, appeal evidence) are kept in
// one Float64Array per field, indexed by the video's slot, and read through the entry's
// accessors: as fields of the entry each was a heap number of its own (V8 boxes a
// double-valued field), 300k objects at 100k videos for every major GC to mark. The
// vectors are rows of one Float32Array in the same way, each entry's `vector` a view of
// its row: a Float32Array of its own per video was an ArrayBuffer too (and 256 bytes
// outside the heap), and every refresh replaced all of them.
import type { TokenList } from "./tokens.js";
import { DIM } from "./vectors.js";

export type Visibility = "public" | "friends" | "private";

export class VideoColumns {
  /** Epoch ms. */
  createdAt: Float64Array;
  /** Watch-throughs beyond what the ranker expected without appeal. */
  surprise: Float64Array;
  /** That expectation's information (Σ p(1−p)). */
  information: Float64Array;
  /** DIM floats per slot. Grows by reallocation: views of the old array must be re-taken. */
  vectors: Float32Array;
  private used = 0;
  private readonly free: number[] = [];

  constructor(capacity = 1024) {
    this.createdAt = new Float64Array(capacity);
    this.surprise = new Float64Array(capacity);
    this.information = new Float64Array(capacity);
    this.vectors = new Float32Array(capacity * DIM);
  }

  /** The slot's row of `vectors` (a view: writes go to the row). */
  vectorAt(slot: number): Float32Array {
    return this.vectors.subarray(slot * DIM, (slot + 1) * DIM);
  }

  /** A slot for a new video, its fields zero. */
  alloc(): number {
    let slot = this.free.pop();
    if (slot === undefined) {
      if (this.used === this.createdAt.length) this.grow();
      slot = this.used++;
    }
    this.createdAt[slot] = 0;
    this.surprise[slot] = 0;
    this.information[slot] = 0;
    this.vectors.fill(0, slot * DIM, (slot + 1) * DIM);
    return slot;
  }

  release(slot: number): void {
    this.free.push(slot);
  }

  private grow(): void {
    const bigger = (a: Float64Array) => {
      const b = new Float64Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.createdAt = bigger(this.createdAt);
    this.surprise = bigger(this.surprise);
    this.information = bigger(this.information);
    const vectors = new Float32Array(this.vectors.length * 2);
    vectors.set(this.vectors);
    this.vectors = vectors;
  }
}

export class VideoEntry {
  views = 0;
  completions = 0;
  /** Sum of the (unit) tastes of viewers who watched it through: its behavioural side. */
  audience: Float32Array | undefined = undefined;
  audienceSize = 0;

  constructor(
    private readonly columns: VideoColumns,
    /** Where its numbers are in `columns` (kept while the video is, across updates). */
    readonly slot: number,
    readonly videoId: string,
    readonly creatorId: string,
    readonly soundId: string,
    readonly durationMs: number,
    public visibility: Visibility,
    readonly tokens: TokenList,
    /** Its row of the columns' vectors (length 1); written in place when it moves. */
    public vector: Float32Array,
  ) {}

  /** Epoch ms. */
  get createdAt(): number {
    return this.columns.createdAt[this.slot]!;
  }

  /** Watch-throughs beyond what the ranker expected without appeal. */
  get surprise(): number {
    return this.columns.surprise[this.slot]!;
  }

  set surprise(x: number) {
    this.columns.surprise[this.slot] = x;
  }

  /** That expectation's information (Σ p(1−p)). */
  get information(): number {
    return this.columns.information[this.slot]!;
  }

  set information(x: number) {
    this.columns.information[this.slot] = x;
  }
}
