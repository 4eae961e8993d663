// Vectors of one collection in one growable Float32Array, one row per live record, with
// a free list so deleted rows are reused. One big array instead of a Float32Array per
// video keeps 1M vectors at their 4·d bytes each (a typed array object costs ~100 bytes
// more) and lets the exact scans run over contiguous memory.

export class VectorSlab {
  private data: Float32Array;
  private rows = 0;
  private readonly free: number[] = [];

  constructor(
    readonly dimension: number,
    initialCapacity = 1024,
  ) {
    this.data = new Float32Array(Math.max(1, initialCapacity) * dimension);
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
