// Unique viewers per video per hour, for the analytics issue. The read-store port has no
// HyperLogLog, so this is a small sketch stored as one cache entry per (video, hour):
// exact while small (up to SPARSE_MAX viewer hashes), then a dense HyperLogLog of 2^12
// one-byte registers (4 KiB, standard error ~1.6 %). Adding is a union (max per
// register), so it is idempotent and order-free: a redelivered batch, a rebuild or two
// processes applying the same events all end with the same sketch.
import { createHash } from "node:crypto";

const P = 12;
const M = 1 << P;
export const SPARSE_MAX = 256;

export type Sketch = { kind: "sparse"; hashes: Set<number> } | { kind: "dense"; registers: Uint8Array };

export const emptySketch = (): Sketch => ({ kind: "sparse", hashes: new Set() });

/** 32 bits of SHA-256 of the viewer key ("u:<user>" or "a:<session>"). */
export function viewerHash(viewer: string): number {
  return createHash("sha256").update(viewer).digest().readUInt32BE(0);
}

function denseOf(hashes: Iterable<number>): Uint8Array {
  const registers = new Uint8Array(M);
  for (const h of hashes) addDense(registers, h);
  return registers;
}

/** Raises the hash's register if it ranks higher; whether anything changed. */
function addDense(registers: Uint8Array, h: number): boolean {
  const index = h >>> (32 - P);
  const rest = (h << P) >>> 0;
  const rank = rest === 0 ? 32 - P + 1 : Math.clz32(rest) + 1;
  if (rank <= registers[index]!) return false;
  registers[index] = rank;
  return true;
}

/**
 * The union of the sketch and the hashes, and whether it differs from the sketch (most
 * views of a watched video are by viewers it already counts: nothing to write back).
 */
export function addViewers(sketch: Sketch, hashes: readonly number[]): { sketch: Sketch; changed: boolean } {
  let changed = false;
  if (sketch.kind === "dense") {
    for (const h of hashes) changed = addDense(sketch.registers, h) || changed;
    return { sketch, changed };
  }
  const before = sketch.hashes.size;
  for (const h of hashes) sketch.hashes.add(h);
  changed = sketch.hashes.size !== before;
  return { sketch: sketch.hashes.size > SPARSE_MAX ? { kind: "dense", registers: denseOf(sketch.hashes) } : sketch, changed };
}

export function estimate(sketch: Sketch): number {
  if (sketch.kind === "sparse") return sketch.hashes.size;
  let sum = 0;
  let zeros = 0;
  for (const r of sketch.registers) {
    sum += 2 ** -r;
    if (r === 0) zeros++;
  }
  const alpha = 0.7213 / (1 + 1.079 / M);
  const raw = (alpha * M * M) / sum;
  // Small ranges: linear counting is the better estimate while registers are empty.
  if (raw <= 2.5 * M && zeros > 0) return Math.round(M * Math.log(M / zeros));
  return Math.round(raw);
}

export function encodeSketch(sketch: Sketch): string {
  if (sketch.kind === "sparse") return `s:${[...sketch.hashes].map((h) => h.toString(36)).join(",")}`;
  return `d:${Buffer.from(sketch.registers).toString("base64")}`;
}

export function decodeSketch(text: string | undefined): Sketch {
  if (!text) return emptySketch();
  if (text.startsWith("d:")) return { kind: "dense", registers: new Uint8Array(Buffer.from(text.slice(2), "base64")) };
  const body = text.slice(2);
  return { kind: "sparse", hashes: new Set(body ? body.split(",").map((h) => parseInt(h, 36)) : []) };
}
