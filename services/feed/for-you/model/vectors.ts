// Small dense-vector helpers for the recommender (Float32Array, fixed dimension).

/** Dimension of every vector the recommender keeps (videos, tokens, viewers). */
export const DIM = 64;

export const zeros = () => new Float32Array(DIM);

export function dot(a: Float32Array, b: Float32Array): number {
  // Four running sums, so each addition need not wait for the one before (see
  // inverseQuadraticForm); a page takes ~1,500 of these.
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = a.length;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[i]! * b[i]!;
    s1 += a[i + 1]! * b[i + 1]!;
    s2 += a[i + 2]! * b[i + 2]!;
    s3 += a[i + 3]! * b[i + 3]!;
  }
  for (; i < n; i++) s0 += a[i]! * b[i]!;
  return s0 + s1 + (s2 + s3);
}

export function norm(a: Float32Array): number {
  return Math.sqrt(dot(a, a));
}

/** Scales to length 1 in place (a zero vector stays zero); returns it. */
export function normalize(a: Float32Array): Float32Array {
  const n = norm(a);
  if (n > 0) for (let i = 0; i < a.length; i++) a[i]! /= n;
  return a;
}

/** a += k·b in place. */
export function addScaled(a: Float32Array, b: Float32Array, k: number): void {
  for (let i = 0; i < a.length; i++) a[i]! += k * b[i]!;
}

/** FNV-1a, for seeding a token's random vector. */
function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * The token's fixed random direction (random indexing): Gaussian, length ≈ 1, the same
 * in every process and after every restart, so no table of them needs storing.
 */
export function randomVector(token: string): Float32Array {
  let s = hash32(token) || 1;
  const next = () => {
    // xorshift32
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
  const v = zeros();
  for (let i = 0; i < DIM; i += 2) {
    const u1 = Math.max(next(), 1e-12);
    const u2 = next();
    const r = Math.sqrt(-2 * Math.log(u1));
    v[i] = r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < DIM) v[i + 1] = r * Math.sin(2 * Math.PI * u2);
  }
  return normalize(v);
}
