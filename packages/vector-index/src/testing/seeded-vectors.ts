// Deterministic data for the contract suite and bench/feed/ann.ts: the same seed gives the
// same vectors on every machine, so recall figures can be compared run to run.
//
// Vectors are isotropic Gaussian directions (unit length). That is the hard case for HNSW
// (real embeddings cluster, which makes neighbours easier to find), so recall measured
// here is a floor rather than a flattering number.

import type { Metric, VectorPayload, VectorRecord, Visibility } from "../vector-index.port.js";
import { dot, TopK } from "../internal/vector-math.js";

/** mulberry32: a tiny, fast, well-distributed 32-bit PRNG. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` unit vectors of `dimension`, row-major in one array. */
export function seededUnitVectors(count: number, dimension: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  // Box–Muller: two uniforms give one standard normal (the second is dropped for simplicity).
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const out = new Float32Array(count * dimension);
  for (let i = 0; i < count; i++) {
    let norm2 = 0;
    for (let j = 0; j < dimension; j++) {
      const x = gaussian();
      out[i * dimension + j] = x;
      norm2 += x * x;
    }
    const inv = 1 / Math.sqrt(norm2);
    for (let j = 0; j < dimension; j++) out[i * dimension + j]! *= inv;
  }
  return out;
}

export const SEEDED_EPOCH = Date.UTC(2026, 0, 1);

/** The payload of the i-th seeded video: 80 % public, 10 % friends, 10 % private; 1 000 creators. */
export function seededPayload(i: number): VectorPayload {
  const visibility: Visibility = i % 10 === 0 ? "private" : i % 10 === 1 ? "friends" : "public";
  return { creatorId: `creator-${i % 1000}`, soundId: i % 3 === 0 ? `sound-${i % 97}` : null, createdAt: SEEDED_EPOCH + i * 1000, visibility };
}

export const seededId = (i: number) => `video-${i}`;

/** The rows of `vectors` as records (vectors are views, not copies). */
export function* seededRecords(vectors: Float32Array, dimension: number): Generator<VectorRecord> {
  const count = vectors.length / dimension;
  for (let i = 0; i < count; i++) {
    yield { id: seededId(i), vector: vectors.subarray(i * dimension, (i + 1) * dimension), payload: seededPayload(i) };
  }
}

/**
 * Brute-force top k over row-major `vectors` (the ground truth for recall), optionally
 * only over rows that pass `keep`. Returns row numbers, nearest first.
 */
export function exactTopK(vectors: Float32Array, dimension: number, query: Float32Array, k: number, metric: Metric, keep?: (row: number) => boolean): number[] {
  const q = Float32Array.from(query);
  if (metric === "cosine") {
    const n = Math.sqrt(dot(q, 0, q, 0, dimension));
    for (let j = 0; j < dimension; j++) q[j]! /= n;
  }
  const count = vectors.length / dimension;
  const top = new TopK<number>(k);
  for (let i = 0; i < count; i++) {
    if (keep && !keep(i)) continue;
    let s = dot(q, 0, vectors, i * dimension, dimension);
    if (metric === "cosine") s /= Math.sqrt(dot(vectors, i * dimension, vectors, i * dimension, dimension));
    top.offer(s, i);
  }
  return top.drain().map((h) => h.item);
}

/** |found ∩ truth| / |truth|. */
export function recall(found: readonly string[], truth: readonly string[]): number {
  if (truth.length === 0) return 1;
  const want = new Set(truth);
  let hit = 0;
  for (const id of found) if (want.has(id)) hit++;
  return hit / truth.length;
}
