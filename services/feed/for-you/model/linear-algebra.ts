// Cholesky factorisation and solves for the small symmetric positive-definite matrices of
// the viewer model ((DIM + 1)², DIM = 64: a factorisation is ~50k multiply-adds).
//
// Matrices are stored packed: only the lower triangle, row by row (element (i, j), j ≤ i,
// at i(i+1)/2 + j). The Hessian is symmetric and the factor triangular, so the upper half
// would be half the arithmetic and memory for nothing — and every viewer keeps its factor
// between pages for the exploration bonus.

/** Length of a packed n × n lower triangle. */
export const packedSize = (n: number) => (n * (n + 1)) / 2;

/** Start of row i in a packed lower triangle. */
export const rowStart = (i: number) => (i * (i + 1)) / 2;

/** Replaces packed symmetric positive-definite A by its lower-triangular L (A = L·Lᵀ), in place. */
export function choleskyInPlace(a: Float64Array, n: number): Float64Array {
  for (let i = 0; i < n; i++) {
    const ri = rowStart(i);
    for (let j = 0; j <= i; j++) {
      const rj = rowStart(j);
      let s = a[ri + j]!;
      for (let k = 0; k < j; k++) s -= a[ri + k]! * a[rj + k]!;
      a[ri + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / a[rj + j]!;
    }
  }
  return a;
}

/**
 * x with L·Lᵀ·x = b, for the packed factor L. `y` and `x` may be passed in (length ≥ n) so
 * a hot loop allocates nothing: each Float64Array over 64 bytes is an off-heap buffer
 * that the garbage collector tracks and sweeps one by one.
 */
export function solveCholesky(l: Float64Array, n: number, b: ArrayLike<number>, y = new Float64Array(n), x = new Float64Array(n)): Float64Array {
  for (let i = 0; i < n; i++) {
    const ri = rowStart(i);
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[ri + k]! * y[k]!;
    y[i] = s / l[ri + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= l[rowStart(k) + i]! * x[k]!;
    x[i] = s / l[rowStart(i) + i]!;
  }
  return x;
}

/**
 * vᵀ·A⁻¹·v for A = L·Lᵀ (packed factor L), as |L⁻¹·v|²: one forward substitution
 * (~n²/2 multiply-adds) instead of forming A⁻¹ (~n³) and a quadratic form (n²).
 * `v` may be shorter than n: its missing components are zero.
 */
export function inverseQuadraticForm(l: Float64Array, n: number, v: ArrayLike<number>, scratch: Float64Array): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const ri = rowStart(i);
    // Four running sums, not one: a single sum waits on the previous addition every step
    // (a chain of ~n²/2 dependent adds); four interleave (160 candidates a page: 0.4 → 0.1 ms).
    let r0 = i < v.length ? v[i]! : 0;
    let r1 = 0;
    let r2 = 0;
    let r3 = 0;
    let k = 0;
    for (; k + 3 < i; k += 4) {
      r0 -= l[ri + k]! * scratch[k]!;
      r1 -= l[ri + k + 1]! * scratch[k + 1]!;
      r2 -= l[ri + k + 2]! * scratch[k + 2]!;
      r3 -= l[ri + k + 3]! * scratch[k + 3]!;
    }
    for (; k < i; k++) r0 -= l[ri + k]! * scratch[k]!;
    const y = (r0 + r1 + (r2 + r3)) / l[ri + i]!;
    scratch[i] = y;
    s += y * y;
  }
  return s;
}
