// Every adapter checks its inputs here, before any engine sees them, so a wrong vector
// fails with the same clear message everywhere (pgvector, Qdrant and usearch each word
// it differently, and usearch would only say "not a multiple of the dimension").

import { CollectionMismatchError, DimensionMismatchError, InvalidVectorError } from "../vector-index.errors.js";
import type { CollectionSpec, VectorInput, VectorPayload } from "../vector-index.port.js";

const NAME = /^[a-z][a-z0-9_]{0,31}$/;
const VISIBILITIES = new Set(["public", "friends", "private"]);
export const MAX_DIMENSION = 4096;

export function checkSpec(spec: CollectionSpec): CollectionSpec {
  if (!NAME.test(spec.name)) {
    throw new TypeError(`vector collection name "${spec.name}": use lowercase letters, digits and underscores, start with a letter, at most 32 characters`);
  }
  if (!Number.isInteger(spec.dimension) || spec.dimension < 1 || spec.dimension > MAX_DIMENSION) {
    throw new TypeError(`vector collection "${spec.name}": dimension must be an integer in 1..${MAX_DIMENSION}, got ${spec.dimension}`);
  }
  if (spec.metric !== "cosine" && spec.metric !== "dot") {
    throw new TypeError(`vector collection "${spec.name}": metric must be "cosine" or "dot", got ${String(spec.metric)}`);
  }
  return { name: spec.name, dimension: spec.dimension, metric: spec.metric };
}

/** Checks length and values; returns a Float32Array (a copy: callers may reuse theirs). */
export function checkVector(spec: CollectionSpec, vector: VectorInput): Float32Array {
  if (vector == null || typeof vector.length !== "number") throw new InvalidVectorError(spec.name, "a vector must be an array of numbers");
  if (vector.length !== spec.dimension) throw new DimensionMismatchError(spec.name, spec.dimension, vector.length);
  const out = Float32Array.from(vector);
  let norm2 = 0;
  for (let i = 0; i < out.length; i++) {
    const x = out[i]!;
    if (!Number.isFinite(x)) throw new InvalidVectorError(spec.name, `component ${i} is ${vector[i]}, not a finite number`);
    norm2 += x * x;
  }
  // A zero vector has no direction: pgvector answers NaN for it and Qdrant stores garbage.
  if (spec.metric === "cosine" && norm2 === 0) throw new InvalidVectorError(spec.name, "a zero vector has no cosine similarity");
  return out;
}

export function checkId(spec: CollectionSpec, id: string): string {
  if (typeof id !== "string" || id.length === 0 || id.length > 256) {
    throw new InvalidVectorError(spec.name, `an id must be a non-empty string of at most 256 characters, got ${JSON.stringify(id)}`);
  }
  return id;
}

export function checkPayload(spec: CollectionSpec, payload: VectorPayload): VectorPayload {
  if (payload == null || typeof payload.creatorId !== "string") throw new InvalidVectorError(spec.name, "payload.creatorId must be a string");
  if (!Number.isSafeInteger(payload.createdAt)) throw new InvalidVectorError(spec.name, `payload.createdAt must be integer epoch milliseconds, got ${payload.createdAt}`);
  if (!VISIBILITIES.has(payload.visibility)) throw new InvalidVectorError(spec.name, `payload.visibility must be public, friends or private, got ${String(payload.visibility)}`);
  if (payload.soundId != null && typeof payload.soundId !== "string") throw new InvalidVectorError(spec.name, "payload.soundId must be a string or null");
  // Only the known fields are kept, so every adapter stores and returns the same shape.
  return { creatorId: payload.creatorId, soundId: payload.soundId ?? null, createdAt: payload.createdAt, visibility: payload.visibility };
}

export function checkK(spec: CollectionSpec, k: number, maxK: number): number {
  if (!Number.isInteger(k) || k < 1 || k > maxK) throw new RangeError(`vector collection "${spec.name}": k must be an integer in 1..${maxK}, got ${k}`);
  return k;
}

/** ensureCollection's check of what exists against what is asked for. */
export function assertSameSpec(existing: CollectionSpec, wanted: CollectionSpec): void {
  if (existing.dimension !== wanted.dimension || existing.metric !== wanted.metric) {
    throw new CollectionMismatchError(wanted.name, describeSpec(existing), describeSpec(wanted));
  }
}

function describeSpec(spec: CollectionSpec): string {
  return `${spec.metric}(${spec.dimension})`;
}
