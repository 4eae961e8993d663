// Cholesky solve and inverse for the small symmetric positive-definite matrices of the
// viewer model (DIM × DIM, row-major). DIM is 64: a solve is ~50k multiply-adds.

/** Lower-triangular L with A = L·Lᵀ (A is symmetric positive definite). */
function cholesky(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / l[j * n + j]!;
    }
  }
  return l;
}

function solveWith(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * y[k]!;
    y[i] = s / l[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}

/** x with A·x = b, and A⁻¹ on demand (both from one factorisation). */
export function solveAndInvert(a: Float64Array, n: number, b: ArrayLike<number>): { x: Float64Array; inverse: () => Float64Array } {
  const l = cholesky(a, n);
  const x = solveWith(l, n, b);
  let inv: Float64Array | undefined;
  return { x, inverse: () => (inv ??= invert(l, n)) };
}

function invert(l: Float64Array, n: number): Float64Array {
  const inverse = new Float64Array(n * n);
  const e = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e.fill(0);
    e[j] = 1;
    const col = solveWith(l, n, e);
    for (let i = 0; i < n; i++) inverse[i * n + j] = col[i]!;
  }
  return inverse;
}
