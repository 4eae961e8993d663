// Vectors of one collection in one growable Float32Array, one row per live record, with
// a free list so deleted rows are reused. One big array instead of a Float32Array per
// video keeps 1M vectors at their 4·d bytes each (a typed array object costs ~100 bytes
// more) and lets the exact scans run over contiguous memory. The records' numbers that
// are not small integers (the vector's norm, the payload's creation time) are kept by
// slot beside it for the same reason: as fields of each record they were two heap
// numbers per vector (V8 boxes a double-valued field), 200k objects at 100k vectors for
// every major GC to mark.

export class VectorSlab {
  private data: Float32Array;
  /** Length of each row's vector before normalisation (1 unless cosine), by slot. */
  norms: Float64Array;
  /** The payload's createdAt (epoch ms), by slot. */
  createdAt: Float64Array;
  private rows = 0;
  private readonly free: number[] = [];

  constructor(
    readonly dimension: number,
    initialCapacity = 1024,
  ) {
    this.data = new Float32Array(Math.max(1, initialCapacity) * dimension);
    this.norms = new Float64Array(Math.max(1, initialCapacity));
    this.createdAt = new Float64Array(Math.max(1, initialCapacity));
  }

  /** The backing array; rows are at slot · dimension. Re-read after every alloc (it grows). */
  get array(): Float32Array {
    return this.data;
  }

  get bytes(): number {
    return this.data.byteLength;
  }

  alloc(): number {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    if ((this.rows + 1) * this.dimension > this.data.length) {
      const bigger = new Float32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
      const norms = new Float64Array(this.norms.length * 2);
      norms.set(this.norms);
      this.norms = norms;
      const createdAt = new Float64Array(this.createdAt.length * 2);
      createdAt.set(this.createdAt);
      this.createdAt = createdAt;
    }
    return this.rows++;
  }

  release(slot: number): void {
    this.free.push(slot);
  }

  write(slot: number, vector: Float32Array): void {
    this.data.set(vector, slot * this.dimension);
  }

  read(slot: number): Float32Array {
    return this.data.slice(slot * this.dimension, (slot + 1) * this.dimension);
  }
}
