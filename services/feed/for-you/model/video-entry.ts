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
// outside the heap), and every refresh replaced all of them. And the tokens are ranges of
// one Int32Array: an array per video was two objects (the array and its elements).
import type { TokenList } from "./tokens.js";
import { DIM } from "./vectors.js";

export type Visibility = "public" | "friends" | "private";

/** A copy of `a` with twice its length (the new half zero). */
function doubled<T extends Float64Array | Float32Array>(a: T): T {
  const b = new (a.constructor as new (n: number) => T)(a.length * 2);
  b.set(a);
  return b;
}

export class VideoColumns {
  /** Epoch ms. */
  createdAt: Float64Array;
  /** Watch-throughs beyond what the ranker expected without appeal. */
  surprise: Float64Array;
  /** That expectation's information (Σ p(1−p)). */
  information: Float64Array;
  /** DIM floats per slot. Grows by reallocation: views of the old array must be re-taken. */
  vectors: Float32Array;
  /**
   * DIM floats per slot: the content part of the vector (centred, length 1) as of the last
   * full refresh or the video's arrival, so a behaviour refresh re-mixes only the videos
   * whose audience moved instead of re-embedding the catalogue.
   */
  content: Float32Array;
  /**
   * How far (radians, summed over moves) the vector has moved since it was last handed to
   * the vector index: a bound on the angle between the index's copy and the vector.
   */
  drift: Float32Array;
  /** Every video's tokens (tokens.ts), a range each; a replaced range is dead until compactTokens(). */
  tokenPool = new Int32Array(16384);
  private tokenEnd = 0;
  private deadTokens = 0;
  private used = 0;
  private readonly free: number[] = [];

  constructor(capacity = 1024) {
    this.createdAt = new Float64Array(capacity);
    this.surprise = new Float64Array(capacity);
    this.information = new Float64Array(capacity);
    this.vectors = new Float32Array(capacity * DIM);
    this.content = new Float32Array(capacity * DIM);
    this.drift = new Float32Array(capacity);
  }

  /** The slot's row of `vectors` (a view: writes go to the row). */
  vectorAt(slot: number): Float32Array {
    return this.vectors.subarray(slot * DIM, (slot + 1) * DIM);
  }

  /** The slot's row of `content` (a view; take it anew after a video is added). */
  contentAt(slot: number): Float32Array {
    return this.content.subarray(slot * DIM, (slot + 1) * DIM);
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
    this.drift[slot] = 0;
    this.vectors.fill(0, slot * DIM, (slot + 1) * DIM);
    this.content.fill(0, slot * DIM, (slot + 1) * DIM);
    return slot;
  }

  release(slot: number): void {
    this.free.push(slot);
  }

  /** Stores a video's tokens at the end of the pool; returns where they start. */
  appendTokens(tokens: readonly number[]): number {
    if (this.tokenEnd + tokens.length > this.tokenPool.length) {
      const bigger = new Int32Array(Math.max(this.tokenPool.length * 2, this.tokenEnd + tokens.length));
      bigger.set(this.tokenPool.subarray(0, this.tokenEnd));
      this.tokenPool = bigger;
    }
    const start = this.tokenEnd;
    this.tokenPool.set(tokens, start);
    this.tokenEnd += tokens.length;
    return start;
  }

  /** A range no entry uses any more (its video was updated or deleted). */
  releaseTokens(count: number): void {
    this.deadTokens += count;
  }

  /** Moves the live ranges together once most of the pool is dead (`entries`: every live one). */
  compactTokens(entries: Iterable<VideoEntry>): void {
    if (this.deadTokens <= this.tokenEnd / 2 || this.tokenEnd < 65_536) return;
    const pool = new Int32Array(Math.max(16384, 2 * (this.tokenEnd - this.deadTokens)));
    let end = 0;
    for (const v of entries) {
      pool.set(this.tokenPool.subarray(v.tokenStart, v.tokenStart + v.tokenCount), end);
      v.tokenStart = end;
      end += v.tokenCount;
    }
    this.tokenPool = pool;
    this.tokenEnd = end;
    this.deadTokens = 0;
  }

  private grow(): void {
    this.createdAt = doubled(this.createdAt);
    this.surprise = doubled(this.surprise);
    this.information = doubled(this.information);
    this.vectors = doubled(this.vectors);
    this.content = doubled(this.content);
    this.drift = doubled(this.drift);
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
    /** Where its tokens are in the columns' pool (moves when the pool is compacted), and how many numbers. */
    public tokenStart: number,
    readonly tokenCount: number,
    /** Its row of the columns' vectors (length 1); written in place when it moves. */
    public vector: Float32Array,
  ) {}

  /** Its tokens (a view of the pool: read them before the next video is added or removed). */
  get tokens(): TokenList {
    return this.columns.tokenPool.subarray(this.tokenStart, this.tokenStart + this.tokenCount);
  }

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
