// The few float loops the in-process adapter and the exact reference search need.

export function dot(a: Float32Array, aOffset: number, b: Float32Array, bOffset: number, dimension: number): number {
  let s = 0;
  for (let i = 0; i < dimension; i++) s += a[aOffset + i]! * b[bOffset + i]!;
  return s;
}

export function norm(v: Float32Array): number {
  return Math.sqrt(dot(v, 0, v, 0, v.length));
}

/** Scales v to length 1 in place and returns its former length. */
export function normalizeInPlace(v: Float32Array): number {
  const n = norm(v);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i] = v[i]! / n;
  return n;
}

/**
 * Keeps the k best (highest score) items seen, in a binary min-heap so a scan over n
 * vectors costs O(n log k) instead of sorting all n.
 */
export class TopK<T> {
  private readonly scores: number[] = [];
  private readonly items: T[] = [];

  constructor(private readonly k: number) {}

  get size(): number {
    return this.scores.length;
  }

  /** The score a new item must beat to enter (−∞ until k items are held). */
  get threshold(): number {
    return this.scores.length < this.k ? -Infinity : this.scores[0]!;
  }

  offer(score: number, item: T): void {
    if (this.scores.length < this.k) {
      this.scores.push(score);
      this.items.push(item);
      this.up(this.scores.length - 1);
    } else if (score > this.scores[0]!) {
      this.scores[0] = score;
      this.items[0] = item;
      this.down(0);
    }
  }

  /** Best first. */
  drain(): Array<{ score: number; item: T }> {
    const out = this.scores.map((score, i) => ({ score, item: this.items[i]! }));
    out.sort((a, b) => b.score - a.score);
    return out;
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.scores[p]! <= this.scores[i]!) return;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const n = this.scores.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.scores[l]! < this.scores[m]!) m = l;
      if (r < n && this.scores[r]! < this.scores[m]!) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  // Plain temporaries: a destructuring swap allocates on this hot path.
  private swap(a: number, b: number): void {
    const s = this.scores[a]!;
    this.scores[a] = this.scores[b]!;
    this.scores[b] = s;
    const t = this.items[a]!;
    this.items[a] = this.items[b]!;
    this.items[b] = t;
  }
}
